"""Query latency on an on-disk store, one worker process for the whole workload, restarted past any query
that runs too long: pyoxigraph cannot interrupt a query, so the only way to stop one is to kill its process.

Both views of `clustergraph.dataset.query_release` are timed: `entailment` (the default: every graph of the
release, evaluated as Oxigraph's union of all graphs) and `asserted` (without the inferred graph: the
remaining graphs, listed one by one).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.traced import run_worker

MODES = ("entailment", "asserted")


@dataclass(frozen=True)
class LatencyPlan:
    runs: int = 50  # timed runs of one query, at most
    cap_s: float = 3.0  # timed runs of one query stop after this long
    query_timeout_s: float = 30.0  # a query still running after this long is stopped and reported so
    budget_s: float = 420.0  # the whole workload, in one mode, at one size


def measure_latency(store: Path, queries_dir: Path, examples: Path, plan: LatencyPlan, mode: str) -> dict[str, Any]:
    """Per-query latency; queries stopped by their timeout, or never reached within the budget, are listed."""
    results: dict[str, dict[str, Any]] = {}
    stopped: dict[str, str] = {}
    errors: list[str] = []
    skipped: list[str] = []
    deadline = time.monotonic() + plan.budget_s
    while (left := deadline - time.monotonic()) > 1:
        worker_plan = {"runs": plan.runs, "cap_s": plan.cap_s, "mode": mode, "skip": [*results, *stopped]}
        trace = run_worker(
            ["query", str(store), str(queries_dir), str(examples), json.dumps(worker_plan)],
            budget_s=left,
            phase_budget_s=plan.query_timeout_s,
        )
        for data in trace.results:
            if "query" in data:
                results[data["query"]] = data
            else:
                skipped = data["skipped"]
        running = [p for p in trace.running() if p.name.startswith("q:")]
        for phase in running:
            stopped[phase.name[2:]] = trace.stopped_reason or "stopped"
        if trace.finished or not running:
            if trace.error:
                errors.append(trace.error)
            break
    else:
        stopped["(the rest)"] = f"not run: the {plan.budget_s:.0f} s budget for the workload was spent"
    return {"mode": mode, "results": list(results.values()), "stopped": stopped, "skipped": skipped, "errors": errors}
