"""`python -m benchmarks.releases`: the issue's compile targets, and a release swap under load.

1. compile: the article's source copied to N sources with fresh IRIs and labels (`replicate`), built
   with `clustergraph build --full` in its own process (so its peak RSS is its own), then the release's
   N-Quads bulk-loaded into an on-disk Oxigraph store; the ratio of the two.
2. incremental: one copy changed, rebuilt with the build cache warm; against compiling a project that
   holds that one source alone (`--full`, the issue's yardstick), and against rebuilding that project
   after the same change with its own cache warm (what the other sources add to a rebuild).
3. swap: `clustergraph serve` on the release, CLIENTS concurrent clients in a bounded loop of SPARQL
   requests, a new source added and built meanwhile; failed requests, and latency percentiles before
   and during the swap (from the start of the rebuild until the server reports the new version).

Prints one JSON object per part; benchmarks/README.md records the figures with this command.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

from benchmarks.replicate import replicate_project, replicate_source
from benchmarks.stats import latency_summary
from clustergraph.release_format import DATASET_FILE, current_version, read_manifest

REPOSITORY = Path(__file__).resolve().parents[1]
SOURCE = "creative-economy-2017-07"
CLI = [sys.executable, "-m", "clustergraph.cli"]
QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?case a <https://w3id.org/clustergraph/ontology#PolicyCase> }"


def make_project(work: Path, copies: int) -> Path:
    """The repository's project with `copies` extra copies of the article's source."""
    project = work / f"article-x{copies + 1}"
    if not project.is_dir():
        for folder in ("ontology", "data", "shapes", "queries"):
            shutil.copytree(REPOSITORY / folder, project / folder)
        replicate_project(project / "data", SOURCE, copies)
    return project


def timed_build(project: Path, release: Path, *extra: str) -> dict[str, Any]:
    started = time.perf_counter()
    subprocess.run([*CLI, "--project", str(project), "--release", str(release), "build", *extra], check=True)
    wall = time.perf_counter() - started
    manifest = read_manifest(current_version(release))
    return {
        "wall_s": round(wall, 2),
        "timings_s": manifest["timings_s"],
        "peak_rss_mb": max(manifest["peak_rss_mb"].values()),
        "triples": manifest["triples"],
        "work": manifest["work"],
    }


def bulk_load(release: Path, work: Path) -> float:
    location = work / "bulk-load-store"
    shutil.rmtree(location, ignore_errors=True)
    started = time.perf_counter()
    store = ox.Store(str(location))
    store.bulk_load(path=str(current_version(release) / DATASET_FILE), format=ox.RdfFormat.N_QUADS)
    store.flush()
    elapsed = time.perf_counter() - started
    del store
    shutil.rmtree(location, ignore_errors=True)
    return round(elapsed, 2)


def compile_part(work: Path, copies: int) -> dict[str, Any]:
    project = make_project(work, copies)
    release = work / f"release-x{copies + 1}"
    shutil.rmtree(release, ignore_errors=True)  # else a repeated run finds its version made and reports its phases
    built = timed_build(project, release, "--full")
    load_s = bulk_load(release, work)
    return {"sources": copies + 1, **built, "bulk_load_s": load_s, "ratio": round(built["wall_s"] / load_s, 1)}


def incremental_part(work: Path, copies: int) -> dict[str, Any]:
    project = make_project(work, copies)
    release = work / f"release-x{copies + 1}"
    shutil.rmtree(release, ignore_errors=True)  # else a version an earlier run made is found, and its phases reported
    warm = timed_build(project, release)["wall_s"]  # fills the cache
    changed = project / "data" / f"{SOURCE}-copy-1"
    with _label_changed(changed):
        incremental = timed_build(project, release)
    alone = work / "one-source"
    shutil.rmtree(alone, ignore_errors=True)
    shutil.rmtree(work / "release-one-source", ignore_errors=True)
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(REPOSITORY / folder, alone / folder)
    replicate_source(REPOSITORY / "data" / SOURCE, alone / "data" / changed.name, 1)
    single = timed_build(alone, work / "release-one-source", "--full")
    # the same change rebuilt in that one-source project with its own cache warm: what the other sources add
    timed_build(alone, work / "release-one-source")
    with _label_changed(alone / "data" / changed.name):
        single_cached = timed_build(alone, work / "release-one-source")
    return {
        "warm_cache_build_wall_s": warm,
        "incremental": incremental,
        "one_source_alone": single,
        "one_source_alone_cache_warm": single_cached,
        "ratio": round(incremental["wall_s"] / single["wall_s"], 2),
        "ratio_to_cache_warm": round(incremental["wall_s"] / single_cached["wall_s"], 2),
    }


@contextmanager
def _label_changed(source: Path) -> Iterator[None]:
    """One label of the copy in `source` changed, and changed back afterwards; changed to a new text on
    every run, so that no build cache holds the changed source already."""
    places = source / "places.ttl"
    text = places.read_text(encoding="utf-8")
    label = f'"Oregon, changed {uuid.uuid4().hex[:8]} (copy 1)"@en'
    places.write_text(text.replace('"Oregon (copy 1)"@en', label, 1), encoding="utf-8")
    try:
        yield
    finally:
        places.write_text(text, encoding="utf-8")


class _Load:
    def __init__(self, base: str, clients: int, requests: int) -> None:
        self.base, self.clients, self.requests = base, clients, requests
        self.samples: list[tuple[float, float, int]] = []  # (start, latency, status)
        self.errors: list[str] = []
        self.stop = threading.Event()
        self._lock = threading.Lock()

    def run(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._client) for _ in range(self.clients)]
        for thread in threads:
            thread.start()
        return threads

    def _client(self) -> None:
        with httpx.Client(timeout=60) as client:
            for _ in range(self.requests):
                if self.stop.is_set():
                    return
                started = time.perf_counter()
                try:
                    status = client.get(f"{self.base}/sparql", params={"query": QUERY}).status_code
                except httpx.HTTPError as error:
                    self.errors.append(repr(error))
                    continue
                with self._lock:
                    self.samples.append((started, time.perf_counter() - started, status))


def swap_part(work: Path, copies: int, clients: int) -> dict[str, Any]:
    project = make_project(work, copies)
    release = work / f"release-x{copies + 1}"
    timed_build(project, release)
    port = 8765
    env = {
        **os.environ,
        "CLUSTERGRAPH_PROJECT_DIR": str(project),
        "CLUSTERGRAPH_RELEASE_DIR": str(release),
        "CLUSTERGRAPH_STORE_DIR": str(work / "swap-store"),
        "CLUSTERGRAPH_RELEASE_POLL_S": "0.5",
    }
    log = (work / "swap-server.log").open("w")
    server = subprocess.Popen([*CLI, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: httpx.get(f"{base}/health", timeout=1).status_code == 200)
        old = httpx.get(f"{base}/health").json()["release"]
        load = _Load(base, clients, requests=100_000)
        threads = load.run()
        time.sleep(10)
        swap_start = time.perf_counter()
        added = replicate_source(REPOSITORY / "data" / SOURCE, project / "data" / f"{SOURCE}-copy-new", 10_000)
        timed_build(project, release)
        _wait(lambda: httpx.get(f"{base}/health", timeout=30).json()["release"] != old)
        swap_end = time.perf_counter()
        time.sleep(5)
        load.stop.set()
        for thread in threads:
            thread.join()
        shutil.rmtree(added)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
    before = [lat for start, lat, _ in load.samples if start < swap_start]
    during = [lat for start, lat, _ in load.samples if swap_start <= start <= swap_end]
    failed = [s for _, _, s in load.samples if s != 200]
    return {
        "clients": clients,
        "requests": len(load.samples) + len(load.errors),
        "failed": len(failed) + len(load.errors),
        "swap_window_s": round(swap_end - swap_start, 2),
        "before": latency_summary(before) if before else {},
        "during_swap": latency_summary(during) if during else {},
    }


def _wait(ready: Any, timeout_s: float = 600) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError("gave up waiting")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.releases", description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=59, help="extra copies of the article's source")
    parser.add_argument("--parts", nargs="+", choices=("compile", "incremental", "swap"), default=["compile"])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--work", type=Path, default=REPOSITORY / "build" / "benchmarks" / "releases")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    parts = {
        "compile": lambda: compile_part(args.work, args.copies),
        "incremental": lambda: incremental_part(args.work, args.copies),
        "swap": lambda: swap_part(args.work, args.copies, args.clients),
    }
    for name in args.parts:
        print(json.dumps({name: parts[name]()}, indent=2), flush=True)


if __name__ == "__main__":
    main()
