"""`clustergraph tabular`: the fictional Ruritania source written as CSV tables, compiled to Turtle and back.

The tables in `tests/data/sources/ruritania-example/tables/` hold every kind (cases, institutions,
instruments, lessons, passages — English and Russian quotes —, regions, roles) and are in the form
`to-csv` writes, so CSV → Turtle → CSV gives the same bytes.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from clustergraph.cli import main
from clustergraph.compile.build import validate_files
from clustergraph.compile.formatting import format_paths
from clustergraph.compile.load import parse_turtle
from clustergraph.compile.modules import write_modules
from clustergraph.compile.tabular import GENERATED, TABLES_FOLDER, to_csv, to_turtle, write_templates
from clustergraph.compile.tabular_columns import load_tables
from clustergraph.errors import TableError
from clustergraph.namespaces import CG, ID, SCOPED_KINDS, resource_iri, scoped_iri, source_base

SOURCE = "ruritania-example"
FIXTURE = Path(__file__).parent / "data" / "sources" / SOURCE
TABLE_NAMES = ["cases", "institutions", "instruments", "lessons", "passages", "regions", "roles", "schemes"]


def _copy_project(project_dir: Path, copy: Path) -> Path:
    """A copy of the project whose Ruritania source is its manifest, its text and its tables, no Turtle."""
    for folder in ("ontology", "shapes", "queries", "data"):
        shutil.copytree(project_dir / folder, copy / folder)
    source = copy / "data" / SOURCE
    shutil.rmtree(source, ignore_errors=True)  # the example may be in data/ already (test_second_source.py)
    source.mkdir()
    for name in ("manifest.ttl", "text.txt"):
        shutil.copy2(FIXTURE / name, source / name)
    shutil.copytree(FIXTURE / TABLES_FOLDER, source / TABLES_FOLDER)
    return copy


@pytest.fixture
def project(project_dir: Path, tmp_path: Path) -> Path:
    return _copy_project(project_dir, tmp_path / "project")


@pytest.fixture(scope="module")
def compiled(project_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """The tables compiled once, for the tests that only read the result: the project and the files written."""
    project = _copy_project(project_dir, tmp_path_factory.mktemp("tabular") / "project")
    return project, to_turtle(_tables(project), project)


def _tables(project: Path) -> Path:
    return project / "data" / SOURCE / TABLES_FOLDER


def _compiled(project: Path) -> list[Path]:
    return [project / "data" / SOURCE / f"{name}.ttl" for name in TABLE_NAMES]


def _graph(paths: list[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        parse_turtle(path, graph)
    return graph


def _assert_isomorphic(expected: Graph, actual: Graph) -> None:
    if not isomorphic(expected, actual):
        _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        pytest.fail(f"only in expected:\n{only_expected.serialize(format='nt')}\n"
                    f"only in actual:\n{only_actual.serialize(format='nt')}")  # fmt: skip


def test_the_fixture_has_a_table_of_every_kind_with_rows() -> None:
    tables = sorted(p.stem for p in (FIXTURE / TABLES_FOLDER).glob("*.csv"))
    assert tables == TABLE_NAMES
    assert all(len((FIXTURE / TABLES_FOLDER / f"{t}.csv").read_text("utf-8").splitlines()) > 1 for t in tables)


def test_csv_to_turtle_to_csv_gives_the_same_tables(compiled: tuple[Path, list[Path]], tmp_path: Path) -> None:
    project, _ = compiled
    written, warnings = to_csv(project / "data" / SOURCE, tmp_path / "back", project)
    assert warnings == []
    assert sorted(p.name for p in written) == [f"{name}.csv" for name in TABLE_NAMES]
    for path in written:
        assert path.read_bytes() == (FIXTURE / TABLES_FOLDER / path.name).read_bytes(), path.name


def test_turtle_to_csv_to_turtle_gives_an_isomorphic_graph(project: Path, tmp_path: Path) -> None:
    to_turtle(_tables(project), project)
    first = _graph(_compiled(project))
    to_csv(project / "data" / SOURCE, tmp_path / "tables", project)
    shutil.rmtree(_tables(project))
    for path in _compiled(project):
        path.unlink()
    shutil.copytree(tmp_path / "tables", _tables(project))
    to_turtle(_tables(project), project)
    _assert_isomorphic(first, _graph(_compiled(project)))


def test_the_compiled_turtle_validates_is_canonical_and_in_the_edit_file(compiled: tuple[Path, list[Path]]) -> None:
    project, written = compiled
    assert set(_compiled(project)) <= set(written)
    report = validate_files(project, [project / "data" / SOURCE / "manifest.ttl", *_compiled(project)])
    assert report.conforms, report.render()
    assert format_paths([project / "data"], check=True) == []
    assert write_modules(project) == []
    assert to_turtle(_tables(project), project) == []  # compiled again, nothing changes
    assert all(p.read_text("utf-8").startswith(GENERATED.format(table=p.stem)) for p in _compiled(project))


def test_every_quote_of_the_tables_stands_in_the_source_text(compiled: tuple[Path, list[Path]]) -> None:
    project, _ = compiled
    text = " ".join((FIXTURE / "text.txt").read_text(encoding="utf-8").split())
    quotes = [str(q) for q in _graph(_compiled(project)).objects(None, CG.quote)]
    assert len(quotes) == 5
    assert [q for q in quotes if q not in text] == []


def test_source_relative_resources_are_scoped_and_real_world_ones_shared(compiled: tuple[Path, list[Path]]) -> None:
    project, _ = compiled
    graph = _graph(_compiled(project))
    case, region = URIRef(scoped_iri(SOURCE, "case", "ruritania")), URIRef(resource_iri("region", "ruritania"))
    bureau = URIRef(resource_iri("institution", "ruritanian-cluster-bureau"))
    assert (case, CG.inRegion, region) in graph
    assert (case, CG.leadInstitution, bureau) in graph
    assert (URIRef(scoped_iri(SOURCE, "role", "facilitator")), RDF.type, CG.FacilitatorRole) in graph
    passage = URIRef(scoped_iri(SOURCE, "passage", "ruritania-summary-ru"))
    assert graph.value(passage, CG.quote) == Literal(
        "кластерная неделя Руритании — форум, повестку которого определяют сами фирмы", lang="ru"
    )
    notes = {str(n) for n in graph.objects(URIRef(scoped_iri(SOURCE, "passage", "ruritania-roles")), None)}
    assert "a value with a bar | inside, to show the escape" in notes
    for subject in {s for s in graph.subjects(RDF.type, None) if (s, RDF.type, OWL.Ontology) not in graph}:
        scoped = str(subject).startswith(source_base(SOURCE))
        kind = str(subject).removeprefix(source_base(SOURCE) if scoped else str(ID)).split("/")[0]
        assert (kind in SCOPED_KINDS) == scoped, subject


def test_the_templates_ask_for_what_the_shapes_require() -> None:
    tables = load_tables(Path(__file__).resolve().parents[1])
    assert sorted(tables) == TABLE_NAMES
    required = {name: {c.name for c in table.columns if c.required} for name, table in tables.items()}
    assert required["cases"] == {"label_en", "label_ru", "region", "attested_by"}
    assert required["lessons"] == {"label_en", "label_ru", "lesson_of", "attested_by"}
    assert required["passages"] == {"label_en", "label_ru", "quoted_from"}
    assert tables["passages"].one_of == (("quote_en", "quote_ru"),)
    columns = {c.name: c for c in tables["cases"].columns}
    assert not columns["region"].multiple and columns["instruments"].multiple
    assert columns["cluster_count_more_than"].datatype is not None
    assert tables["instruments"].header[:2] == ["slug", "type"] and "type" not in tables["cases"].header


@pytest.mark.parametrize(
    ("table", "column", "value", "where", "message"),
    [
        pytest.param(
            "cases", "region", "atlantis", "cases.csv:2:4 (region)", "unknown reference", id="unknown-reference"
        ),
        pytest.param("cases", "slug", "Ruritania Case", "cases.csv:2:1 (slug)", "is not a slug", id="bad-slug"),
        pytest.param(
            "cases", "label_ru", "", "cases.csv:2:3 (label_ru)", "empty, and a case needs it", id="missing-cell"
        ),
        pytest.param(
            "regions", "label_en", "Руритания", "regions.csv:2:3 (label_en)", "Cyrillic text", id="bad-language-cell"
        ),
        pytest.param(
            "cases",
            "cluster_count_more_than",
            "many",
            "cases.csv:2:13 (cluster_count_more_than)",
            "not a valid xsd:nonNegativeInteger",
            id="bad-number",
        ),
        pytest.param(
            "instruments",
            "type",
            "Festival",
            "instruments.csv:2:2 (type)",
            "is not a kind of cg:PolicyInstrument",
            id="bad-type",
        ),
        pytest.param(
            "passages",
            "quote_en",
            "",
            "passages.csv:2:4 (quote_en)",
            "a value is needed in one of them",
            id="no-quote-in-any-language",
        ),
        pytest.param("regions", "wikidata", "wd:P31", "regions.csv:2:6 (wikidata)", "does not match", id="bad-pattern"),
    ],
)
def test_a_bad_cell_is_named_by_file_row_and_column(
    project: Path, table: str, column: str, value: str, where: str, message: str
) -> None:
    _set_cell(_tables(project) / f"{table}.csv", column, value)
    with pytest.raises(TableError) as raised:
        to_turtle(_tables(project), project)
    assert any(where in p and message in p for p in raised.value.problems), raised.value.problems
    assert not any(path.exists() for path in _compiled(project))  # nothing written


@pytest.mark.parametrize(
    ("header", "where", "message"),
    [
        pytest.param("colour", "cases.csv:1:19 (colour)", "no such column in the cases table", id="unknown-column"),
        pytest.param("label_de", "cases.csv:1:19 (label_de)", "the shapes allow label_en, label_ru", id="bad-language"),
    ],
)
def test_a_bad_column_is_named_in_the_header_row(project: Path, header: str, where: str, message: str) -> None:
    path = _tables(project) / "cases.csv"
    lines = path.read_text("utf-8").splitlines()
    path.write_text("\n".join([f"{lines[0]},{header}", *(f"{line}," for line in lines[1:])]) + "\n", "utf-8")
    with pytest.raises(TableError) as raised:
        to_turtle(_tables(project), project)
    assert any(where in p and message in p for p in raised.value.problems), raised.value.problems


def test_a_second_row_with_a_slug_taken_and_a_table_of_no_kind_are_refused(project: Path) -> None:
    lessons = _tables(project) / "lessons.csv"
    lessons.write_text(lessons.read_text("utf-8") + lessons.read_text("utf-8").splitlines()[1] + "\n", "utf-8")
    (_tables(project) / "stages.csv").write_text("slug\n", encoding="utf-8")
    with pytest.raises(TableError) as raised:
        to_turtle(_tables(project), project)
    problems = "\n".join(raised.value.problems)
    assert "lessons.csv:3:1 (slug): 'ruritania-firms-set-the-agenda' is the slug of row 2 too" in problems
    assert "stages.csv: no table is called 'stages'" in problems


def test_the_command_exits_1_and_prints_every_problem(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _set_cell(_tables(project) / "lessons.csv", "lesson_of", "nowhere")
    _set_cell(_tables(project) / "roles.csv", "number", "one")
    assert main(["--project", str(project), "tabular", "to-turtle", str(_tables(project))]) == 1
    err = capsys.readouterr().err
    assert "2 problem(s) in the tables, nothing written" in err
    assert "lessons.csv:2:4 (lesson_of): unknown reference" in err and "roles.csv:2:5 (number)" in err


def test_a_hand_written_file_of_the_same_name_is_not_overwritten(project: Path) -> None:
    hand_written = project / "data" / SOURCE / "cases.ttl"
    hand_written.write_text("# by hand\n", encoding="utf-8")
    with pytest.raises(TableError, match="was not generated from the tables"):
        to_turtle(_tables(project), project)
    assert hand_written.read_text(encoding="utf-8") == "# by hand\n"


def test_what_no_column_holds_is_reported_by_to_csv(project: Path, tmp_path: Path) -> None:
    to_turtle(_tables(project), project)
    extra = project / "data" / SOURCE / "extra.ttl"
    case = scoped_iri(SOURCE, "case", "ruritania")
    extra.write_text(f'<{case}> <{CG.finding}> "an extra finding"@en .\n', encoding="utf-8")
    _, warnings = to_csv(project / "data" / SOURCE, tmp_path / "out", project)
    assert len(warnings) == 1 and "cg:finding" in warnings[0] and "left out" in warnings[0]


def test_empty_templates_compile_to_nothing(project: Path, tmp_path: Path) -> None:
    folder = project / "data" / "empty-example" / TABLES_FOLDER
    templates = write_templates(folder, project)
    tables = load_tables(project)
    assert [p.read_text("utf-8") for p in templates] == [",".join(t.header) + "\n" for t in tables.values()]
    to_turtle(folder, project)
    assert list(folder.parent.glob("*.ttl")) == []


def test_new_source_writes_the_empty_tables(project: Path) -> None:
    args = [
        "--project",
        str(project),
        "new-source",
        "tabular-example",
        "--label-en",
        "An example",
        "--label-ru",
        "Пример",
    ]
    assert main(args) == 0
    folder = project / "data" / "tabular-example" / TABLES_FOLDER
    assert sorted(p.stem for p in folder.glob("*.csv")) == TABLE_NAMES


def _set_cell(path: Path, column: str, value: str) -> None:
    """Set `column` of the table's first row."""
    with path.open(encoding="utf-8", newline="") as table:
        rows = list(csv.reader(table))
    rows[1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as table:
        csv.writer(table, lineterminator="\n").writerows(rows)
