"""`clustergraph new-source`: a folder that validates, builds, is canonical and opens in Protégé at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef

from clustergraph.cli import main
from clustergraph.compile.build import build
from clustergraph.compile.formatting import format_paths
from clustergraph.compile.modules import write_modules
from clustergraph.namespaces import CG, scoped_iri, source_graph

SLUG = "scaffold-example-2024"
FILLED_IN = {
    "«slug»": "regional-review-example",
    "«name in English»": "Regional review: an example case",
    "«название по-русски»": "Региональное обозрение: пример кейса",
    "«region-slug»": "oregon",
    "«passage-slug»": "regional-review-example",
    "«Region»": "Oregon",
    "«Регион»": "Орегон",
    "«what the passage is about»": "the example case",
    "«о чём фрагмент»": "пример кейса",
    "«the source's own words, one or two sentences»": "Пример.",
}


@pytest.fixture
def project(project_dir: Path, tmp_path: Path) -> Path:
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(project_dir / folder, tmp_path / "project" / folder)
    return tmp_path / "project"


def _new_source(project: Path, slug: str = SLUG) -> int:
    return main(["--project", str(project), "new-source", slug, "--label-en", "Regional Review, 2024",
                 "--label-ru", "Региональное обозрение, 2024"])  # fmt: skip


def test_the_new_source_validates_is_canonical_and_is_in_the_edit_file(project: Path, tmp_path: Path) -> None:
    assert _new_source(project) == 0
    files = sorted((project / "data" / SLUG).glob("*.ttl"))
    assert [f.name for f in files] == ["case.ttl", "manifest.ttl"]
    assert main(["--project", str(project), "validate", *map(str, files)]) == 0
    assert format_paths([project / "data", project / "ontology"], check=True) == []
    assert write_modules(project) == []
    assert source_graph(SLUG) in (project / "ontology" / "clustergraph-edit.ttl").read_text(encoding="utf-8")
    result = build(project, tmp_path / "release")
    assert result.report["graphs"][source_graph(SLUG)]["triples"] > 0
    assert result.warnings == ()  # it has its manifest


def test_the_commented_case_uncommented_and_filled_in_is_valid(project: Path, tmp_path: Path) -> None:
    assert _new_source(project) == 0
    template = (project / "data" / SLUG / "case.ttl").read_text(encoding="utf-8")
    lines = template.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# @base"))
    end = next(i for i, line in enumerate(lines) if i > start and not line.startswith("#"))
    turtle = "\n".join(line[2:] for line in lines[start:end])
    for placeholder, value in FILLED_IN.items():
        turtle = turtle.replace(placeholder, value)
    case = tmp_path / "case.ttl"
    case.write_text(turtle, encoding="utf-8")
    cases = set(Graph().parse(case).subjects(RDF.type, CG.PolicyCase))
    assert cases == {URIRef(scoped_iri(SLUG, "case", "regional-review-example"))}
    assert main(["--project", str(project), "validate", str(case), str(project / "data" / SLUG / "manifest.ttl")]) == 0


@pytest.mark.parametrize("slug", ["Not_A_Slug", "creative-economy-2017-07"])
def test_a_bad_or_taken_slug_is_refused_and_nothing_is_written(
    slug: str, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(p.name for p in (project / "data").iterdir())
    assert _new_source(project, slug) == 1
    assert "error:" in capsys.readouterr().err
    assert sorted(p.name for p in (project / "data").iterdir()) == before
