"""A build spread over worker processes writes the release one process writes, and fails the same way."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
from pathlib import Path
from typing import Any, ClassVar

import pytest
from benchmarks.replicate import replicate_project

from clustergraph import cli
from clustergraph.compile import workers as workers_module
from clustergraph.compile.build import build
from clustergraph.compile.incremental import Component, components, schema_digest, source_digests
from clustergraph.compile.load import load_project
from clustergraph.compile.progress import peak_rss_mb
from clustergraph.compile.workers import Job, Workers, plan, worth_spreading
from clustergraph.errors import BuildError, Inconsistent, ValidationFailed
from clustergraph.namespaces import CG, resource_iri
from clustergraph.release_format import MANIFEST_FILE

pytestmark = pytest.mark.own_projects  # never reads data/ as a whole: see pyproject's markers

SOURCE = "creative-economy-2017-07"
COPIES = 9  # ten sources, about 23,000 asserted triples: enough Turtle for a build to spread its batches
ARTIFACTS = ("dataset.nq", "data.ttl", "inferred.ttl", "ontology.ttl", "ontology.jsonld", "ontology.owl")


@pytest.fixture
def project(article_project: Path) -> Path:
    replicate_project(article_project / "data", SOURCE, COPIES)
    assert worth_spreading(article_project)
    return article_project


class _Recorded(Workers):
    """The real worker processes, remembering how many jobs they were given."""

    given: ClassVar[list[int]] = []

    def run(self, jobs: Any) -> None:
        _Recorded.given.append(len(jobs))
        super().run(jobs)


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    _Recorded.given = []
    monkeypatch.setattr(workers_module, "Workers", _Recorded)  # what the build's `Pool` starts
    return _Recorded.given


def _manifest(version: Path) -> dict[str, Any]:
    manifest = json.loads((version / MANIFEST_FILE).read_text(encoding="utf-8"))
    return {key: value for key, value in manifest.items() if key not in {"timings_s", "peak_rss_mb"}}


def test_two_workers_write_the_release_one_process_writes(project: Path, tmp_path: Path, recorded: list[int]) -> None:
    alone = build(project, tmp_path / "one", workers=1)
    assert recorded == [], "one worker: the build's own process, no other"
    spread = build(project, tmp_path / "two", workers=2)
    assert len(recorded) == 1 and recorded[0] > 1, "two workers were given the batches"
    assert spread.version.name == alone.version.name
    for name in ARTIFACTS:
        assert (spread.version / name).read_bytes() == (alone.version / name).read_bytes(), name
    assert _manifest(spread.version) == _manifest(alone.version)
    assert spread.report["work"] == {"components": COPIES + 1, "reasoned": COPIES + 1, "validated": COPIES + 1}


def test_the_build_reports_the_peak_memory_of_its_workers_too(project: Path, tmp_path: Path) -> None:
    spread = build(project, tmp_path / "two", workers=2)
    # this process ran the build: its own peak so far is at least the build's, less what its workers held
    assert spread.report["peak_rss_mb"]["write"] > peak_rss_mb()


def _break(project: Path) -> None:
    """Violations in two sources that land in different batches: a case without a region in the first
    copy, a region without a label in the last."""
    (project / "data" / f"{SOURCE}-copy-1" / "broken.ttl").write_text(
        "@prefix case: <https://w3id.org/clustergraph/id/case/> .\n"
        "@prefix cg: <https://w3id.org/clustergraph/ontology#> .\ncase:copy-1-nowhere a cg:PolicyCase .\n",
        encoding="utf-8",
    )
    (project / "data" / f"{SOURCE}-copy-9" / "broken.ttl").write_text(
        "@prefix region: <https://w3id.org/clustergraph/id/region/> .\n"
        "@prefix cg: <https://w3id.org/clustergraph/ontology#> .\nregion:copy-9-unnamed a cg:Region .\n",
        encoding="utf-8",
    )


def _failure(project: Path, release: Path, workers: int) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as failure:
        build(project, release, workers=workers)
    return failure.value


def test_a_failing_build_reports_the_same_whatever_the_number_of_workers(
    project: Path, tmp_path: Path, recorded: list[int]
) -> None:
    _break(project)
    alone = _failure(project, tmp_path / "one", workers=1)
    spread = _failure(project, tmp_path / "two", workers=2)
    assert recorded and recorded[0] > 1
    assert spread.report == alone.report
    assert str(spread) == str(alone)
    assert "focus: case:copy-1-nowhere" in spread.report
    assert "focus: region:copy-9-unnamed" in spread.report
    assert not (tmp_path / "two").exists() or not any((tmp_path / "two").iterdir()), "nothing written"


def test_inconsistent_data_is_reported_the_same_whatever_the_number_of_workers(
    project: Path, tmp_path: Path, recorded: list[int]
) -> None:
    """Two sources in different batches each make a region a policy case (disjoint classes): both are
    reported, as one batch for everything would report them, not only the first batch's."""
    for copy in (1, 9):
        region = resource_iri("region", f"copy-{copy}-oregon")
        (project / "data" / f"{SOURCE}-copy-{copy}" / "inconsistent.ttl").write_text(
            f"<{region}> a <{CG.PolicyCase}> .\n", encoding="utf-8"
        )
    messages = []
    for workers in (1, 2):
        with pytest.raises(Inconsistent) as failure:
            build(project, tmp_path / f"release-{workers}", workers=workers)
        messages.append(str(failure.value))
    assert recorded and recorded[0] > 1
    assert messages[0] == messages[1]
    assert "copy-1-oregon" in messages[1] and "copy-9-oregon" in messages[1]


