"""Groups of sources reasoned over and validated in batches of bounded size: the same verdicts and the
same release as all at once, a violation that shows only when two sources are seen together included."""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.replicate import replicate_project
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from clustergraph.compile.build import build, check
from clustergraph.compile.incremental import Component, batches, components, schema_digest, source_digests
from clustergraph.compile.load import load_project
from clustergraph.compile.validate import validate_sources
from clustergraph.errors import ValidationFailed
from clustergraph.namespaces import CG, resource_iri

pytestmark = pytest.mark.own_projects  # never reads data/ as a whole: see pyproject's markers

SOURCE = "creative-economy-2017-07"
SECOND_OPINION = "second-opinion"


@pytest.fixture
def project(article_project: Path) -> Path:
    """The article's source and two copies of it with fresh IRIs and labels: three groups."""
    replicate_project(article_project / "data", SOURCE, 2)
    return article_project


def _component(*sources: str) -> Component:
    return Component(sources, "-".join(sources))


def test_batches_keep_the_order_fill_up_to_the_limit_and_never_split_a_group() -> None:
    a, bc, d, e, f = _component("a"), _component("b", "c"), _component("d"), _component("e"), _component("f")
    sizes = {"a": 40, "b": 30, "c": 30, "d": 50, "e": 200, "f": 10}  # bc: 60 triples, e: more than a batch
    assert batches([a, bc, d, e, f], sizes, 100) == [[a, bc], [d], [e], [f]]
    assert batches([a, bc, d, e, f], sizes, 1_000) == [[a, bc, d, e, f]]
    assert batches([a, bc, d, e, f], sizes, 1) == [[a], [bc], [d], [e], [f]]
    assert batches([], sizes, 100) == []


def _break(project: Path) -> None:
    """A violation inside copy 1 alone, and one that shows only when a fourth source meets copy 2: it gives
    copy 2's Oregon a second English label, each source on its own giving one."""
    (project / "data" / f"{SOURCE}-copy-1" / "broken.ttl").write_text(
        "@prefix case: <https://w3id.org/clustergraph/id/case/> .\n"
        "@prefix cg: <https://w3id.org/clustergraph/ontology#> .\ncase:copy-1-nowhere a cg:PolicyCase .\n",
        encoding="utf-8",
    )
    folder = project / "data" / SECOND_OPINION
    folder.mkdir()
    (folder / "oregon.ttl").write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<{resource_iri("region", "copy-2-oregon")}> rdfs:label "The State of Oregon (second opinion)"@en .\n',
        encoding="utf-8",
    )


def _report(project: Path, batch_triples: int | None) -> str:
    sources = load_project(project)
    grouping = components(sources.data, sources.ontology, source_digests(project), schema_digest(project))
    assert (f"{SOURCE}-copy-2", SECOND_OPINION) in [c.sources for c in grouping.components]
    with pytest.raises(ValidationFailed) as failure:
        check(sources, project, grouping.components, batch_triples=batch_triples)
    return failure.value.report


def test_one_source_per_batch_finds_what_one_batch_for_all_finds_a_cross_source_violation_included(
    project: Path,
) -> None:
    _break(project)
    apart = _report(project, batch_triples=1)
    assert apart == _report(project, batch_triples=None)
    oregon = "focus: region:copy-2-oregon\n  path: rdfs:label"
    assert oregon in apart, "the second English label is seen only with both sources in one batch"
    assert "focus: case:copy-1-nowhere" in apart


def test_a_build_in_batches_writes_the_release_a_build_in_one_batch_writes(project: Path, tmp_path: Path) -> None:
    apart = build(project, tmp_path / "apart", batch_triples=1)
    together = build(project, tmp_path / "together", batch_triples=10**9)
    assert apart.report["work"] == together.report["work"] == {"components": 3, "reasoned": 3, "validated": 3}
    assert apart.version.name == together.version.name
    for name in ("dataset.nq", "data.ttl", "inferred.ttl", "ontology.ttl"):
        assert (apart.version / name).read_bytes() == (together.version / name).read_bytes(), name


def _namesake(slug: str) -> Graph:
    graph = Graph()
    region = URIRef(resource_iri("region", slug))
    graph.add((region, RDF.type, CG.Region))
    graph.add((region, RDFS.label, Literal("Namesake", lang="en")))
    return graph


def test_a_batch_runs_the_checks_in_each_source_graph_on_its_own(project: Path) -> None:
    """Two regions with one English label: a duplicate within a source, a statement of each in two."""
    sources = load_project(project)
    apart = {"one": _namesake("namesake-one"), "two": _namesake("namesake-two")}
    together = {"one": apart["one"] + apart["two"]}

    def duplicates(data: dict[str, Graph]) -> list[str]:
        report = validate_sources(
            data,
            ontology=sources.ontology,
            shapes=Graph(),
            per_source_shapes=Graph(),
            origins={},
            source_origins={},
            checks_dir=project / "queries" / "checks",
        )
        return sorted(v.focus for v in report.violations if v.source == "duplicate-label-violation")

    assert duplicates(apart) == []
    assert duplicates(together) == [resource_iri("region", "namesake-one"), resource_iri("region", "namesake-two")]
