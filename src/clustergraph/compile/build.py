"""`clustergraph build`: load → reason (OWL 2 RL) → validate (SHACL + checks) → write the release.

A pure function of the repository's files. It fails loudly, with a readable report, and writes nothing
unless every step passed; it records how long each step took, because compile cost grows fast with size.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph

from clustergraph.compile.contested import Contested, contested_values, single_valued_properties
from clustergraph.compile.incremental import (
    Cache,
    Component,
    Grouping,
    components,
    schema_digest,
    source_digests,
)
from clustergraph.compile.load import Sources, load_project, source_folders
from clustergraph.compile.progress import Progress, Quiet, peak_rss_mb
from clustergraph.compile.reason import infer
from clustergraph.compile.release import Release, write_release
from clustergraph.compile.validate import ValidationReport, refuse_derived_merges
from clustergraph.compile.workers import InProcess, Job, Runner, Workers, plan, validate_batch, worth_spreading
from clustergraph.errors import Inconsistent
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
    """Times each phase and the peak memory after it, and tells `progress`. The memory is this process's
    peak and `others`, the peaks of the worker processes it started (their sum: a bound on their peak
    together, which may have come at different moments)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}
        self.peak_rss_mb: dict[str, float] = {}
        self.others: Callable[[], float] = lambda: 0.0

    def rss_mb(self) -> float:
        return peak_rss_mb() + self.others()

    @contextmanager
    def phase(self, name: str, total: int | None = None) -> Iterator[None]:
        self.progress.start(name, total)
        start = time.perf_counter()
        yield
        self.timings[name] = time.perf_counter() - start
        self.peak_rss_mb[name] = round(self.rss_mb(), 1)
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
    workers: int | None = None,
) -> BuildResult:
    """Compile `project_dir` into a new release version under `release_dir`.

    With a `cache_dir`, components of sources whose inputs did not change are neither reasoned over
    nor validated again (see `incremental`); the reference reasoner never uses the cache. The others
    are reasoned over and validated in batches of about `batch_triples` asserted triples, by `validator`,
    spread over `workers` processes when the data is large enough for them to pay (`workers`; all from the
    settings unless given).
    """
    settings = get_settings()
    batch = batch_triples or settings.batch_triples
    count = workers or settings.build_workers
    validator = validator or settings.validator
    cache = Cache(cache_dir if reasoner == "native" else None)
    watch = _Stopwatch(progress or Quiet())
    with ExitStack() as stack:
        # started now, so that they import and load the schema while this process parses the sources
        pool = (
            stack.enter_context(Workers(project_dir, count, reasoner, validator))
            if count > 1 and worth_spreading(project_dir)
            else None
        )
        with watch.phase("load", total=len(source_folders(project_dir))):
            # with workers, they validate and find the files and lines a report names; this process never does
            sources = load_project(project_dir, on_source=watch.progress.step, locate=pool is None)
            digests = source_digests(project_dir)
            grouping = components(sources.data, sources.ontology, digests, schema_digest(project_dir))
        groups = grouping.components
        with watch.phase("reason", total=len(groups)):
            inferred, to_reason = _cached_inferences(sources, grouping, cache, reasoner, watch.progress)
            to_validate = [c for c in groups if not cache.conforms(c)]
            jobs = plan(groups, to_reason, to_validate, _sizes(sources), batch, count if pool else 1)
            runner = _runner(pool, jobs, sources, project_dir, reasoner, validator)
            watch.others = runner.peak_rss_mb
            _reason(grouping, jobs, runner, cache, inferred, watch.progress)
        with watch.phase("validate", total=len(groups)):
            refuse_derived_merges(inferred)
            _validate(sources, groups, jobs, runner, cache, watch.progress)
            contested = contested_values(sources.data, single_valued_properties(sources.per_source_shapes))
        texts, lines = runner.ontology_texts(), runner.lines()
    release = Release(
        ontology=sources.ontology,
        data=sources.data,
        inferred=inferred,
        sources={name: {"digest": digests[name], "component": c.digest} for c in groups for name in c.sources},
        work={"components": len(groups), "reasoned": len(to_reason) if groups else 1, "validated": len(to_validate)},
        quality={"contested": [value.as_dict() for value in contested]},
        texts=texts,
        lines=lines,
    )
    with watch.phase("write"):  # the report records the write phase as write_release measures it
        report = write_release(release, release_dir, watch.timings, watch.peak_rss_mb, rss_mb=watch.rss_mb)
    return BuildResult(
        release_dir=release_dir, report=report, contested=tuple(contested), warnings=tuple(sources.warnings)
    )


