"""Scale: compile time by phase, store load time, memory and query latency at about 10^4, 10^5 and 10^6 triples.

For each size: generate a synthetic project (`synthetic`), compile it with the real build() in a worker
whose phases are traced (`traced`), and stop it when a phase or the whole compile budget runs out; where
reasoning did not finish, validation still gets measured on its own. The release the build wrote, or, where
it could not finish, the asserted graphs written straight to N-Quads, is bulk-loaded into an on-disk
pyoxigraph store, and the workload (`workload`) is timed on it (`latency`). Phases that ran out of time are
extrapolated from the smaller sizes, and marked so.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.latency import MODES, LatencyPlan, measure_latency
from benchmarks.stats import extrapolate
from benchmarks.synthetic import generate_project
from benchmarks.traced import Trace, run_worker

COMPILE_PHASES = ("load", "reason", "validate", "write")
_MIN_USEFUL_BUDGET_S = 30.0
_LOAD_BUDGET_S = 900.0


@dataclass(frozen=True)
class ScaleConfig:
    sizes: tuple[int, ...]
    work_dir: Path
    budget_s: float = 900.0  # the compile workers of every size together
    phase_budget_s: float = 300.0  # any one compile phase
    latency: LatencyPlan = field(default_factory=LatencyPlan)
    seed: int = 0


class _Budget:
    """Seconds left for compiling; only compile workers spend it."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds

    def run(self, phase_budget_s: float, *args: str) -> Trace | None:
        """A compile worker with what is left, or None when too little is left to learn anything."""
        if self.left < _MIN_USEFUL_BUDGET_S:
            return None
        trace = run_worker(list(args), budget_s=self.left, phase_budget_s=phase_budget_s)
        self.left -= trace.wall_s
        return trace


def run_scale(config: ScaleConfig, checkpoint: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """Every size in turn; `checkpoint` gets the results so far after each, so a long run loses nothing."""
    budget = _Budget(config.budget_s)
    outcome: dict[str, Any] = {"config": _config_dict(config), "sizes": []}
    for target in config.sizes:
        outcome["sizes"].append(_one_size(config, target, budget))
        _add_extrapolations(outcome["sizes"])
        checkpoint(outcome)
    return outcome


def _one_size(config: ScaleConfig, target: int, budget: _Budget) -> dict[str, Any]:
    folder = config.work_dir / f"scale-{target}"
    project, release, store = folder / "project", folder / "release", folder / "store"
    started = time.perf_counter()
    manifest = generate_project(target, project, seed=config.seed)
    entry: dict[str, Any] = {
        "target": target,
        "asserted_triples": manifest.triples,
        "sources": manifest.sources,
        "cases": manifest.cases,
        "generate_s": round(time.perf_counter() - started, 3),
    }
    build = budget.run(config.phase_budget_s, "build", str(project), str(release))
    entry["build"] = build.as_dict() if build else {"finished": False, "stopped_reason": "compile budget spent"}
    if build is None or not build.finished:
        if build is None or not _phase_finished(build, "validate"):
            validate = budget.run(config.phase_budget_s, "validate", str(project))
            entry["validate_only"] = validate.as_dict() if validate else None
        shutil.rmtree(release, ignore_errors=True)
        entry["direct_release"] = _worker(["direct-release", str(project), str(release)]).as_dict()
    entry["release"] = "built" if build and build.finished else "asserted only (no inferred graph)"
    shutil.rmtree(store, ignore_errors=True)
    entry["store_load"] = _worker(["store-load", str(release), str(store)]).as_dict()
    examples = folder / "examples.json"
    examples.write_text(json.dumps(manifest.examples), encoding="utf-8")
    entry["latency"] = {
        mode: measure_latency(store, project / "queries", examples, config.latency, mode) for mode in MODES
    }
    return entry


def _phase_finished(trace: Trace, name: str) -> bool:
    return name in trace.phases and not trace.phases[name].running


def _worker(args: list[str]) -> Trace:
    return run_worker(args, budget_s=_LOAD_BUDGET_S, phase_budget_s=_LOAD_BUDGET_S)


def phase_seconds(entry: dict[str, Any], name: str) -> tuple[float, bool] | None:
    """(seconds, finished) of a compile phase at one size, from the build or the validation-only run.

    A finished attempt wins; otherwise the longest attempt, which ran that long without finishing.
    """
    attempts = [
        run["phases"][name]
        for key in ("build", "validate_only")
        if (run := entry.get(key)) and name in run.get("phases", {})
    ]
    finished = [a for a in attempts if a["finished"]]
    if finished:
        return finished[0]["seconds"], True
    if attempts:
        return max(a["seconds"] for a in attempts), False
    return None


def _add_extrapolations(sizes: list[dict[str, Any]]) -> None:
    """For each phase that did not finish at a size, the power law through the two largest sizes where it did."""
    for name in COMPILE_PHASES:
        points = [
            (entry["asserted_triples"], measured[0])
            for entry in sizes
            if (measured := phase_seconds(entry, name)) and measured[1]
        ]
        for entry in sizes:
            measured = phase_seconds(entry, name)
            if measured and measured[1]:
                continue
            guess = extrapolate(points, entry["asserted_triples"])
            if guess:
                entry.setdefault("extrapolated_s", {})[name] = {
                    "seconds": round(guess[0], 1),
                    "exponent": round(guess[1], 2),
                }


def _config_dict(config: ScaleConfig) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(config).items()}
