"""The benchmarks' synthetic projects follow the model the article's data follows, so that a change of the
model that the generator does not follow fails here, not halfway through `make bench`.

A small generated project builds with the real build(), validation included; the same seed writes the
same bytes; and every query the benchmarks run answers something on it wherever it answers something on
the article.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.scale import COMPILE_PHASES
from benchmarks.synthetic import MANIFEST_FILE, Manifest, generate_project
from benchmarks.traced import run_worker
from benchmarks.workload import WorkItem, build_workload

from clustergraph.compile.build import BuildResult, build, check
from clustergraph.compile.load import load_project
from clustergraph.compile.validate import ValidationReport
from clustergraph.dataset import load_release, query_release
from clustergraph.namespaces import SCOPED_KINDS, SLUG, SOURCE_SLUG, kind_and_slug

pytestmark = pytest.mark.own_projects  # never reads data/ as a whole: see pyproject's markers

TARGET_TRIPLES = 3_000


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    project = tmp_path_factory.mktemp("synthetic") / "project"
    return project, generate_project(TARGET_TRIPLES, project)


@pytest.fixture(scope="module")
def built_synthetic(generated: tuple[Path, Manifest], tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    project, _ = generated
    return build(project, tmp_path_factory.mktemp("synthetic-release") / "release")


def _rows(release: Path, items: list[WorkItem]) -> dict[str, int]:
    store = load_release(release)
    return {item.label: len(list(query_release(store, item.query.text, item.bindings))) for item in items}


def test_a_generated_project_builds_and_validates_without_a_violation_or_a_warning(
    generated: tuple[Path, Manifest], built_synthetic: BuildResult
) -> None:
    project, manifest = generated
    assert manifest.triples >= TARGET_TRIPLES
    assert built_synthetic.report["triples"]["asserted_data"] == manifest.triples
    assert built_synthetic.warnings == ()  # every source has its manifest
    report = _validate(project)
    assert report.violations == (), report.render()


def test_the_benchmarks_traced_build_compiles_a_generated_project_through_every_phase(
    generated: tuple[Path, Manifest], tmp_path: Path
) -> None:
    """`make bench` compiles each size in a worker that traces the functions build() calls, by name: a
    renamed function there stops the benchmark before it measures anything."""
    project, manifest = generated
    trace = run_worker(["build", str(project), str(tmp_path / "release")], budget_s=600, phase_budget_s=600)
    assert trace.finished, trace.error or trace.stderr_tail
    assert set(COMPILE_PHASES) <= set(trace.phases)
    assert {"validate.shacl", "validate.checks", "write.nquads"} <= set(trace.phases)
    assert trace.results[-1]["triples"]["asserted_data"] == manifest.triples


def _validate(project: Path) -> ValidationReport:
    """The build's own validation of everything, warnings included (a build fails on violations only)."""
    report, _ = check(load_project(project), project)
    return report


def test_the_examples_are_a_sources_own_resources_where_the_model_scopes_them(
    generated: tuple[Path, Manifest],
) -> None:
    _, manifest = generated
    scoped = {kind for kind in manifest.examples if kind in SCOPED_KINDS}
    assert {"case", "passage", "lesson", "stage", "scheme", "table", "role"} <= scoped
    for kind, iris in manifest.examples.items():
        for iri in iris:
            named = kind_and_slug(iri)
            assert named is not None and named[0] == kind, iri
            assert ("/" in named[1]) == (kind in SCOPED_KINDS), iri


def test_the_same_seed_writes_the_same_bytes_and_another_seed_other_data(
    generated: tuple[Path, Manifest], tmp_path: Path
) -> None:
    project, manifest = generated
    again = generate_project(TARGET_TRIPLES, tmp_path / "again")
    generate_project(TARGET_TRIPLES, tmp_path / "other", seed=1)
    assert again == manifest
    assert _files(tmp_path / "again") == _files(project)
    assert _files(tmp_path / "other") != _files(project)


def _files(project: Path) -> dict[str, bytes]:
    written = [project / MANIFEST_FILE, *sorted((project / "data").rglob("*.ttl"))]
    return {str(path.relative_to(project)): path.read_bytes() for path in written}


def test_every_query_the_benchmarks_run_answers_where_it_answers_on_the_article(
    generated: tuple[Path, Manifest], built_synthetic: BuildResult, built: BuildResult, project_dir: Path
) -> None:
    project, manifest = generated
    items, skipped = build_workload(project / "queries", manifest.examples)
    assert skipped == []
    slugs = [item.raw[p.name] for item in items for p in item.query.parameters if p.kind and p.name in item.raw]
    assert slugs and all(SLUG.fullmatch(s) or SOURCE_SLUG.fullmatch(s) for s in slugs), slugs  # as users type
    article_items, _ = build_workload(project_dir / "queries")
    on_article = _rows(built.release_dir, article_items)
    on_synthetic = _rows(built_synthetic.release_dir, items)
    assert set(on_synthetic) == set(on_article)
    silent = sorted(label for label, rows in on_synthetic.items() if rows == 0 and on_article[label] > 0)
    assert silent == [], f"answer on the article but not on a synthetic project: {silent}"