def test_a_build_with_workers_caches_what_one_process_caches(project: Path, tmp_path: Path) -> None:
    """The cache means the same: a build with workers fills it, one without finds everything there."""
    spread = build(project, tmp_path / "two", cache_dir=tmp_path / "cache", workers=2)
    again = build(project, tmp_path / "one", cache_dir=tmp_path / "cache", workers=1)
    assert again.report["work"] == {"components": COPIES + 1, "reasoned": 0, "validated": 0}
    assert again.version.name == spread.version.name
    assert (again.version / "dataset.nq").read_bytes() == (spread.version / "dataset.nq").read_bytes()


def test_a_rebuild_after_a_small_change_starts_no_workers_and_equals_a_build_with_them(
    project: Path, tmp_path: Path, recorded: list[int]
) -> None:
    """Workers start only when the sources to do are many: one changed source is parsed, reasoned over and
    validated in the build's own process, and the release is the one a build with workers writes."""
    build(project, tmp_path / "first", cache_dir=tmp_path / "cache", workers=2)
    assert len(recorded) == 1
    places = project / "data" / f"{SOURCE}-copy-3" / "places.ttl"
    places.write_text(places.read_text(encoding="utf-8").replace("(copy 3)", "(copy three)"), encoding="utf-8")
    again = build(project, tmp_path / "again", cache_dir=tmp_path / "cache", workers=2)
    assert len(recorded) == 1, "no workers for one source"
    assert again.report["work"] == {"components": COPIES + 1, "reasoned": 1, "validated": 1}
    full = build(project, tmp_path / "full", workers=2)
    assert len(recorded) == 2
    assert again.version.name == full.version.name
    for name in ARTIFACTS:
        assert (again.version / name).read_bytes() == (full.version / name).read_bytes(), name
    assert {k: v for k, v in _manifest(again.version).items() if k != "work"} == {
        k: v for k, v in _manifest(full.version).items() if k != "work"
    }


def test_a_worker_that_dies_stops_the_build_with_an_error(project: Path) -> None:
    sources = load_project(project)
    grouping = components(sources.data, sources.ontology, source_digests(project), schema_digest(project))
    groups = grouping.components
    jobs = plan(groups, groups, groups, {n: len(g) for n, g in sources.data.items()}, 50_000, workers=2)
    before = set(multiprocessing.active_children())
    with Workers(project, 2, "native", "native") as workers:
        started = [p for p in multiprocessing.active_children() if p not in before]
        assert len(started) == 2
        for process in started:
            os.kill(process.pid or 0, signal.SIGKILL)
            process.join()
        workers.run(jobs)
        with pytest.raises(BuildError, match=r"build worker clustergraph-build-\d stopped \(exit code -9\)"):
            workers.report(0)


def _component(*sources: str) -> Component:
    return Component(sources, "-".join(sources))


def test_a_plan_cuts_smaller_jobs_for_several_workers_and_keeps_what_each_does() -> None:
    a, b, c, d = (_component(name) for name in "abcd")
    sizes = {"a": 10, "b": 10, "c": 10, "d": 10}
    assert plan([a, b, c, d], [a, b, c, d], [a, b, c, d], sizes, 100) == [Job((a, b, c, d), (a, b, c, d))]
    assert len(plan([a, b, c, d], [a, b, c, d], [a, b, c, d], sizes, 100, workers=2)) == 4
    # a group cached as reasoned over but not as valid is validated only; a group cached as both is left out
    assert plan([a, b, c, d], [a, c], [a, b, c], sizes, 100) == [Job((a, c), (a, b, c))]


def test_the_command_refuses_no_workers(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["build", "--workers", "0"])
    assert "not a positive number" in capsys.readouterr().err
