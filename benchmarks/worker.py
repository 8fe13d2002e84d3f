"""The measured steps, each run in a process of its own by `traced.run_worker`, reporting through `events`.

python -m benchmarks.worker build PROJECT RELEASE        the real build(), its phases traced
python -m benchmarks.worker validate PROJECT             load + validate only (when reasoning ran out of time)
python -m benchmarks.worker direct-release PROJECT RELEASE   asserted graphs straight to dataset.nq, no reasoning
python -m benchmarks.worker store-load RELEASE STORE     bulk-load dataset.nq into an on-disk pyoxigraph store
python -m benchmarks.worker query STORE QUERIES EXAMPLES PLAN   latency of the workload on that store
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

import clustergraph.compile.build as build_module
import clustergraph.compile.release as release_module
import clustergraph.compile.validate as validate_module
from benchmarks.events import phase, result, traced
from benchmarks.stats import latency_summary
from benchmarks.workload import WorkItem, build_workload
from clustergraph.compile.load import load_project
from clustergraph.dataset import load_release, query_release
from clustergraph.namespaces import ONTOLOGY_GRAPH, source_graph
from clustergraph.release_format import DATASET_FILE

_TRACED = (
    (build_module, "_load", "load"),
    (build_module, "_reason", "reason"),  # in the build's process, whether or not workers do the batches
    (build_module, "_validate", "validate"),
    (build_module, "write_release", "write"),
    (validate_module, "_run_shacl", "validate.shacl"),
    (validate_module, "_run_checks_per_source", "validate.checks"),
    (release_module, "canonical_turtle", "write.turtle"),
    (release_module, "_write_dataset", "write.nquads"),
    (release_module, "_report", "write.report"),
)


def _instrument() -> None:
    """Trace the steps build() calls, by name, so the real build() runs unchanged and says where time goes.
    The parts (`validate.shacl` …) are traced where they run in the build's process: with build workers
    (`CLUSTERGRAPH_BUILD_WORKERS`), they run in the workers, and only the phases are traced."""
    for module, name, phase_name in _TRACED:
        setattr(module, name, traced(phase_name, getattr(module, name)))


def run_build(project: str, release: str) -> None:
    _instrument()
    outcome = build_module.build(Path(project), Path(release))
    result({"triples": outcome.report["triples"], "timings_s": outcome.report["timings_s"]})


def run_validate(project: str) -> None:
    """What build() does after reasoning, without it: loading, then validation."""
    _instrument()
    sources = traced("load", load_project)(Path(project))
    build_module.check(sources, Path(project))


def run_direct_release(project: str, release: str) -> None:
    """dataset.nq from the ontology and the asserted data alone: what a release would hold without reasoning."""
    project_dir, target = Path(project), Path(release) / DATASET_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    graphs = [(str(ONTOLOGY_GRAPH), sorted((project_dir / "ontology").glob("*.ttl")))]
    graphs += [
        (source_graph(folder.name), sorted(folder.rglob("*.ttl")))
        for folder in sorted(p for p in (project_dir / "data").iterdir() if p.is_dir())
    ]
    with phase("write"), target.open("wb") as out:
        for graph, files in graphs:
            for path in files:
                quads = ox.parse(
                    path=path, format=ox.RdfFormat.TURTLE, without_named_graphs=True, rename_blank_nodes=True
                )
                named = (ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(str(graph))) for q in quads)
                ox.serialize(named, out, format=ox.RdfFormat.N_QUADS)


def run_store_load(release: str, store_dir: str) -> None:
    with phase("open"):
        store = ox.Store(store_dir)
    with phase("bulk_load"):
        load_release(Path(release), store)
    with phase("flush"):
        store.flush()
        store.optimize()
    result({"quads": len(store), "store_mb": round(_size_mb(Path(store_dir)), 1)})


def run_queries(store_dir: str, queries_dir: str, examples_json: str, plan_json: str) -> None:
    """Each query a phase of its own (`q:<label>`), so one that runs too long can be stopped and skipped."""
    plan = json.loads(plan_json)
    examples = json.loads(Path(examples_json).read_text(encoding="utf-8")) if examples_json != "-" else None
    store = ox.Store.read_only(store_dir)
    items, skipped = build_workload(Path(queries_dir), examples)
    result({"skipped": skipped})
    for item in items:
        if item.label not in plan["skip"]:
            with phase(f"q:{item.label}"):
                result(_latency(store, item, plan))


def _latency(store: ox.Store, item: WorkItem, plan: dict[str, Any]) -> dict[str, Any]:
    """Timed runs after one warm-up, as many as `runs` within `cap_s`; a warm-up over `cap_s` is the only sample."""
    entailment = plan["mode"] == "entailment"
    start = time.perf_counter()
    size = len(_answer(store, item, entailment=entailment))
    warm_up = time.perf_counter() - start
    samples: list[float] = []
    deadline = time.perf_counter() + plan["cap_s"]
    while warm_up <= plan["cap_s"] and len(samples) < plan["runs"] and time.perf_counter() < deadline:
        start = time.perf_counter()
        _answer(store, item, entailment=entailment)
        samples.append(time.perf_counter() - start)
    summary = latency_summary(samples or [warm_up])
    return {"query": item.label, "origin": item.origin, "answer_bytes": size, "cold_only": not samples, **summary}


def _answer(store: ox.Store, item: WorkItem, *, entailment: bool) -> bytes:
    """The answer of `query_release`, with or without the inferred graph, serialized as a server would send it."""
    answer = query_release(store, item.query.text, item.bindings, entailment=entailment)
    if isinstance(answer, ox.QueryTriples):
        return answer.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
    return answer.serialize(format=ox.QueryResultsFormat.JSON) or b""


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


TASKS: dict[str, Callable[..., None]] = {
    "build": run_build,
    "validate": run_validate,
    "direct-release": run_direct_release,
    "store-load": run_store_load,
    "query": run_queries,
}


def main(argv: Sequence[str]) -> None:
    task, *args = argv
    TASKS[task](*args)


if __name__ == "__main__":
    main(sys.argv[1:])
