"""`clustergraph build`: load → reason (OWL 2 RL) → validate (SHACL + checks) → write the release.

A pure function of the repository's files. It fails loudly, with a readable report, and writes nothing
unless every step passed; it records how long each step took, because compile cost grows fast with size.
With the build cache, it parses, reasons over and validates only what changed (`incremental`, `cache`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph

from clustergraph.compile.cache import Cache, OntologyWork
from clustergraph.compile.contested import Contested, contested_values, single_valued_properties
from clustergraph.compile.graph_text import GraphText
from clustergraph.compile.incremental import (
    Component,
    Grouping,
    Vocabulary,
    group,
    schema_digest,
    source_digests,
    source_key,
)
from clustergraph.compile.load import (
    Sources,
    load_project,
    load_schema,
    missing_manifest,
    source_files,
    source_folders,
)
from clustergraph.compile.progress import Progress, Quiet, peak_rss_mb
from clustergraph.compile.reason import infer
from clustergraph.compile.release import Release, write_release
from clustergraph.compile.serialize import ntriples_lines, union
from clustergraph.compile.summary import SourceFacts, SourceSummary, facts_of
from clustergraph.compile.validate import ValidationReport, refuse_derived_merges
from clustergraph.compile.workers import InProcess, Job, Pool, Runner, plan, validate_batch
from clustergraph.errors import Inconsistent
from clustergraph.namespaces import INFERRED_GRAPH, PREFIXES, source_graph
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

    With a `cache_dir`, a source whose files and schema did not change is not parsed (its summary is
    cached, see `summary`), and components of sources whose inputs did not change are neither reasoned
    over nor validated again (see `incremental`); the reference reasoner never uses the cache. The
    others are reasoned over and validated in batches of about `batch_triples` asserted triples, by
    `validator`, spread over `workers` processes when the sources to do are many enough for them to
    pay (all from the settings unless given).
    """
    settings = get_settings()
    batch = batch_triples or settings.batch_triples
    validator = validator or settings.validator
    cache = Cache(cache_dir if reasoner == "native" else None)
    watch = _Stopwatch(progress or Quiet())
    with ExitStack() as stack:
        with watch.phase("load", total=len(source_folders(project_dir))):
            schema, digests = schema_digest(project_dir), source_digests(project_dir)
            keys = {name: source_key(schema, name, digest) for name, digest in digests.items()}
            known = {name: summary for name, key in keys.items() if (summary := cache.source(key)) is not None}
            ontology = cache.ontology(schema)
            pool = Pool(stack, project_dir, workers or settings.build_workers, reasoner, validator, ontology is None)
            sources, facts = _load(project_dir, digests, known, pool, watch.progress)
            grouping = group({name: found.resources for name, found in facts.items()}, digests, schema)
        groups = grouping.components
        with watch.phase("reason", total=len(groups)):
            parts, to_reason = _cached_inferences(sources, grouping, cache, reasoner, watch.progress)
            to_validate = [c for c in groups if not cache.conforms(c)]
            runner, jobs = _start(pool, sources, project_dir, groups, to_reason, to_validate, facts, batch)
            watch.others = runner.peak_rss_mb
            inferred = list(union(*parts, *_reason(grouping, jobs, runner, cache, watch.progress)))
        with watch.phase("validate", total=len(groups)):
            refuse_derived_merges(inferred)
            if ontology is None:
                ontology = OntologyWork(runner.ontology_texts(), runner.ontology_report())
                cache.keep_ontology(schema, ontology)
            _validate(groups, jobs, runner, cache, ontology.report, watch.progress)
            contested = contested_values({name: found.single_values for name, found in facts.items()})
        made = runner.lines()
    with watch.phase("write"):  # the report records the write phase as write_release measures it
        started = time.perf_counter()
        inferred_text = GraphText.of(str(INFERRED_GRAPH), inferred, PREFIXES)
        del inferred  # the release writes the text: the lines go before the sources' texts are made
        release = Release(
            ontology=sources.ontology,
            data=_source_graphs(sources, facts, known, made, keys, cache),
            inferred=inferred_text,
            sources={name: {"digest": digests[name], "component": c.digest} for c in groups for name in c.sources},
            work={
                "components": len(groups),
                "reasoned": len(to_reason) if groups else 1,
                "validated": len(to_validate),
            },
            quality={"contested": [value.as_dict() for value in contested]},
            texts=ontology.texts,
        )
        report = write_release(
            release, release_dir, watch.timings, watch.peak_rss_mb, rss_mb=watch.rss_mb, started=started
        )
    warnings = tuple(missing_manifest(name) for name, found in facts.items() if not found.has_manifest)
    return BuildResult(release_dir=release_dir, report=report, contested=tuple(contested), warnings=warnings)


