"""Issue 8's speed targets, measured with wrk: this service as shipped beside the same peers as `http.py`.

    python -m benchmarks.speed --release release --rounds 5
    python -m benchmarks.speed --release build/speed/release-x60/current --rounds 5 --seconds 3

Four servers run at once on 127.0.0.1 over one release: **ours** exactly as `clustergraph serve` starts
it (its default settings: access log, workers, limits, isolation; nothing tuned for the benchmark), the
**floor** (a FastAPI app answering a constant), **rdflib-endpoint** and **Oxigraph's server**, the last
three as `http.py` starts them. Each gets the same four queries (`QUERIES`) as a GET `?query=`. No
server has an answer cache. Before measuring, every server's answer to every query is fetched once
and its row count compared.

A round measures, at 16 connections (`wrk -t2 -c16`) and then at 1 (`wrk -t1 -c1 --latency`), the
floor once (sent the very request ours gets for the type lookup, so that the two differ only in what
the server does with it: a floor asked a bare `/sparql` would skip parsing a URL of some 300 bytes,
which ours cannot) and then each query on each server in turn, the servers in a rotated order from round to
round, so that the load of this shared machine falls on all of them alike; after each run, the next
waits until the server measured has stopped working off what wrk left queued (`settle`). The figures are the
medians over the rounds of each server's requests per second (16 connections) and median latency
(1 connection), and the targets' ratios are taken from those medians.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from benchmarks.http import HttpConfig, start_floor, start_oxigraph, start_rdflib_endpoint
from benchmarks.servers import HOST, Server, free_port, running

REPOSITORY = Path(__file__).resolve().parents[1]
RESULTS_DIR = Path(__file__).resolve().parent / "results"
WORK_DIR = REPOSITORY / "build" / "speed"
BENCH_QUERIES = Path(__file__).resolve().parent / "queries"
LOOKUP = "type lookup"  # the query the floor's targets are about
QUERIES = {
    LOOKUP: BENCH_QUERIES / "speed" / "type-lookup.rq",
    "COUNT(*)": BENCH_QUERIES / "triple-count.rq",
    "Russian-label CONTAINS": BENCH_QUERIES / "speed" / "label-contains-ru.rq",
    "case join with OPTIONAL": REPOSITORY / "queries" / "cases.rq",
}
FLOOR, OURS, RDFLIB, OXIGRAPH = "floor", "ours", "rdflib-endpoint", "oxigraph"
PEERS = (OURS, RDFLIB, OXIGRAPH)
_JSON = "application/sparql-results+json"
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}
WRK_TIMEOUT_S = 30  # an answer slower than this counts as a socket error
SETTLE_WINDOW_S, SETTLE_MAX_S = 0.5, 120.0


@dataclass(frozen=True)
class Wrk:
    """One wrk run: requests per second, median latency, and what went wrong."""

    rps: float
    p50_ms: float | None
    non_2xx: int
    socket_errors: int

    @classmethod
    def parse(cls, output: str) -> Wrk:
        rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
        p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
        errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
        if rps is None:
            raise RuntimeError(f"wrk printed no throughput:\n{output}")
        return cls(
            rps=float(rps.group(1)),
            p50_ms=float(p50.group(1)) * _UNITS[p50.group(2)] if p50 and float(rps.group(1)) > 0 else None,
            non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
            socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
        )


def wrk(url: str, connections: int, seconds: float) -> Wrk:
    threads = min(2, connections)
    command = [
        *("wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", f"--timeout={WRK_TIMEOUT_S}s", "--latency"),
        *("-H", f"Accept: {_JSON}", url),
    ]
    return Wrk.parse(subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout)


def group_cpu_s(group: int) -> float:
    """CPU seconds used so far by the processes of a process group (a server and its workers)."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text(encoding="ascii").rpartition(")")[2].split()
        except (OSError, ValueError):
            continue
        if int(fields[2]) == group:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def settle(group: int) -> float:
    """Wait until a server has finished what the last run left queued (a server that answers on its
    event loop goes on answering the requests wrk gave up on), so that it does not slow the next
    server measured; at most SETTLE_MAX_S. The seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < SETTLE_MAX_S:
        before = group_cpu_s(group)
        time.sleep(SETTLE_WINDOW_S)
        if group_cpu_s(group) - before < SETTLE_WINDOW_S / 10:
            break
    return round(time.monotonic() - started, 1)


@contextmanager
def ours_as_shipped(release: Path, work: Path) -> Iterator[Server]:
    """`clustergraph serve` with its defaults, over `release`, in a fresh store folder."""
    store = work / "ours-store"
    shutil.rmtree(store, ignore_errors=True)
    port = free_port()
    env = {
        "CLUSTERGRAPH_PROJECT_DIR": str(REPOSITORY),
        "CLUSTERGRAPH_RELEASE_DIR": str(release.resolve()),
        "CLUSTERGRAPH_STORE_DIR": str(store.resolve()),
    }
    command = [sys.executable, "-m", "clustergraph.cli", "serve", "--host", HOST, "--port", str(port)]
    with running(OURS, command, port=port, ready_path="/health", log=work / "logs" / "ours.log", env=env) as server:
        yield server


def query_url(server: str, base: str, text: str) -> str:
    return f"{base}{'/query' if server == OXIGRAPH else '/sparql'}?query={quote(text)}"


def answer_rows(url: str) -> int:
    request = urllib.request.Request(url, headers={"Accept": _JSON})
    with urllib.request.urlopen(request, timeout=120) as answer:
        return len(json.load(answer)["results"]["bindings"])


def measure(release: Path, rounds: int, seconds: float, work: Path) -> dict[str, Any]:
    texts = {name: path.read_text(encoding="utf-8") for name, path in QUERIES.items()}
    config = HttpConfig(release_dir=release, queries_dir=REPOSITORY / "queries", work_dir=work)
    runs: list[dict[str, Any]] = []
    with ExitStack() as stack:
        servers = {
            FLOOR: stack.enter_context(start_floor(config, work / "logs" / "floor.log"))[0],
            OURS: stack.enter_context(ours_as_shipped(release, work)),
            RDFLIB: stack.enter_context(start_rdflib_endpoint(config, work / "logs" / "rdflib.log"))[0],
            OXIGRAPH: stack.enter_context(start_oxigraph(config, work / "logs" / "oxigraph.log"))[0],
        }
        bases = {name: server.base_url for name, server in servers.items()}
        rows = {q: {s: answer_rows(query_url(s, bases[s], t)) for s in PEERS} for q, t in texts.items()}
        for round_ in range(rounds):
            order = PEERS[round_ % 3 :] + PEERS[: round_ % 3]
            for connections in (16, 1):
                floor = wrk(query_url(FLOOR, bases[FLOOR], texts[LOOKUP]), connections, seconds)
                runs.append({"round": round_, "c": connections, "server": FLOOR, "query": None, **floor.__dict__})
                print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
                for query, text in texts.items():
                    for server in order:
                        result = wrk(query_url(server, bases[server], text), connections, seconds)
                        runs.append(
                            {"round": round_, "c": connections, "server": server, "query": query, **result.__dict__}
                        )
                        runs[-1]["settled_s"] = settle(servers[server].pid)
                        print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    return {"release": str(release), "rounds": rounds, "seconds": seconds, "rows": rows, "runs": runs}


def _values(runs: list[dict[str, Any]], server: str, query: str | None, c: int, key: str) -> list[float | None]:
    """One value per round (None where no request was answered within the run, for a latency)."""
    return [r[key] for r in runs if r["server"] == server and r["query"] == query and r["c"] == c]


def _median(values: list[float | None]) -> float | None:
    answered = [v for v in values if v is not None]
    return float(statistics.median(answered)) if answered else None


def _medians(runs: list[dict[str, Any]], server: str, query: str | None) -> dict[str, float | None]:
    return {
        "rps_c16": _median(_values(runs, server, query, 16, "rps")),
        "p50_ms_c1": _median(_values(runs, server, query, 1, "p50_ms")),
    }


def _per_round(runs: list[dict[str, Any]], c: int, key: str) -> float | None:
    """The median over rounds of ours / the floor on the type lookup, each ratio within one round."""
    ours, floor = _values(runs, OURS, LOOKUP, c, key), _values(runs, FLOOR, None, c, key)
    if len(ours) != len(floor):  # a run whose floor was not recorded
        return None
    return _median([a / b if a is not None and b else None for a, b in zip(ours, floor, strict=True)])


def _ratio(a: float | None, b: float | None) -> float | None:
    """a / b, rounded; None where either is unknown; infinite where b answered nothing at all."""
    if a is None or b is None:
        return None
    return math.inf if b == 0 else _rounded(a / b)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _shown(value: float | None, form: str, unit: str) -> str:
    return "—" if value is None else f"{format(value, form)}{unit}"


def summary(result: dict[str, Any]) -> dict[str, Any]:
    runs = result["runs"]
    table: dict[str, dict[str, Any]] = {}
    for query in QUERIES:
        table[query] = {server: _medians(runs, server, query) for server in PEERS}
    floor = _medians(runs, FLOOR, None)
    over_oxigraph = [_ratio(table[q][OURS]["rps_c16"], table[q][OXIGRAPH]["rps_c16"]) for q in QUERIES]
    finite = [r for r in over_oxigraph if r is not None and 0 < r < math.inf]
    lookup = table[LOOKUP][OURS]
    return {
        "queries": table,
        "floor": floor,
        "targets": {
            "ours / rdflib-endpoint, c=16 (>= 1 on every query)": {
                q: _ratio(table[q][OURS]["rps_c16"], table[q][RDFLIB]["rps_c16"]) for q in QUERIES
            },
            "ours / oxigraph, c=16, per query": dict(zip(QUERIES, over_oxigraph, strict=True)),
            "ours / oxigraph, c=16, geomean (>= 1/3)": (
                round(math.prod(finite) ** (1 / len(finite)), 3) if len(finite) == len(QUERIES) else None
            ),
            "type lookup: ours / floor, c=16 (>= 1/2)": _ratio(lookup["rps_c16"], floor["rps_c16"]),
            "type lookup: ours / floor, c=16, median of the rounds' ratios": _rounded(_per_round(runs, 16, "rps")),
            "type lookup: ours p50 / floor p50, c=1 (<= 2)": _ratio(lookup["p50_ms_c1"], floor["p50_ms_c1"]),
            "type lookup: ours p50 / floor p50, c=1, median of the rounds' ratios": _rounded(
                _per_round(runs, 1, "p50_ms")
            ),
        },
        "answers_agree": all(len(set(rows.values())) == 1 for rows in result["rows"].values()),
        "failures": {s: sum(r["non_2xx"] + r["socket_errors"] for r in runs if r["server"] == s) for s in PEERS},
    }


def markdown(result: dict[str, Any], summarized: dict[str, Any]) -> str:
    lines = [
        f"release `{result['release']}`, {result['rounds']} rounds of {result['seconds']:g} s per run; medians",
        "",
        "| query | rows | ours c=16 | rdflib-endpoint c=16 | oxigraph c=16 "
        "| ours p50 c=1 | rdflib-endpoint p50 c=1 | oxigraph p50 c=1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for query, servers in summarized["queries"].items():
        rows = result["rows"][query][OURS]
        rps = " | ".join(_shown(servers[s]["rps_c16"], ",.1f", "/s") for s in PEERS)
        p50 = " | ".join(_shown(servers[s]["p50_ms_c1"], ".2f", " ms") for s in PEERS)
        lines.append(f"| {query} | {rows} | {rps} | {p50} |")
    floor = summarized["floor"]
    floor_rps, floor_p50 = _shown(floor["rps_c16"], ",.0f", "/s"), _shown(floor["p50_ms_c1"], ".3f", " ms")
    lines += ["", f"floor: {floor_rps} at c=16, p50 {floor_p50} at c=1 (—: not recorded, or nothing answered)", ""]
    lines += [f"- {name}: {value}" for name, value in summarized["targets"].items()]
    lines.append(f"- the servers' answers have the same number of rows on every query: {summarized['answers_agree']}")
    failures = summarized["failures"]
    lines.append(f"- failed requests (non-2xx, or socket errors such as wrk's {WRK_TIMEOUT_S} s timeout): {failures}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.speed", description=__doc__.splitlines()[0])
    parser.add_argument("--release", type=Path, default=REPOSITORY / "release", help="a release folder")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0, help="per wrk run")
    parser.add_argument("--work", type=Path, default=WORK_DIR)
    parser.add_argument("--summarize", type=Path, help="print the tables of a results file again, measuring nothing")
    args = parser.parse_args(argv)
    if args.summarize:
        result = json.loads(args.summarize.read_text(encoding="utf-8"))
        print(markdown(result, summary(result)))
        return
    started, load_before = time.strftime("%Y%m%d-%H%M%S"), os.getloadavg()
    result = measure(args.release, args.rounds, args.seconds, args.work)
    result["load_average"] = {"before": load_before, "after": os.getloadavg()}
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"speed-{started}.json").write_text(json.dumps(result, indent=1))  # before anything can fail
    print(markdown(result, summary(result)))


if __name__ == "__main__":
    main()
