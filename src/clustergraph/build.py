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

from clustergraph.contested import Contested, contested_values, single_valued_properties
from clustergraph.load import Sources, load_project
from clustergraph.reason import infer
from clustergraph.release import Release, write_release
from clustergraph.validate import ValidationReport, refuse_derived_merges, validate_ontology, validate_sources


@dataclass(frozen=True)
class BuildResult:
    release_dir: Path
    report: dict[str, Any]
    contested: tuple[Contested, ...] = ()
    warnings: tuple[str, ...] = ()


class _Stopwatch:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = time.perf_counter() - start


def build(project_dir: Path, release_dir: Path) -> BuildResult:
    watch = _Stopwatch()
    with watch.phase("load"):
        sources = load_project(project_dir)
    with watch.phase("reason"):
        inferred = infer(sources.ontology, sources.all_data())
    with watch.phase("validate"):
        refuse_derived_merges(inferred)
        check(sources, project_dir)
        contested = contested_values(sources.data, single_valued_properties(sources.per_source_shapes))
    release = Release(ontology=sources.ontology, data=sources.data, inferred=inferred)
    report = write_release(release, release_dir, watch.timings)  # times its own writing
    return BuildResult(
        release_dir=release_dir, report=report, contested=tuple(contested), warnings=tuple(sources.warnings)
    )


def check(sources: Sources, project_dir: Path) -> ValidationReport:
    """Validate the ontology and the data; raise ValidationFailed with the readable report if either fails."""
    ontology_report = validate_ontology(sources.ontology, shapes=sources.shapes)
    data_report = _validate_sources(sources, project_dir)
    combined = ontology_report + data_report
    combined.raise_for_violations("the ontology and data")
    return combined


def validate_files(project_dir: Path, files: Sequence[Path]) -> ValidationReport:
    """Validate extra Turtle together with the repository's data, so links to existing resources resolve."""
    sources = load_project(project_dir)
    sources.add_source("<validated files>", files, project_dir)
    return _validate_sources(sources, project_dir)


def _validate_sources(sources: Sources, project_dir: Path) -> ValidationReport:
    return validate_sources(
        sources.data,
        ontology=sources.ontology,
        shapes=sources.shapes,
        per_source_shapes=sources.per_source_shapes,
        origins=sources.origins,
        source_origins=sources.source_origins,
        checks_dir=project_dir / "queries" / "checks",
    )
