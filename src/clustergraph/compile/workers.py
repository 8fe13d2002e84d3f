"""A build's batches of sources, reasoned over and validated in this process or spread over worker processes.

Groups of sources share no resource (`incremental`), so a batch of them is reasoned over and validated
on its own, and two batches can be in two processes at once. `plan` cuts the groups to do into jobs;
`InProcess` runs them one after the other, `Workers` in spawned worker processes (neither forked, which
would copy the parent's heap of rdflib graphs, nor left running: they live for one build).

What crosses between processes is small and cheap to pickle. A worker is told the project folder once
and, per job, its groups (names and digests); it parses their files itself, as the build does: cheaper
than sending rdflib graphs, and its report names the files the build's would, since a SHACL focus node
is a subject of the batch and every source describing a subject is in the subject's group. It sends
back the batch's published inferences as sorted N-Triples lines, as soon as it has them (so that
the build's reason phase ends when the last batch is reasoned over, not validated), then the batch's
`ValidationReport` (frozen dataclasses of strings), then its sources' sorted N-Triples lines for the
release. The parent takes results in job order, so the first error it raises is the one a build in one
process would raise. Before any job, unless the build cache has it, the first worker ready makes what
depends on the ontology alone (its release texts, its SHACL report) while the parent is still parsing.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import pickle
import queue
import traceback
from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol

from clustergraph.compile.incremental import Component, batches
from clustergraph.compile.load import Sources, load_schema, load_sources
from clustergraph.compile.progress import peak_rss_mb
from clustergraph.compile.reason import infer
from clustergraph.compile.release import ontology_texts
from clustergraph.compile.serialize import ntriples_lines
from clustergraph.compile.validate import ValidationReport, validate_ontology, validate_sources
from clustergraph.errors import BuildError
from clustergraph.namespaces import source_graph
from clustergraph.settings import Reasoner, Validator

# With workers, jobs are cut smaller than `batch_triples` so that each worker gets several and none
# waits long for the last one; each job costs a fixed ≈0.05 s (the ontology reasoned over again).
_JOBS_PER_WORKER = 8
# Below about 20,000 asserted triples (≈107 bytes of Turtle each in the article), a worker's start (≈0.5 s
# of imports and the schema) costs more than spreading the batches saves.
_SPREAD_FROM_BYTES = 2_000_000
_POLL_S = 0.2
_Ontology = tuple[dict[str, str], ValidationReport]  # `release.ontology_texts`, `validate.validate_ontology`
_Payload = list[str] | ValidationReport | _Ontology | dict[str, list[str]] | BaseException | None
# (what: "inferred", "report", "lines", "ontology" or "failed"; job index, or one of the two below; payload;
# worker pid; its peak RSS)
_Message = tuple[str, int, _Payload, int, float]
_ONTOLOGY, _START = -1, -2


@dataclass(frozen=True)
class Job:
    """One batch: the groups whose inferences it computes, and those it validates (both unless cached)."""

    reason: tuple[Component, ...]
    validate: tuple[Component, ...]


def plan(
    groups: Sequence[Component],
    reason: Sequence[Component],
    validate: Sequence[Component],
    sizes: Mapping[str, int],
    batch_triples: int,
    workers: int = 1,
) -> list[Job]:
    """The groups to reason over or to validate, in order, in batches of about `batch_triples` asserted
    triples (`sizes`: a source's), smaller with several workers, so that each gets a few."""
    todo = [c for c in groups if c in set(reason) | set(validate)]
    if workers > 1:
        total = sum(sizes[name] for c in todo for name in c.sources)
        batch_triples = min(batch_triples, math.ceil(total / (workers * _JOBS_PER_WORKER)))
    return [
        Job(tuple(c for c in batch if c in reason), tuple(c for c in batch if c in validate))
        for batch in batches(todo, sizes, batch_triples)
    ]


def worth_spreading(project_dir: Path, names: Iterable[str] | None = None) -> bool:
    """Whether the data of the sources `names` (all without it) is large enough for worker processes to
    pay for their start."""
    folders = [project_dir / "data" / name for name in names] if names is not None else [project_dir / "data"]
    return sum(path.stat().st_size for folder in folders for path in folder.rglob("*.ttl")) >= _SPREAD_FROM_BYTES


def validate_batch(sources: Sources, project_dir: Path, names: Sequence[str], validator: Validator) -> ValidationReport:
    """The shapes over the sources `names` together, the per-source shapes and the quality checks in each."""
    return validate_sources(
        {name: sources.data[name] for name in names},
        ontology=sources.ontology,
        shapes=sources.shapes,
        per_source_shapes=sources.per_source_shapes,
        origins=sources.origins,
        source_origins=sources.source_origins,
        checks_dir=project_dir / "queries" / "checks",
        validator=validator,
    )


def _names(components: Sequence[Component]) -> list[str]:
    return [name for component in components for name in component.sources]


class Runner(Protocol):
    """Runs a plan's jobs: their inferences first (one job at a time, in order), then their reports."""

    def inferred(self, index: int) -> list[str]:
        """Job `index`'s inferences, sorted N-Triples lines (`serialize.ntriples_lines`)."""
        ...

    def report(self, index: int) -> ValidationReport: ...

    def peak_rss_mb(self) -> float:
        """The peak memory of the processes it started, together (0 for none)."""
        ...

    def ontology_texts(self) -> dict[str, str]:
        """`release.ontology_texts`."""
        ...

    def ontology_report(self) -> ValidationReport:
        """The ontology checked against the ontology's shapes (`validate.validate_ontology`)."""
        ...

    def lines(self) -> dict[str, list[str]]:
        """The sorted N-Triples lines of the jobs' source graphs, by graph name, if workers made them."""
        ...


class InProcess:
    """The jobs in this process, on the sources the build loaded."""

    def __init__(
        self, sources: Sources, project_dir: Path, jobs: Sequence[Job], engine: Reasoner, validator: Validator
    ):
        self._sources, self._project_dir, self._jobs = sources, project_dir, jobs
        self._engine, self._validator = engine, validator

    def inferred(self, index: int) -> list[str]:
        graphs = [self._sources.data[name] for name in _names(self._jobs[index].reason)]
        return ntriples_lines(infer(self._sources.ontology, graphs, engine=self._engine))

    def report(self, index: int) -> ValidationReport:
        names = _names(self._jobs[index].validate)
        return validate_batch(self._sources, self._project_dir, names, self._validator)

    def peak_rss_mb(self) -> float:
        return 0.0

    def ontology_texts(self) -> dict[str, str]:
        return ontology_texts(self._sources.ontology)

    def ontology_report(self) -> ValidationReport:
        return validate_ontology(self._sources.ontology, shapes=self._sources.shapes)

    def lines(self) -> dict[str, list[str]]:
        return {}


class Workers:
    """`count` spawned worker processes, started before the jobs are known (while this process parses the
    sources), then given every job at once; a context manager that stops them. With `ontology`, the first
    ready makes what depends on the ontology alone (`ontology_texts`, `ontology_report`)."""

    def __init__(
        self, project_dir: Path, count: int, engine: Reasoner, validator: Validator, ontology: bool = True
    ) -> None:
        context = multiprocessing.get_context("spawn")
        self._tasks: multiprocessing.Queue[tuple[int, Job | None] | None] = context.Queue()
        self._results: multiprocessing.Queue[_Message] = context.Queue()
        self._processes = [
            context.Process(
                target=_serve,
                args=(project_dir, engine, validator, self._tasks, self._results),
                name=f"clustergraph-build-{number}",
                daemon=True,
            )
            for number in range(1, count + 1)
        ]
        for process in self._processes:
            process.start()
        if ontology:  # a task for whichever worker is ready first, while the build parses
            self._tasks.put((_ONTOLOGY, None))
        self._received: dict[tuple[str, int], _Payload] = {}
        self._ontology_work: _Ontology | None = None
        self._jobs = 0
        self._peaks: dict[int, float] = {}
        self._given = False

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        """Let the workers finish and leave after a build that took every result; stop them otherwise."""
        if self._given and error is None:
            for _ in self._processes:
                self._tasks.put(None)
            for process in self._processes:
                process.join()
        self.stop()

    def stop(self) -> None:
        """Stop the workers now, whatever they are doing (the build failed: their results are not wanted)."""
        for process in self._processes:
            if process.exitcode is None:
                process.terminate()
            process.join()
        self._tasks.cancel_join_thread()  # jobs no worker took are dropped, not waited on
        for channel in (self._tasks, self._results):
            channel.close()
            channel.join_thread()

    def run(self, jobs: Sequence[Job]) -> None:
        """Give the workers `jobs`; `inferred` and `report` then take their results, by index."""
        for index, job in enumerate(jobs):
            self._tasks.put((index, job))
        self._given, self._jobs = True, len(jobs)

    def inferred(self, index: int) -> list[str]:
        payload = self._wait("inferred", index)
        assert isinstance(payload, list)
        return payload

    def report(self, index: int) -> ValidationReport:
        report = self._wait("report", index)
        assert isinstance(report, ValidationReport), "a job that validates sends a report"
        return report

    def ontology_texts(self) -> dict[str, str]:
        return self._ontology()[0]

    def ontology_report(self) -> ValidationReport:
        return self._ontology()[1]

    def _ontology(self) -> _Ontology:
        if self._ontology_work is None:
            work = self._wait("ontology", _ONTOLOGY)
            assert isinstance(work, tuple)
            self._ontology_work = work
        return self._ontology_work

    def lines(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for index in range(self._jobs):
            lines = self._wait("lines", index)
            assert isinstance(lines, dict)
            found.update(lines)
        return found

    def peak_rss_mb(self) -> float:
        return sum(self._peaks.values())

    def _wait(self, kind: str, index: int) -> _Payload:
        """Job `index`'s result of `kind`, or the error that stopped the job (raised)."""
        while (kind, index) not in self._received and ("failed", index) not in self._received:
            try:
                got, number, payload, pid, peak = self._results.get(timeout=_POLL_S)
            except queue.Empty:
                self._check_alive()
                continue
            self._received[got, number] = payload
            self._peaks[pid] = max(peak, self._peaks.get(pid, 0.0))
            if got == "failed" and number == _START:
                assert isinstance(payload, BaseException)
                raise BuildError("a build worker could not start") from payload
        if ("failed", index) in self._received:
            error = self._received.pop(("failed", index))
            assert isinstance(error, BaseException)
            raise error
        payload = self._received.pop((kind, index))
        assert not isinstance(payload, BaseException)
        return payload

    def _check_alive(self) -> None:
        for process in self._processes:
            if process.exitcode is not None:
                raise BuildError(
                    f"build worker {process.name} stopped (exit code {process.exitcode}) before its jobs were done"
                )


class Pool:
    """A build's worker processes, started only once the build knows that the sources to do are many
    enough to pay for them (`worth_spreading`): before it parses, when many sources are not in the build
    cache, so that they start while it parses; else once it knows the components to redo, if those are
    many. `stack` stops them. With `ontology`, they make what depends on the ontology alone too."""

    def __init__(
        self, stack: ExitStack, project_dir: Path, count: int, engine: Reasoner, validator: Validator, ontology: bool
    ) -> None:
        self.count, self.engine, self.validator = count, engine, validator
        self._stack, self._project_dir, self._ontology = stack, project_dir, ontology
        self.workers: Workers | None = None

    def start_if_worth(self, names: Sequence[str]) -> Workers | None:
        """The workers, started now if not yet and if the sources `names` are to be done and pay for them."""
        if self.workers is None and self.count > 1 and names and worth_spreading(self._project_dir, names):
            started = Workers(self._project_dir, self.count, self.engine, self.validator, self._ontology)
            self.workers = self._stack.enter_context(started)
        return self.workers


def _serve(
    project_dir: Path,
    engine: Reasoner,
    validator: Validator,
    tasks: multiprocessing.Queue[tuple[int, Job | None] | None],
    results: multiprocessing.Queue[_Message],
) -> None:
    """A worker process: load the ontology and shapes, then run jobs until told to stop. Each job sends its
    inferences as soon as it has them, then its report; an error in a job is sent in its place."""
    try:
        schema = load_schema(project_dir)
    except BaseException as error:
        results.put(("failed", _START, _picklable(error), os.getpid(), peak_rss_mb()))
        return
    while (task := tasks.get()) is not None:
        index, job = task
        try:
            if job is None:
                work = (ontology_texts(schema.ontology), validate_ontology(schema.ontology, shapes=schema.shapes))
                results.put(("ontology", index, work, os.getpid(), peak_rss_mb()))
            else:
                _run(schema, project_dir, engine, validator, index, job, results)
        except BaseException as error:
            results.put(("failed", index, _picklable(error), os.getpid(), peak_rss_mb()))


def _run(
    schema: Sources,
    project_dir: Path,
    engine: Reasoner,
    validator: Validator,
    index: int,
    job: Job,
    results: multiprocessing.Queue[_Message],
) -> None:
    sources = load_sources(schema, project_dir, {*_names(job.reason), *_names(job.validate)})
    if job.reason:
        graphs = [sources.data[name] for name in _names(job.reason)]
        inferred = ntriples_lines(infer(sources.ontology, graphs, engine))
        results.put(("inferred", index, inferred, os.getpid(), peak_rss_mb()))
    names = _names(job.validate)
    report = validate_batch(sources, project_dir, names, validator) if names else None
    results.put(("report", index, report, os.getpid(), peak_rss_mb()))
    lines = {source_graph(name): ntriples_lines(graph) for name, graph in sources.data.items()}
    results.put(("lines", index, lines, os.getpid(), peak_rss_mb()))


def _picklable(error: BaseException) -> BaseException:
    """The error itself where it survives pickling, else a BuildError with its traceback's text."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return BuildError("".join(traceback.format_exception(error)))
    return error
