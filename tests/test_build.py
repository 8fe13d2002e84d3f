"""`clustergraph build`: what it writes, and how it fails."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from clustergraph.cli import main
from clustergraph.compile.build import BuildResult, build
from clustergraph.compile.terms import ToRdflib
from clustergraph.errors import BuildError, ValidationFailed
from clustergraph.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, source_base, source_graph
from clustergraph.release_format import ARTIFACTS, CURRENT, MANIFEST_FILE

SOURCE = "creative-economy-2017-07"

OWN = source_base("creative-economy-2017-07")  # the article's own resources


@pytest.fixture
def project_copy(project_dir: Path, tmp_path: Path) -> Path:
    """A throw-away copy of the sources, to break on purpose."""
    copy = tmp_path / "project"
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(project_dir / folder, copy / folder)
    return copy


def test_release_holds_every_artifact_and_each_parses(release_dir: Path) -> None:
    for name, fmt in [
        ("ontology.ttl", ox.RdfFormat.TURTLE),
        ("ontology.owl", ox.RdfFormat.RDF_XML),
        ("ontology.jsonld", ox.RdfFormat.JSON_LD),
        ("data.ttl", ox.RdfFormat.TURTLE),
        ("inferred.ttl", ox.RdfFormat.TURTLE),
    ]:
        assert list(ox.parse(path=str(release_dir / name), format=fmt)), name
    dataset = ox.parse(path=str(release_dir / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    ontology = _rdflib_graph(dataset, ONTOLOGY_GRAPH)
    for name, fmt in [("ontology.owl", ox.RdfFormat.RDF_XML), ("ontology.jsonld", ox.RdfFormat.JSON_LD)]:
        written = _rdflib_graph(ox.parse(path=str(release_dir / name), format=fmt), None)
        assert isomorphic(written, ontology), f"{name} does not hold the ontology's graph"
    quads = list(ox.parse(path=str(release_dir / "dataset.nq"), format=ox.RdfFormat.N_QUADS))
    names = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    assert all(isinstance(q.graph_name, ox.NamedNode) for q in quads), "a triple outside every named graph"
    assert names == {str(ONTOLOGY_GRAPH), source_graph(SOURCE), str(INFERRED_GRAPH)}


def _rdflib_graph(quads: Iterable[ox.Quad | ox.Triple], name: object) -> Graph:
    """The triples of the graph `name` (every triple with None), as rdflib's, to compare up to blank nodes."""
    terms = ToRdflib()
    graph = Graph()
    for quad in quads:
        if name is None or (isinstance(quad, ox.Quad) and quad.graph_name == ox.NamedNode(str(name))):
            graph.add(next(terms.triples([quad])))
    return graph


def test_every_source_folder_is_its_own_named_graph(built_all: BuildResult, project_dir: Path) -> None:
    sources = {source_graph(folder.name) for folder in (project_dir / "data").iterdir() if folder.is_dir()}
    assert set(built_all.report["graphs"]) == {str(ONTOLOGY_GRAPH), str(INFERRED_GRAPH)} | sources
    graphs = built_all.report["graphs"]
    assert built_all.report["triples"]["asserted_data"] <= sum(graphs[s]["triples"] for s in sources)


def test_inferred_triples_are_kept_apart_from_asserted_ones(release_store: ox.Store) -> None:
    inferred = set(ox_triples(release_store, str(INFERRED_GRAPH)))
    asserted = set(ox_triples(release_store, source_graph(SOURCE)))
    asserted |= set(ox_triples(release_store, str(ONTOLOGY_GRAPH)))
    assert inferred, "the reasoner inferred nothing"
    assert not inferred & asserted


def ox_triples(store: ox.Store, graph: str) -> list[tuple[str, str, str]]:
    quads = store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    return [(str(q.subject), str(q.predicate), str(q.object)) for q in quads]


def test_report_counts_triples_and_says_where_the_time_went(built: BuildResult) -> None:
    report = json.loads((built.release_dir / "report.json").read_text(encoding="utf-8"))
    assert report == built.report
    assert set(report["timings_s"]) == {"load", "reason", "validate", "write"}
    assert report["triples"]["asserted_data"] == report["graphs"][source_graph(SOURCE)]["triples"]
    assert report["instances_per_class"]["cg:PolicyCase"] >= 4


@pytest.mark.parametrize("name", [name for name in ARTIFACTS if name != MANIFEST_FILE])
def test_two_builds_in_two_processes_write_the_same_bytes(name: str, two_builds: tuple[Path, Path]) -> None:
    """Python orders sets differently in each process (hash randomization): a writer that walks one would
    give a download different bytes from one build to the next."""
    first, second = two_builds
    assert (first / name).read_bytes() == (second / name).read_bytes()


