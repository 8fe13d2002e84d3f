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

from rdflib import Graph

from clustergraph.compile.contested import Contested, contested_values, single_valued_properties
from clustergraph.compile.incremental import (
    Cache,
    Component,
    Grouping,
    batches,
    components,
    schema_digest,
    source_digests,
)
from clustergraph.compile.load import Sources, load_project, source_folders
from clustergraph.compile.progress import Progress, Quiet, peak_rss_mb
from clustergraph.compile.reason import infer
from clustergraph.compile.release import Release, write_release
from clustergraph.compile.validate import ValidationReport, refuse_derived_merges, validate_ontology, validate_sources
from clustergraph.namespaces import bind_prefixes
from clustergraph.settings import Reasoner, Validator, get_settings


@dataclass(frozen=True)
class BuildResult:
    release_dir: Path
    report: dict[str, Any]
    contested: tuple[Contested, ...] = ()
    warnings: tuple[str, ...] = ()

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
    cache_dir: Path | None = None,
    batch_triples: int | None = None,
    validator: Validator | None = None,
) -> BuildResult:
    """Compile `project_dir` into a new release version under `release_dir`.

    With a `cache_dir`, components of sources whose inputs did not change are neither reasoned over
    nor validated again (see `incremental`); the reference reasoner never uses the cache. The others
    are reasoned over and validated in batches of about `batch_triples` asserted triples, by `validator`
    (both from the settings unless given).
    """
    batch = batch_triples or get_settings().batch_triples
    watch = _Stopwatch(progress or Quiet())
    cache = Cache(cache_dir if reasoner == "native" else None)
    with watch.phase("load", total=len(source_folders(project_dir))):
        sources = load_project(project_dir, on_source=watch.progress.step)
        digests = source_digests(project_dir)
        grouping = components(sources.data, sources.ontology, digests, schema_digest(project_dir))
    groups = grouping.components
    with watch.phase("reason", total=len(groups)):
        inferred, reasoned = _reason(sources, grouping, cache, reasoner, watch.progress, batch)
    with watch.phase("validate", total=len(groups)):
        refuse_derived_merges(inferred)
        validated = check(sources, project_dir, groups, cache, watch.progress, batch, validator)[1]
        contested = contested_values(sources.data, single_valued_properties(sources.per_source_shapes))
    release = Release(
        ontology=sources.ontology,
        data=sources.data,
        inferred=inferred,
        sources={name: {"digest": digests[name], "component": c.digest} for c in groups for name in c.sources},
        work={"components": len(groups), "reasoned": reasoned, "validated": validated},
        quality={"contested": [value.as_dict() for value in contested]},
    )
    with watch.phase("write"):  # the report records the write phase as write_release measures it
        report = write_release(release, release_dir, watch.timings, watch.peak_rss_mb)
    return BuildResult(
        release_dir=release_dir, report=report, contested=tuple(contested), warnings=tuple(sources.warnings)
    )


def _reason(
    sources: Sources, grouping: Grouping, cache: Cache, engine: Reasoner, progress: Progress, batch_triples: int
) -> tuple[Graph, int]:
    """The inferred graph: components found in the cache from there, the others reasoned over in batches
    of about `batch_triples` (they share no resource, so together they infer what each would alone) and
    cached apart."""
    if not grouping.components:
        return infer(sources.ontology, Graph(), engine=engine), 1
    inferred = bind_prefixes(Graph())
    todo: list[Component] = []
    for component in grouping.components:
        if cache.inferred(component, into=inferred):
            progress.step(_name(component))
        else:
            todo.append(component)
    for batch in batches(todo, _sizes(sources), batch_triples):
        graphs = [sources.data[name] for component in batch for name in component.sources]
        # straight into the build's inferred graph, unless the cache needs the batch's own triples first
        fresh = infer(sources.ontology, graphs, engine=engine, into=None if cache.enabled else inferred)
        if cache.enabled:
            for component, part in grouping.split(fresh, batch).items():
                cache.keep_inferred(component, part)
            inferred += fresh
        for component in batch:
            progress.step(_name(component))
    return inferred, len(todo)


def check(
    sources: Sources,
    project_dir: Path,
    groups: Sequence[Component] | None = None,
    cache: Cache | None = None,
    progress: Progress | None = None,
    batch_triples: int | None = None,
    validator: Validator | None = None,
) -> tuple[ValidationReport, int]:
    """Validate the ontology and each component's sources: the shapes over the component's data together
    (so that links between its sources resolve), the per-source shapes and the quality checks in each
    source graph on its own; raise ValidationFailed with the readable report if any fails. Returns the
    report and how many components were checked (the others were cached as valid).

    Components are validated in batches of about `batch_triples` (all at once without it), as they are
    reasoned over: SHACL judges each node by its own component's triples, so a batch finds what the
    whole would, and a validator call's cost stays bounded however many sources there are."""
    cache = cache or Cache(None)
    report = validate_ontology(sources.ontology, shapes=sources.shapes)
    todo = [c for c in groups if not cache.conforms(c)] if groups is not None else [_everything(sources)]
    done = set(todo)
    if progress is not None:
        for component in groups or []:
            if component not in done:
                progress.step(_name(component))
    for batch in batches(todo, _sizes(sources), batch_triples or sum(_sizes(sources).values())):
        part = _validate_sources(sources, project_dir, [name for c in batch for name in c.sources], validator)
        if part.conforms:
            for component in batch:
                cache.keep_conforms(component)
        report += part
        if progress is not None:
            for component in batch:
                progress.step(_name(component))
    report.raise_for_violations("the ontology and data")
    return report, len(todo)


def _sizes(sources: Sources) -> dict[str, int]:
    return {name: len(graph) for name, graph in sources.data.items()}


def _everything(sources: Sources) -> Component:
    return Component(tuple(sorted(sources.data)), "")


def _name(component: Component) -> str:
    return ", ".join(component.sources) if len(component.sources) <= 3 else f"{len(component.sources)} sources"


def validate_files(project_dir: Path, files: Sequence[Path], validator: Validator | None = None) -> ValidationReport:
    """Validate extra Turtle together with the repository's data, so links to existing resources resolve."""
    sources = load_project(project_dir)
    sources.add_source("<validated files>", files, project_dir)
    return _validate_sources(sources, project_dir, sorted(sources.data), validator)


def _validate_sources(
    sources: Sources, project_dir: Path, names: Sequence[str], validator: Validator | None
) -> ValidationReport:
    return validate_sources(
        {name: sources.data[name] for name in names},
        ontology=sources.ontology,
        shapes=sources.shapes,
        per_source_shapes=sources.per_source_shapes,
        origins=sources.origins,
        source_origins=sources.source_origins,
        checks_dir=project_dir / "queries" / "checks",
        validator=validator or get_settings().validator,
    )
