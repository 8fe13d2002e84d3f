"""`python -m benchmarks.engine_store`: Oxigraph's time per query from its on-disk store and from a copy in memory.

A query worker copies a release of at most `worker_memory_quads` quads into memory (`store/worker.py`).
This measures what that buys and costs, in one process and with nothing else in the way: the release's
database opened read-only as a worker opens it, and an in-memory copy made the same way; each of
`speed.py`'s four queries over the union default graph, serialized as SPARQL JSON, best of `--rounds`
rounds of `--repeat` (CPU ms per query); and the copy's time and the resident memory it adds.

    .venv/bin/python -m benchmarks.engine_store --release release
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from benchmarks.speed import QUERIES
from clustergraph.release_format import DATASET_FILE
from clustergraph.store.worker import WorkerConfig, _opened


def _rss_mib() -> float:
    status = Path("/proc/self/status").read_text(encoding="ascii")
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def _cpu_ms(store: ox.Store, text: str, repeat: int) -> float:
    started = time.process_time()
    for _ in range(repeat):
        solutions = store.query(text, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions), "speed.py's queries are SELECT queries"
        solutions.serialize(format=ox.QueryResultsFormat.JSON)
    return (time.process_time() - started) / repeat * 1000


def measure(release: Path, rounds: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory(prefix="engine-store-") as work:
        database = Path(work) / "database"
        ox.Store(str(database)).bulk_load(path=str(release / DATASET_FILE), format=ox.RdfFormat.N_QUADS)
        on_disk = _opened(WorkerConfig(database))
        before, started = _rss_mib(), time.perf_counter()
        in_memory = _opened(WorkerConfig(database, memory_quads=10**9))
        copied_s, added_mib = time.perf_counter() - started, _rss_mib() - before
        quads = len(in_memory)
        print(f"{quads:,} quads copied into memory in {copied_s:.2f} s, adding {added_mib:.0f} MiB "
              f"({added_mib * 2**20 / quads:.0f} bytes a quad)")  # fmt: skip
        for name, path in QUERIES.items():
            text = path.read_text(encoding="utf-8")
            disk = min(_cpu_ms(on_disk, text, repeat) for _ in range(rounds))
            memory = min(_cpu_ms(in_memory, text, repeat) for _ in range(rounds))
            print(f"{disk:8.3f} ms on disk  {memory:8.3f} ms in memory  {disk / memory:5.2f}x  {name}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--release", type=Path, default=Path("release"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args(argv)
    measure(args.release, args.rounds, args.repeat)


if __name__ == "__main__":
    main()