@pytest.fixture(scope="module")
def two_builds(project_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    releases = []
    for seed in ("1", "2"):
        release = tmp_path_factory.mktemp(f"hash-seed-{seed}") / "release"
        command = [sys.executable, "-m", "clustergraph.cli", "--project", str(project_dir), "--release", str(release)]
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([*command, "build"], check=True, env=environment, capture_output=True)
        releases.append(release / CURRENT)
    return releases[0], releases[1]


def _existing_release(project: Path, tmp_path: Path) -> Path:
    release = tmp_path / "release"
    release.mkdir()
    (release / "dataset.nq").write_text("previous release\n", encoding="utf-8")
    return release


def _assert_untouched(release: Path) -> None:
    assert [p.name for p in release.parent.iterdir() if p.name.startswith(".release")] == []
    assert (release / "dataset.nq").read_text(encoding="utf-8") == "previous release\n"
    assert sorted(p.name for p in release.iterdir()) == ["dataset.nq"]


def test_a_parse_error_names_the_file_and_writes_nothing(project_copy: Path, tmp_path: Path) -> None:
    broken = project_copy / "data" / SOURCE / "broken.ttl"
    broken.write_text("@prefix cg: <https://w3id.org/clustergraph/ontology#> .\ncg:x cg:y \n", encoding="utf-8")
    release = _existing_release(project_copy, tmp_path)
    with pytest.raises(BuildError, match=r"broken\.ttl:2:10: does not parse as Turtle: objectList expected"):
        build(project_copy, release)
    _assert_untouched(release)


def test_an_unbound_prefix_names_the_file_the_line_and_the_prefix(project_copy: Path, tmp_path: Path) -> None:
    broken = project_copy / "data" / SOURCE / "oregon-more.ttl"
    broken.write_text(
        "@prefix cg: <https://w3id.org/clustergraph/ontology#> .\n\n"
        "<https://w3id.org/clustergraph/id/source/creative-economy-2017-07/case/oregon> cg:attestedBy\n"
        f'    <{OWN}passage/x> ;\n    bibo:shortTitle "Oregon" .\n',
        encoding="utf-8",
    )
    with pytest.raises(BuildError) as failure:
        build(project_copy, tmp_path / "release")
    first_line, shown, caret = str(failure.value).splitlines()
    assert first_line == f'{broken}:5:5: does not parse as Turtle: Prefix "bibo:" not bound'
    assert shown.strip() == 'bibo:shortTitle "Oregon" .'
    assert caret.index("^") == shown.index("bibo:")


def test_an_iri_rdflib_would_take_but_cannot_write_names_the_file_the_line_and_the_spot(
    project_copy: Path, tmp_path: Path
) -> None:
    """rdflib reads `<… x>` (a space) with a warning and fails only when writing it; the build's parser
    refuses it where it stands."""
    broken = project_copy / "data" / SOURCE / "spaced.ttl"
    broken.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
        f"<{OWN}case/oregon> rdfs:seeAlso\n    <{OWN}passage/a b> .\n",
        encoding="utf-8",
    )
    with pytest.raises(BuildError) as failure:
        build(project_copy, tmp_path / "release")
    first_line, shown, caret = str(failure.value).splitlines()
    assert first_line == f"{broken}:4:5: does not parse as Turtle: Invalid IRI code point ' '"
    assert shown.strip() == f"<{OWN}passage/a b> ."
    assert caret.index("^") == shown.index("<")
    assert not (tmp_path / "release").exists()


def test_a_shacl_violation_fails_with_a_report_naming_file_node_and_message(project_copy: Path, tmp_path: Path) -> None:
    (project_copy / "data" / SOURCE / "bad-case.ttl").write_text(
        "@prefix cg: <https://w3id.org/clustergraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/clustergraph/id/source/creative-economy-2017-07/case/nowhere> a cg:PolicyCase ;\n"
        '    rdfs:label "Nowhere"@en , "Нигде"@ru .\n',
        encoding="utf-8",
    )
    release = _existing_release(project_copy, tmp_path)
    with pytest.raises(ValidationFailed) as failure:
        build(project_copy, release)
    assert (
        f"file: data/{SOURCE}/bad-case.ttl:3\n  focus: https://w3id.org/clustergraph/id/source/creative-economy-2017-07/case/nowhere"
        in failure.value.report
    )
    assert "cg:inRegion" in failure.value.report
    _assert_untouched(release)


def test_an_individual_in_two_disjoint_classes_is_refused(project_copy: Path, tmp_path: Path) -> None:
    (project_copy / "data" / SOURCE / "impossible.ttl").write_text(
        "@prefix cg: <https://w3id.org/clustergraph/ontology#> .\n"
        "<https://w3id.org/clustergraph/id/region/oregon> a cg:PolicyCase .\n",
        encoding="utf-8",
    )
    release = _existing_release(project_copy, tmp_path)
    with pytest.raises(BuildError, match="inconsistent"):
        build(project_copy, release)
    _assert_untouched(release)


def test_cli_build_exits_non_zero_with_a_readable_message(
    project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project_copy / "ontology" / "clustergraph.ttl").write_text("this is not turtle", encoding="utf-8")
    code = main(["--project", str(project_copy), "--release", str(tmp_path / "release"), "build"])
    assert code == 1
    assert "clustergraph.ttl:1:1: does not parse as Turtle: Keyword 'this' was ancient N3" in capsys.readouterr().err
    assert not (tmp_path / "release").exists()


def test_cli_validate_accepts_good_and_rejects_bad_files(
    project_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.ttl"
    good.write_text("@prefix cg: <https://w3id.org/clustergraph/ontology#> .\n", encoding="utf-8")
    assert main(["--project", str(project_dir), "validate", str(good)]) == 0
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix cg: <https://w3id.org/clustergraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<{OWN}case/nowhere> a cg:PolicyCase ; rdfs:label "Nowhere" .\n',
        encoding="utf-8",
    )
    assert main(["--project", str(project_dir), "validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.ttl" in err and "https://w3id.org/clustergraph/id/source/creative-economy-2017-07/case/nowhere" in err


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_cli_query_prints_the_answer_in_each_format(
    fmt: str, project_dir: Path, release_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = project_dir / "queries" / "stages-in-order.rq"
    assert main(["--release", str(release_dir), "query", str(query), "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        bindings = json.loads(out)["results"]["bindings"]
        assert len(bindings) == 3
    else:
        assert "potential" in out.lower()


def test_cli_query_with_an_unknown_parameter_fails_cleanly(
    project_dir: Path, release_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = project_dir / "queries" / "stages-in-order.rq"
    assert main(["--release", str(release_dir), "query", str(query), "-p", "nope=1"]) == 1
    assert "has no parameter 'nope'" in capsys.readouterr().err
