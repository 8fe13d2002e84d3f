"""`python -m benchmarks.remote`: `clustergraph load-remote` and a query through the remote store, on
each engine the tests prove (Oxigraph's server and Virtuoso, started as in the tests).

For each release (the article's release as `clustergraph build` writes it, and the article copied to
`--copies` more sources, built like `benchmarks.releases` builds it) and each engine: a fresh server,
the wall time of `load_remote` (what `clustergraph load-remote` runs), then `--runs` runs of the named
query `cases.rq` through `RemoteStore.solutions`, as the API runs it (the default dataset, the row
limit, SPARQL JSON read into terms), after one unmeasured run. Prints one JSON object;
benchmarks/README.md records the figures with this command.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.engines import ENGINES
from benchmarks.releases import REPOSITORY, make_project, timed_build
from benchmarks.stats import latency_summary
from clustergraph.dataset import load_release
from clustergraph.queries import load_catalog
from clustergraph.settings import Settings
from clustergraph.store.base import QueryRequest
from clustergraph.store.remote import RemoteStore
from clustergraph.store.remote_load import load_remote

QUERY = "cases"


def measure(engine_name: str, release: Path, runs: int, work: Path) -> dict[str, Any]:
    text = load_catalog(REPOSITORY / "queries")[QUERY].text
    with ENGINES[engine_name](work) as engine:
        settings = Settings(project_dir=REPOSITORY, release_dir=release, **engine.remote_settings())  # type: ignore[arg-type]
        started = time.perf_counter()
        loaded = load_remote(settings)
        load_s = time.perf_counter() - started
        store = RemoteStore(settings)
        try:
            request = QueryRequest(text, trusted=True)
            rows = len(store.solutions(request).rows)
            seconds = []
            for _ in range(runs):
                started = time.perf_counter()
                store.solutions(request)
                seconds.append(time.perf_counter() - started)
        finally:
            store.close()
    return {
        "engine": engine_name,
        "triples": sum(loaded.values()),
        "graphs": len(loaded),
        "load_remote_s": round(load_s, 2),
        "query": QUERY,
        "rows": rows,
        "latency": latency_summary(seconds),
    }


def releases(work: Path, copies: int) -> dict[str, Path]:
    """The article's release (built here if the repository has none), and the article copied."""
    chosen = {"article": REPOSITORY / "release"}
    if not (REPOSITORY / "release").exists():
        timed_build(REPOSITORY, REPOSITORY / "release")
    if copies:
        release = work / f"article-x{copies + 1}-release"
        if not release.exists():
            timed_build(make_project(work, copies), release)
        chosen[f"article-x{copies + 1}"] = release
    return chosen


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.remote", description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=59, help="extra copies of the article's source (0: none)")
    parser.add_argument("--runs", type=int, default=50, help="measured runs of the query per engine")
    parser.add_argument("--work", type=Path, default=REPOSITORY / "build" / "benchmarks" / "releases")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {}
    for name, release in releases(args.work, args.copies).items():
        results[name] = {"quads": len(load_release(release)), "engines": []}
        for engine in ENGINES:
            with tempfile.TemporaryDirectory(prefix=f"bench-{engine}-") as tmp:
                results[name]["engines"].append(measure(engine, release, args.runs, Path(tmp)))
        print(json.dumps({name: results[name]}, indent=2), flush=True)


if __name__ == "__main__":
    main()
