"""`clustergraph build`: load → reason (OWL 2 RL) → validate (SHACL + checks) → write the release.

A pure function of the repository's files. It fails loudly, with a readable report, and writes nothing
unless every step passed; it records how long each step took, because compile cost grows fast with size.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clustergraph.load import Sources, load_files, load_project, source_folders
from clustergraph.progress import Progress, Quiet, peak_rss_mb
from clustergraph.reason import infer
from clustergraph.release import Release, write_release
from clustergraph.settings import Reasoner
from clustergraph.validate import ValidationReport, validate_data, validate_ontology


@dataclass(frozen=True)
class BuildResult:
    release_dir: Path
    report: dict[str, Any]

    @property
    def version(self) -> Path:
        """The immutable folder of the version this build made current."""
        return self.release_dir / str(self.report["digest"])


class _Stopwatch:
    """Times each phase and the peak memory after it, and tells `progress`."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}
        self.peak_rss_mb: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str, total: int | None = None) -> Iterator[None]:
        self.progress.start(name, total)
        start = time.perf_counter()
        yield
        self.timings[name] = time.perf_counter() - start
        self.peak_rss_mb[name] = round(peak_rss_mb(), 1)
        self.progress.finish(name, self.timings[name], self.peak_rss_mb[name])


def build(
    project_dir: Path,
    release_dir: Path,
    *,
    reasoner: Reasoner = "native",
    progress: Progress | None = None,
) -> BuildResult:
    watch = _Stopwatch(progress or Quiet())
    with watch.phase("load", total=len(source_folders(project_dir))):
        sources = load_project(project_dir, on_source=watch.progress.step)
    with watch.phase("reason"):
        inferred = infer(sources.ontology, sources.all_data(), engine=reasoner)
    with watch.phase("validate"):
        check(sources, project_dir)
    release = Release(ontology=sources.ontology, data=sources.data, inferred=inferred)
    with watch.phase("write"):  # the report records the write phase as write_release measures it
        report = write_release(release, release_dir, watch.timings, watch.peak_rss_mb)
    return BuildResult(release_dir=release_dir, report=report)


def check(sources: Sources, project_dir: Path) -> ValidationReport:
    """Validate the ontology and the data; raise ValidationFailed with the readable report if either fails."""
    ontology_report = validate_ontology(sources.ontology, shapes=sources.shapes)
    data_report = validate_data(
        sources.all_data(),
        ontology=sources.ontology,
        shapes=sources.shapes,
        origins=sources.origins,
        checks_dir=project_dir / "queries" / "checks",
    )
    combined = ontology_report + data_report
    combined.raise_for_violations("the ontology and data")
    return combined


def validate_files(project_dir: Path, files: Sequence[Path]) -> ValidationReport:
    """Validate extra Turtle together with the repository's data, so links to existing resources resolve."""
    sources = load_project(project_dir)
    sources.data["<validated files>"] = load_files(files, project_dir, sources.origins)
    return validate_data(
        sources.all_data(),
        ontology=sources.ontology,
        shapes=sources.shapes,
        origins=sources.origins,
        checks_dir=project_dir / "queries" / "checks",
    )
