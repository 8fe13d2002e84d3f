"""What a server start costs: the modules it imports, the time until it answers, and its memory.

python -m benchmarks.startup [--runs 5] [--release release]

- modules: `len(sys.modules)` in a fresh interpreter after importing what `clustergraph serve` imports
  (the CLI and `serve.py`, hence the app factory and the store) and, separately, what a query worker
  process imports (`store/worker.py`, the target its spawn runs), and the CPU time of those imports;
- start: wall time from starting `clustergraph serve` until `/health` answers 200 (the store is open
  and the query workers have started), and until a first SPARQL query is answered by a worker;
- memory: VmRSS of the server process and of each of its children (the query workers and
  multiprocessing's resource tracker) once it answers, and their sum.

The store folder is loaded once before the timed runs, so every timed start opens a loaded store.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.servers import free_port, running

REPOSITORY = Path(__file__).resolve().parents[1]
SERVER_IMPORTS = ("clustergraph.cli", "clustergraph.serve")
WORKER_IMPORTS = ("clustergraph.store.worker",)
HEAVY = ("owlrl", "pyshacl", "rdflib.plugins.sparql", "clustergraph.compile")


def import_closure(modules: tuple[str, ...], runs: int) -> dict[str, Any]:
    """The modules a fresh interpreter holds after importing `modules`, and the CPU time (user and
    system, of that process alone: less sensitive to other load than wall time) the imports took."""
    script = (
        "import importlib, json, sys, time\n"
        "start = time.process_time()\n"
        f"for name in {list(modules)!r}: importlib.import_module(name)\n"
        "print(json.dumps([time.process_time() - start, sorted(sys.modules)]))"
    )
    cpu: list[float] = []
    for _ in range(runs):
        answer = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True)
        seconds, names = json.loads(answer.stdout)
        cpu.append(seconds)
    heavy = {prefix: sum(1 for n in names if n == prefix or n.startswith(prefix + ".")) for prefix in HEAVY}
    return {"modules": len(names), "heavy": heavy, "import_cpu_s": statistics.median(cpu)}


def _rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text(encoding="ascii").split()]
    return found


def one_start(release: Path, store: Path, log: Path) -> dict[str, Any]:
    port = free_port()
    command = [sys.executable, "-m", "clustergraph.cli", "serve", "--port", str(port)]
    env = {"CLUSTERGRAPH_RELEASE_DIR": str(release), "CLUSTERGRAPH_STORE_DIR": str(store)}
    started = time.monotonic()
    with running("clustergraph", command, port=port, ready_path="/health", log=log, env=env) as server:
        query = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
        with urllib.request.urlopen(f"{server.base_url}/sparql?{query}", timeout=60) as answer:
            answer.read()
        first_answer_s = time.monotonic() - started
        children = _children(server.pid)
        tracker = [pid for pid in children if b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        return {
            "health_s": server.startup_s,
            "first_answer_s": first_answer_s,
            "server_rss_mb": _rss_kb(server.pid) / 1024,
            "worker_rss_mb": [_rss_kb(pid) / 1024 for pid in children if pid not in tracker],
            "tracker_rss_mb": sum(_rss_kb(pid) / 1024 for pid in tracker),
        }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--release", type=Path, default=REPOSITORY / "release")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {
        "server_imports": import_closure(SERVER_IMPORTS, args.runs),
        "worker_imports": import_closure(WORKER_IMPORTS, args.runs),
    }
    with tempfile.TemporaryDirectory() as work:
        store, log = Path(work) / "store", Path(work) / "server.log"
        one_start(args.release.resolve(), store, log)  # loads the store: not timed
        runs = [one_start(args.release.resolve(), store, log) for _ in range(args.runs)]
    result["runs"] = runs
    for key in ("health_s", "first_answer_s", "server_rss_mb"):
        values = [run[key] for run in runs]
        result[key] = {"median": statistics.median(values), "min": min(values), "max": max(values)}
    worker_rss = [rss for run in runs for rss in run["worker_rss_mb"]]
    result["worker_rss_mb"] = {"median": statistics.median(worker_rss), "count": len(worker_rss)}
    totals = [run["server_rss_mb"] + sum(run["worker_rss_mb"]) + run["tracker_rss_mb"] for run in runs]
    result["total_rss_mb"] = statistics.median(totals)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
