"""Incremental builds: sources grouped by what they share, unchanged groups taken from the cache, and
a release identical to a full build's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks.replicate import replicate_project
from rdflib import Graph

from clustergraph.compile.build import build
from clustergraph.compile.incremental import components, source_digests
from clustergraph.compile.load import load_project
from clustergraph.compile.reason import infer
from clustergraph.errors import ValidationFailed
from clustergraph.namespaces import scoped_iri

pytestmark = pytest.mark.own_projects  # never reads data/ as a whole: see pyproject's markers

SOURCE = "creative-economy-2017-07"
COPY = f"{SOURCE}-copy-2"
EX = "@prefix ex: <https://example.org/> .\n"


@pytest.fixture
def project(article_project: Path) -> Path:
    """The article's source and two copies of it with fresh IRIs and labels."""
    replicate_project(article_project / "data", SOURCE, 2)
    return article_project


def rename_oregon(project: Path) -> None:
    places = project / "data" / COPY / "places.ttl"
    text = places.read_text(encoding="utf-8")
    assert '"Oregon (copy 2)"@en' in text
    places.write_text(text.replace('"Oregon (copy 2)"@en', '"State of Oregon (copy 2)"@en'), encoding="utf-8")


def groups_of(project: Path) -> list[tuple[str, ...]]:
    sources = load_project(project)
    grouping = components(sources.data, sources.ontology, source_digests(project), "schema")
    return [c.sources for c in grouping.components]


def test_copies_that_share_only_wikidata_links_are_reasoned_apart_and_nothing_is_lost(project: Path) -> None:
    sources = load_project(project)
    grouping = components(sources.data, sources.ontology, source_digests(project), "schema")
    assert [g.sources for g in grouping.components] == [(SOURCE,), (f"{SOURCE}-copy-1",), (COPY,)]
    together = infer(sources.ontology, sources.all_data())
    split = grouping.split(together, grouping.components)
    apart = Graph()
    for group in grouping.components:
        data = Graph()
        for name in group.sources:
            data += sources.data[name]
        alone = infer(sources.ontology, data)
        assert set(split[group]) == set(alone), group.sources  # what the cache keeps for it
        apart += alone
    assert set(apart) == set(together)


def test_sources_describing_one_resource_are_one_group(project: Path) -> None:
    shared = project / "data" / "zz-shared"
    shared.mkdir()
    (shared / "case.ttl").write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<{scoped_iri(f"{SOURCE}-copy-1", "case", "oregon")}> rdfs:comment "a remark from another source"@en .\n',
        encoding="utf-8",
    )
    assert groups_of(project) == [(SOURCE,), (f"{SOURCE}-copy-1", "zz-shared"), (COPY,)]


def test_a_source_stating_an_axiom_joins_every_source(project: Path) -> None:
    axiom = project / "data" / "zz-axiom"
    axiom.mkdir()
    (axiom / "axiom.ttl").write_text(
        EX + "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\nex:A rdfs:subClassOf ex:B .\n",
        encoding="utf-8",
    )
    assert groups_of(project) == [(SOURCE, f"{SOURCE}-copy-1", COPY, "zz-axiom")]


def test_an_incremental_build_redoes_only_the_changed_group_and_equals_a_full_build(
    project: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first = build(project, tmp_path / "release", cache_dir=cache)
    assert first.report["work"] == {"components": 3, "reasoned": 3, "validated": 3}
    rename_oregon(project)
    incremental = build(project, tmp_path / "release", cache_dir=cache)
    assert incremental.report["work"] == {"components": 3, "reasoned": 1, "validated": 1}
    full = build(project, tmp_path / "full")
    assert full.report["work"] == {"components": 3, "reasoned": 3, "validated": 3}
    assert incremental.version.name == full.version.name != first.version.name
    for name in ("dataset.nq", "data.ttl", "inferred.ttl", "ontology.ttl"):
        assert (incremental.version / name).read_bytes() == (full.version / name).read_bytes(), name
    manifests = [json.loads((r.version / "manifest.json").read_text(encoding="utf-8")) for r in (incremental, full)]
    for key in ("graphs", "sources", "triples", "instances_per_class", "ontology_version"):
        assert manifests[0][key] == manifests[1][key], key


def test_a_group_that_failed_is_checked_again(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build(project, tmp_path / "release", cache_dir=cache)
    broken = project / "data" / COPY / "broken.ttl"
    broken.write_text(
        "@prefix case: <https://w3id.org/clustergraph/id/case/> .\n"
        "@prefix cg: <https://w3id.org/clustergraph/ontology#> .\ncase:copy-2-nowhere a cg:PolicyCase .\n",
        encoding="utf-8",
    )
    for _ in range(2):
        with pytest.raises(ValidationFailed):
            build(project, tmp_path / "release", cache_dir=cache)