def _cached_inferences(
    sources: Sources, grouping: Grouping, cache: Cache, engine: Reasoner, progress: Progress
) -> tuple[Graph, list[Component]]:
    """The inferences of the components found in the cache, and the components not found there. Without
    any component, the ontology's own by `engine` (a project without sources still has an inferred graph)."""
    if not grouping.components:
        return infer(sources.ontology, Graph(), engine=engine), []
    inferred = bind_prefixes(Graph())
    todo: list[Component] = []
    for component in grouping.components:
        if cache.inferred(component, into=inferred):
            progress.step(_name(component))
        else:
            todo.append(component)
    return inferred, todo


def _runner(
    pool: Workers | None,
    jobs: Sequence[Job],
    sources: Sources,
    project_dir: Path,
    engine: Reasoner,
    validator: Validator,
) -> Runner:
    if pool is not None:
        pool.run(jobs)
        return pool
    return InProcess(sources, project_dir, jobs, engine, validator)


def _reason(
    grouping: Grouping, jobs: Sequence[Job], runner: Runner, cache: Cache, inferred: Graph, progress: Progress
) -> None:
    """Add each job's inferences to `inferred` (they share no resource, so together they infer what each
    would alone), and cache each component's apart. Raise what every inconsistent job found, together:
    what one job for everything would find, however the jobs were cut."""
    problems: set[str] = set()
    for index, job in enumerate(jobs):
        if not job.reason:
            continue
        # straight into the build's inferred graph, unless the cache needs the batch's own triples first
        try:
            fresh = runner.inferred(index, into=None if cache.enabled else inferred)
        except Inconsistent as error:
            problems.update(error.problems)
            continue
        if cache.enabled:
            for component, part in grouping.split(fresh, job.reason).items():
                cache.keep_inferred(component, part)
            inferred += fresh
        for component in job.reason:
            progress.step(_name(component))
    if problems:
        raise Inconsistent(sorted(problems))


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
    groups = list(groups) if groups is not None else [_everything(sources)]
    todo = [c for c in groups if not cache.conforms(c)]
    jobs = plan(groups, [], todo, _sizes(sources), batch_triples or sum(_sizes(sources).values()) or 1)
    runner = InProcess(sources, project_dir, jobs, "native", validator or get_settings().validator)
    return _validate(sources, groups, jobs, runner, cache, progress or Quiet()), len(todo)


def _validate(
    sources: Sources,
    groups: Sequence[Component],
    jobs: Sequence[Job],
    runner: Runner,
    cache: Cache,
    progress: Progress,
) -> ValidationReport:
    """`check` with the jobs planned: the ontology, then each job's report in order."""
    report = runner.ontology_report()
    done = {component for job in jobs for component in job.validate}
    for component in groups:
        if component not in done:
            progress.step(_name(component))
    for index, job in enumerate(jobs):
        if not job.validate:
            continue
        part = runner.report(index)
        if part.conforms:
            for component in job.validate:
                cache.keep_conforms(component)
        report += part
        for component in job.validate:
            progress.step(_name(component))
    report.raise_for_violations("the ontology and data")
    return report


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
    return validate_batch(sources, project_dir, sorted(sources.data), validator or get_settings().validator)
