"""Incremental builds: sources grouped by what they share, unchanged groups taken from the cache, and
a release identical to a full build's."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from benchmarks.replicate import replicate_project, replicate_source
from rdflib import RDFS, Graph

from clustergraph.compile.build import BuildResult, build
from clustergraph.compile.incremental import components, source_digests
from clustergraph.compile.load import Sources, load_project
from clustergraph.compile.reason import infer
from clustergraph.compile.serialize import ntriples_lines
from clustergraph.errors import ValidationFailed
from clustergraph.namespaces import CG, scoped_iri

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
    split = grouping.split(ntriples_lines(together), grouping.components)
    apart = Graph()
    for group in grouping.components:
        data = Graph()
        for name in group.sources:
            data += sources.data[name]
        alone = infer(sources.ontology, data)
        assert split[group] == ntriples_lines(alone), group.sources  # what the cache keeps for it
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


def assert_same_release(incremental: BuildResult, full: BuildResult) -> None:
    """Every file of the two versions the same bytes, the manifests the same but for time and work."""
    assert incremental.version.name == full.version.name
    files = sorted(path.name for path in full.version.iterdir())
    assert sorted(path.name for path in incremental.version.iterdir()) == files
    for name in files:
        if name != "manifest.json":
            assert (incremental.version / name).read_bytes() == (full.version / name).read_bytes(), name
    manifests = [json.loads((r.version / "manifest.json").read_text(encoding="utf-8")) for r in (incremental, full)]
    for manifest in manifests:
        for key in ("timings_s", "peak_rss_mb", "work"):
            manifest.pop(key)
    assert manifests[0] == manifests[1]


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the sources the build parses, in order."""
    names: list[str] = []
    add_source = Sources.add_source

    def recorded(self: Sources, name: str, *args: Any, **kwargs: Any) -> None:
        names.append(name)
        add_source(self, name, *args, **kwargs)

    monkeypatch.setattr(Sources, "add_source", recorded)
    return names


def test_an_incremental_build_parses_and_redoes_only_the_changed_group_and_equals_a_full_build(
    project: Path, tmp_path: Path, parsed: list[str]
) -> None:
    cache = tmp_path / "cache"
    first = build(project, tmp_path / "release", cache_dir=cache)
    assert first.report["work"] == {"components": 3, "reasoned": 3, "validated": 3}
    rename_oregon(project)
    parsed.clear()
    incremental = build(project, tmp_path / "release", cache_dir=cache)
    assert parsed == [COPY], "the unchanged sources come from the cache"
    assert incremental.report["work"] == {"components": 3, "reasoned": 1, "validated": 1}
    full = build(project, tmp_path / "full")
    assert full.report["work"] == {"components": 3, "reasoned": 3, "validated": 3}
    assert full.version.name != first.version.name
    assert_same_release(incremental, full)


def add_copy(project: Path) -> None:
    replicate_source(project / "data" / SOURCE, project / "data" / f"{SOURCE}-copy-3", 3)


def remove_copy(project: Path) -> None:
    shutil.rmtree(project / "data" / f"{SOURCE}-copy-1")


def annotate_ontology(project: Path) -> None:
    """A new comment on a class: a schema change, which every source's results may depend on."""
    with (project / "ontology" / "clustergraph.ttl").open("a", encoding="utf-8") as ontology:
        ontology.write(f'\n<{CG.PolicyCase}> <{RDFS.comment}> "Changed for a test."@en .\n')


def comment_shapes(project: Path) -> None:
    with (project / "shapes" / "data.ttl").open("a", encoding="utf-8") as shapes:
        shapes.write("\n# a comment: the shapes' bytes changed, so every source is done again\n")