def _load(
    project_dir: Path, digests: Mapping[str, str], known: Mapping[str, SourceSummary], pool: Pool, progress: Progress
) -> tuple[Sources, dict[str, SourceFacts]]:
    """The schema, and each source's facts: from its cached summary (`known`), else from its graph, parsed
    into the sources returned. Workers start first if many sources are to be parsed: they import and load
    the schema meanwhile; then they validate and find the files and lines a report names, this process never."""
    pool.start_if_worth([name for name in digests if name not in known])
    sources = load_schema(project_dir)
    vocabulary = Vocabulary.of(sources.ontology)
    properties = single_valued_properties(sources.per_source_shapes)
    facts: dict[str, SourceFacts] = {}
    for name in digests:
        summary = known.get(name)
        if summary is None:
            sources.add_source(name, source_files(project_dir, name), project_dir, pool.workers is None)
            facts[name] = facts_of(name, sources.data[name], vocabulary, properties)
        else:
            facts[name] = summary.facts
        progress.step(name)
    return sources, facts


def _start(
    pool: Pool,
    sources: Sources,
    project_dir: Path,
    groups: Sequence[Component],
    to_reason: Sequence[Component],
    to_validate: Sequence[Component],
    facts: Mapping[str, SourceFacts],
    batch: int,
) -> tuple[Runner, list[Job]]:
    """The jobs for the components to redo, given to the workers (started now if they pay and are not yet),
    or to run in this process on their sources, parsed now where the cache spared it so far."""
    todo = sorted({name for component in [*to_reason, *to_validate] for name in component.sources})
    workers = pool.start_if_worth(todo)
    sizes = {name: found.triples for name, found in facts.items()}
    jobs = plan(groups, to_reason, to_validate, sizes, batch, pool.count if workers else 1)
    if workers is not None:
        workers.run(jobs)
        return workers, jobs
    for name in todo:
        if name not in sources.data:
            sources.add_source(name, source_files(project_dir, name), project_dir)
    return InProcess(sources, project_dir, jobs, pool.engine, pool.validator), jobs


def _cached_inferences(
    sources: Sources, grouping: Grouping, cache: Cache, engine: Reasoner, progress: Progress
) -> tuple[list[list[str]], list[Component]]:
    """The inferences (sorted N-Triples lines) of the components found in the cache, and the components
    not found there. Without any component, the ontology's own by `engine` (a project without sources
    still has an inferred graph)."""
    if not grouping.components:
        return [ntriples_lines(infer(sources.ontology, Graph(), engine=engine))], []
    found: list[list[str]] = []
    todo: list[Component] = []
    for component in grouping.components:
        lines = cache.inferred(component)
        if lines is None:
            todo.append(component)
        else:
            found.append(lines)
            progress.step(_name(component))
    return found, todo


def _reason(
    grouping: Grouping, jobs: Sequence[Job], runner: Runner, cache: Cache, progress: Progress
) -> list[list[str]]:
    """Each job's inferences, sorted N-Triples lines (jobs share no resource, so together they infer what
    each would alone), each component's cached apart. Raise what every inconsistent job found, together:
    what one job for everything would find, however the jobs were cut."""
    problems: set[str] = set()
    found: list[list[str]] = []
    for index, job in enumerate(jobs):
        if not job.reason:
            continue
        try:
            lines = runner.inferred(index)
        except Inconsistent as error:
            problems.update(error.problems)
            continue
        if cache.enabled:
            for component, part in grouping.split(lines, job.reason).items():
                cache.keep_inferred(component, part)
        found.append(lines)
        for component in job.reason:
            progress.step(_name(component))
    if problems:
        raise Inconsistent(sorted(problems))
    return found


def _source_graphs(
    sources: Sources,
    facts: Mapping[str, SourceFacts],
    known: Mapping[str, SourceSummary],
    made: dict[str, list[str]],
    keys: Mapping[str, str],
    cache: Cache,
) -> dict[str, GraphText]:
    """Each source's graph as the release writes it: cached, or made from the lines a worker made (`made`,
    by graph name) or this process makes. The summary of a source this build parsed goes into the cache.
    A source's rdflib graph and lines are dropped (from `sources` and `made`) once its text is made: the
    release needs no more, and the texts of a million triples need the room."""
    found: dict[str, GraphText] = {}
    for name, source_facts in facts.items():
        summary = known.get(name)
        made_lines = made.pop(source_graph(name), None)
        graph = sources.data.pop(name, None)
        if summary is None:
            if made_lines is None:
                assert graph is not None, f"source {name} was neither in the cache nor parsed"
                made_lines = ntriples_lines(graph)
            summary = SourceSummary(source_facts, GraphText.of(source_graph(name), made_lines, PREFIXES))
            cache.keep_source(keys[name], summary)
        found[name] = summary.graph
    return found


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
    report = _validate(groups, jobs, runner, cache, runner.ontology_report(), progress or Quiet())
    return report, len(todo)


def _validate(
    groups: Sequence[Component],
    jobs: Sequence[Job],
    runner: Runner,
    cache: Cache,
    ontology: ValidationReport,
    progress: Progress,
) -> ValidationReport:
    """`check` with the jobs planned: the ontology's report (`ontology`), then each job's in order."""
    report = ontology
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
