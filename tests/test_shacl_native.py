"""The native SHACL engine against pyshacl, the validator of record: the same violations on the article, on a
synthetic project of 10^4 triples and on data that breaks every constraint of the shapes; and a shape the
engine does not implement is refused, never skipped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import pytest
from benchmarks.synthetic import generate_project
from rdflib import Graph

from clustergraph.cli import main
from clustergraph.compile import shacl
from clustergraph.compile.load import Sources, load_project
from clustergraph.compile.validate import ValidationReport, validate_sources
from clustergraph.errors import BuildError
from shacl_injections import Injector

INJECTED = "injected"


def assert_same_report(sources: Sources, data: Mapping[str, Graph] | None = None) -> ValidationReport:
    reports = {
        validator: validate_sources(
            data or sources.data,
            ontology=sources.ontology,
            shapes=sources.shapes,
            per_source_shapes=sources.per_source_shapes,
            origins=sources.origins,
            source_origins=sources.source_origins,
            validator=validator,
        )
        for validator in ("native", "pyshacl")
    }
    native, reference = Counter(reports["native"].violations), Counter(reports["pyshacl"].violations)
    only_native = "\n\n".join(v.render() for v in native - reference)
    only_pyshacl = "\n\n".join(v.render() for v in reference - native)
    assert native == reference, f"only native:\n{only_native}\n\nonly pyshacl:\n{only_pyshacl}"
    return reports["native"]


def test_the_article_gets_pyshacls_report(project_dir: Path) -> None:
    sources = load_project(project_dir)
    assert assert_same_report(sources).violations == ()


def test_a_synthetic_project_of_ten_thousand_triples_gets_pyshacls_report(tmp_path: Path) -> None:
    """As generated (valid), and with one more source breaking every constraint among its 10^4 triples."""
    project = tmp_path / "project"
    assert generate_project(10_000, project).triples >= 10_000
    sources = load_project(project)
    assert sum(len(graph) for graph in sources.data.values()) >= 10_000
    assert_same_report(sources)
    assert not assert_same_report(sources, {**sources.data, INJECTED: _injection(sources)}).conforms


def _injection(sources: Sources) -> Graph:
    graph = Graph()
    Injector(sources.shapes, graph).inject_all()
    Injector(sources.per_source_shapes, graph).inject_all()
    return graph


@pytest.fixture(scope="module")
def injected() -> tuple[Sources, dict[str, Graph]]:
    """The article's data and one more source that breaks every constraint of both shapes graphs."""
    sources = load_project(Path(__file__).parents[1])
    return sources, {**sources.data, INJECTED: _injection(sources)}


def test_data_breaking_every_constraint_gets_pyshacls_report(injected: tuple[Sources, dict[str, Graph]]) -> None:
    sources, data = injected
    report = assert_same_report(sources, data)
    assert not report.conforms
    assert {v.severity for v in report.violations} == {"Violation", "Warning"}
    assert any(v.path and v.path.startswith("^") for v in report.violations), "an inverse path is reported"
    one_value = {str(shape) for shape in sources.per_source_shapes.subjects()}
    assert any(v.source in one_value for v in report.violations), "a per-source shape is broken"


def test_every_constraint_component_the_shapes_use_is_broken_by_an_injection(
    injected: tuple[Sources, dict[str, Graph]],
) -> None:
    """A component with no result here has no injection that breaks it: teach `shacl_injections` first."""
    sources, data = injected
    store = shacl.SourceStore(sources.ontology, data)
    used = {
        c.component
        for shapes in (sources.shapes, sources.per_source_shapes)
        for c in shacl.ShapeCompiler(shapes).checks()
    }
    found = {r.check.component for r in store.merged(sources.shapes)}
    found |= {r.check.component for results in store.per_source(sources.per_source_shapes).values() for r in results}
    assert used <= shacl.COMPONENTS
    assert used - found == set()
    nested = {"or", "xone", "not", "class", "languageIn"}  # components the shapes use inside others too
    assert nested <= used


def _shapes(turtle: str) -> Graph:
    prefixes = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <https://example.org/> .\n"
    return Graph().parse(data=prefixes + turtle, format="turtle")


@pytest.mark.parametrize(
    ("turtle", "component"),
    [
        ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minLength 2 ] .", "minLength"),
        ("ex:S sh:targetClass ex:C ; sh:sparql [ sh:select 'SELECT $this {}' ] .", "sparql"),
        ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ] .", "path"),
        ("ex:S sh:targetClass ex:C ; sh:closed true .", "closed"),
        ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:datatype ex:own ] .", "datatype"),
        ("ex:S sh:targetClass ex:C ; sh:or ( [ sh:path ex:p ; sh:minCount 2 ] ) .", "minCount"),
        ("ex:S sh:targetClass ex:C ; sh:deactivated true .", "deactivated"),
        ("ex:S sh:targetClass ex:C ; sh:qualifiedMinCount 1 .", "qualifiedMinCount"),
        ("ex:S sh:targetClass ex:C ; sh:not [ sh:path ex:p ; sh:qualifiedMaxCount 1 ] .", "qualifiedMaxCount"),
    ],
)
def test_a_component_the_engine_does_not_implement_is_refused_by_name(turtle: str, component: str) -> None:
    with pytest.raises(BuildError, match=rf"sh:{component}\b") as refusal:
        shacl.ShapeCompiler(_shapes(turtle)).checks()
    nested = component in {"minCount", "qualifiedMaxCount"}  # a blank shape inside ex:S's sh:or or sh:not
    assert "ex:S" in str(refusal.value) or nested, "the shape is named"


def test_a_shape_without_a_message_gets_pyshacls_own_text(project_dir: Path) -> None:
    """pyshacl writes a text of its own where a shape gives none; the native engine then asks pyshacl."""
    sources = load_project(project_dir)
    silent = _shapes(
        "ex:S sh:targetClass <https://w3id.org/clustergraph/ontology#PolicyCase> ; "
        "sh:property [ sh:path ex:nothing ; sh:minCount 1 ] ."
    )
    sources.shapes = silent
    report = assert_same_report(sources)
    assert report.violations and all(v.message != "(no message)" for v in report.violations)


def test_clustergraph_validate_reports_the_same_with_either_validator(
    project_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix cg: <https://w3id.org/clustergraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/clustergraph/id/region/nowhere> a cg:Region ; rdfs:label "Nowhere", "Nirgendwo"@de .\n',
        encoding="utf-8",
    )
    errors = {}
    for validator in ("native", "pyshacl"):
        assert main(["--project", str(project_dir), "validate", "--validator", validator, str(bad)]) == 1
        errors[validator] = capsys.readouterr().err
    assert errors["native"] == errors["pyshacl"]
    assert "focus: region:nowhere" in errors["native"] and "bad.ttl" in errors["native"]