@pytest.mark.parametrize(
    ("change", "work", "reparsed"),
    [
        pytest.param(add_copy, {"components": 4, "reasoned": 1, "validated": 1}, 1, id="added-source"),
        pytest.param(remove_copy, {"components": 2, "reasoned": 0, "validated": 0}, 0, id="removed-source"),
        pytest.param(annotate_ontology, {"components": 3, "reasoned": 3, "validated": 3}, 3, id="ontology"),
        pytest.param(comment_shapes, {"components": 3, "reasoned": 3, "validated": 3}, 3, id="shapes"),
    ],
)
def test_after_any_change_an_incremental_build_equals_a_full_build(
    project: Path,
    tmp_path: Path,
    parsed: list[str],
    change: Callable[[Path], None],
    work: dict[str, int],
    reparsed: int,
) -> None:
    cache = tmp_path / "cache"
    build(project, tmp_path / "release", cache_dir=cache)
    change(project)
    parsed.clear()
    # into a release folder of its own, so that its version is written, not found there already
    incremental = build(project, tmp_path / "incremental", cache_dir=cache)
    assert incremental.report["work"] == work
    assert len(parsed) == reparsed
    assert_same_release(incremental, build(project, tmp_path / "full"))


def cut_in_half(path: Path) -> None:
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])


def alter_a_byte(path: Path) -> None:
    """The same length, one letter of an IRI another (`httpz:`, still an IRI): what a checksum, not a
    size or a parser, can tell."""
    content = path.read_bytes()
    place = content.rindex(b"https:")
    path.write_bytes(content[:place] + b"httpz:" + content[place + len(b"https:") :])


def entries(cache: Path, kind: str) -> list[Path]:
    """The cache's entries of one kind (see `clustergraph.compile.cache`)."""
    found = {
        "source": sorted((cache / "sources").iterdir()),
        "inferred": sorted(cache.glob("*/inferred")),
        "conforms": sorted(cache.glob("*/conforms")),
        "schema": sorted((cache / "schema").iterdir()),
    }[kind]
    assert found, kind
    return found


@pytest.mark.parametrize(
    ("kind", "damage", "work", "reparsed"),
    [
        pytest.param("source", cut_in_half, {"reasoned": 0, "validated": 0}, 3, id="source-cut"),
        pytest.param("source", alter_a_byte, {"reasoned": 0, "validated": 0}, 3, id="source-altered"),
        pytest.param("inferred", cut_in_half, {"reasoned": 3, "validated": 0}, 3, id="inferred-cut"),
        pytest.param("inferred", alter_a_byte, {"reasoned": 3, "validated": 0}, 3, id="inferred-altered"),
        pytest.param("conforms", cut_in_half, {"reasoned": 0, "validated": 3}, 3, id="conforms-cut"),
        pytest.param("schema", cut_in_half, {"reasoned": 0, "validated": 0}, 0, id="schema-cut"),
        pytest.param("schema", alter_a_byte, {"reasoned": 0, "validated": 0}, 0, id="schema-altered"),
    ],
)
def test_a_damaged_cache_entry_is_ignored_and_redone(
    project: Path,
    tmp_path: Path,
    parsed: list[str],
    kind: str,
    damage: Callable[[Path], None],
    work: dict[str, int],
    reparsed: int,
) -> None:
    cache = tmp_path / "cache"
    full = build(project, tmp_path / "full")
    build(project, tmp_path / "release", cache_dir=cache)
    for entry in entries(cache, kind):
        damage(entry)
    parsed.clear()
    again = build(project, tmp_path / "again", cache_dir=cache)
    assert {key: again.report["work"][key] for key in work} == work
    assert len(parsed) == reparsed, "a source is parsed where its summary is damaged or its group redone"
    assert_same_release(again, full)
    healed = build(project, tmp_path / "release", cache_dir=cache)  # the entries were written again
    assert healed.report["work"] == {"components": 3, "reasoned": 0, "validated": 0}


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


def test_the_reference_reasoner_never_uses_the_cache(article_project: Path, tmp_path: Path) -> None:
    """owlrl is what the native rules are checked against: its builds neither read nor fill the cache."""
    cache = tmp_path / "cache"
    build(article_project, tmp_path / "native", cache_dir=cache)
    filled = sorted(path.relative_to(cache) for path in cache.rglob("*"))
    for _ in range(2):
        reference = build(article_project, tmp_path / "owlrl", cache_dir=cache, reasoner="owlrl")
        assert reference.report["work"] == {"components": 1, "reasoned": 1, "validated": 1}
    assert sorted(path.relative_to(cache) for path in cache.rglob("*")) == filled
