"""Markdown tables of the raw results, as printed by `python -m benchmarks` and copied into the README."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.scale import COMPILE_PHASES, phase_seconds


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def scale_markdown(scale: dict[str, Any]) -> str:
    sizes = scale["sizes"]
    return "\n\n".join(
        [
            "### Compile time by phase (the real `build()`, one process per size)",
            table(
                [
                    "asserted triples",
                    "inferred",
                    "load",
                    "reason",
                    "validate (pyshacl + checks)",
                    "write",
                    "peak RSS",
                ],
                [_compile_row(entry) for entry in sizes],
            ),
            "### Loading the release into the on-disk store",
            table(
                ["asserted triples", "release", "quads", "bulk load", "peak RSS", "store on disk"],
                [_store_row(entry) for entry in sizes],
            ),
            "### Query latency on the on-disk store (`query_release` + serialization; p50 / p99 ms; "
            "`entailment`: the default view, `asserted`: without the inferred graph)",
            _latency_table(sizes),
        ]
    )


def _compile_row(entry: dict[str, Any]) -> list[str]:
    build = entry.get("build") or {}
    inferred = next((r["triples"]["inferred"] for r in build.get("results", []) if "triples" in r), None)
    peaks = [run.get("peak_rss_mb", 0) for run in (build, entry.get("validate_only") or {})]
    return [
        f"{entry['asserted_triples']:,}",
        "—" if inferred is None else f"{inferred:,}",
        *(_phase_cell(entry, name) for name in COMPILE_PHASES),
        f"{max(peaks):,.0f} MB",
    ]


def _phase_cell(entry: dict[str, Any], name: str) -> str:
    measured = phase_seconds(entry, name)
    guess = entry.get("extrapolated_s", {}).get(name)
    estimate = f"; ≈ {guess['seconds']:,.0f} s extrapolated (∝ n^{guess['exponent']})" if guess else ""
    if measured is None:
        return f"not reached{estimate}"
    seconds, finished = measured
    if not finished:
        return f"**did not finish within {seconds:,.0f} s**{estimate}"
    alone = not (entry.get("build") or {}).get("phases", {}).get(name, {}).get("finished")
    return f"{seconds:,.1f} s{_parts(entry, name)}" + (", run without reasoning" if alone else "")


_PART_NAMES = {
    "validate.shacl": "pyshacl",
    "validate.checks": "checks",
    "write.turtle": "canonical Turtle",
    "write.nquads": "N-Quads",
    "write.report": "report",
}


def _parts(entry: dict[str, Any], name: str) -> str:
    """The traced parts of a finished phase (`validate.shacl` …), from the run in which it finished."""
    for key in ("build", "validate_only"):
        phases = (entry.get(key) or {}).get("phases", {})
        if phases.get(name, {}).get("finished"):
            parts = [
                f"{_PART_NAMES.get(part, part)} {info['seconds']:,.1f}"
                for part, info in phases.items()
                if part.startswith(name + ".")
            ]
            return f" ({', '.join(parts)})" if parts else ""
    return ""


def _store_row(entry: dict[str, Any]) -> list[str]:
    load = entry["store_load"]
    info: dict[str, Any] = next(iter(load.get("results", [])), {})
    bulk = load["phases"].get("bulk_load", {})
    return [
        f"{entry['asserted_triples']:,}",
        entry["release"],
        f"{info.get('quads', 0):,}",
        f"{bulk.get('seconds', 0):,.2f} s" if bulk.get("finished") else "did not finish",
        f"{load.get('peak_rss_mb', 0):,.0f} MB",
        f"{info.get('store_mb', 0):,.0f} MB",
    ]


def _latency_table(sizes: list[dict[str, Any]]) -> str:
    columns = [(entry, mode) for entry in sizes for mode in entry["latency"]]
    names = list(dict.fromkeys(r["query"] for entry, mode in columns for r in entry["latency"][mode]["results"]))
    names += [n for entry, mode in columns for n in entry["latency"][mode]["stopped"] if n not in names]
    header = ["query", *(f"{entry['asserted_triples']:,} · {mode}" for entry, mode in columns)]
    rows = [[name, *(_latency_cell(entry["latency"][mode], name) for entry, mode in columns)] for name in names]
    return table(header, rows)


def _latency_cell(latency: dict[str, Any], name: str) -> str:
    found = next((r for r in latency["results"] if r["query"] == name), None)
    if found is not None:
        cell = f"{found['p50_ms']:,.1f} / {found['p99_ms']:,.1f}"
        return cell + (" (one cold run)" if found["cold_only"] else f" (n={found['n']})" if found["n"] < 5 else "")
    if name in latency["stopped"]:
        return "**stopped**" if "did not finish" in latency["stopped"][name] else "not run"
    if "(the rest)" in latency["stopped"]:
        return "not run"
    return "—"


# -- HTTP -------------------------------------------------------------------------------------

HTTP_SERVERS = ("ours /sparql", "ours /api", "rdflib-endpoint", "oxigraph")


def http_markdown(http: dict[str, Any]) -> str:
    cells = {(m["server"], m["query"], m["concurrency"]): m for m in http["measurements"]}
    queries = list(dict.fromkeys(m["query"] for m in http["measurements"] if m["server"] != "floor"))
    concurrencies = sorted({m["concurrency"] for m in http["measurements"]})
    parts = ["### Servers", _servers_table(http)]
    if http.get("missing"):
        parts.append("Not measured: " + "; ".join(f"{k} ({v})" for k, v in http["missing"].items()))
    parts += ["### Targets (ratios within this run)", _targets_table(cells, queries, concurrencies)]
    for concurrency in concurrencies:
        parts += [
            f"### Concurrency {concurrency}: p50 / p99 latency (ms) and throughput (requests/s)",
            _per_query_table(cells, queries, concurrency),
        ]
    disagreements = [q for q, a in http["answers"].items() if not a["agree"]]
    if disagreements:
        parts.append("Answers whose size differs between servers: " + ", ".join(disagreements))
    return "\n\n".join(parts)


def _servers_table(http: dict[str, Any]) -> str:
    rows = [[name, f"{info.get('loaded_in_s', info['startup_s']):,.2f} s"] for name, info in http["servers"].items()]
    return table(["server", "ready (load included) in"], rows)


def _per_query_table(cells: dict[tuple[str, str, int], dict[str, Any]], queries: list[str], concurrency: int) -> str:
    floor = cells.get(("floor", "(constant)", concurrency))
    rows = [["(floor: constant answer)", *(_load_cell(floor if s == "ours /sparql" else None) for s in HTTP_SERVERS)]]
    rows += [[q, *(_load_cell(cells.get((s, q, concurrency))) for s in HTTP_SERVERS)] for q in queries]
    return table(["query", *HTTP_SERVERS], rows)


def _load_cell(m: dict[str, Any] | None) -> str:
    if m is None:
        return "—"
    if not m.get("ok"):
        return f"failed ({m['statuses'] or m['errors'][:1]})"
    return f"{m['p50_ms']:,.1f} / {m['p99_ms']:,.1f} · {m['throughput_rps']:,.0f}/s"


def _targets_table(
    cells: dict[tuple[str, str, int], dict[str, Any]], queries: list[str], concurrencies: list[int]
) -> str:
    high, low = max(concurrencies), min(concurrencies)
    floor = cells.get(("floor", "(constant)", low))
    rows = []
    for ours in ("ours /sparql", "ours /api"):
        rdflib = _ratios(cells, queries, ours, "rdflib-endpoint", high, "throughput_rps")
        oxigraph = _ratios(cells, queries, ours, "oxigraph", high, "throughput_rps")
        over_floor = [
            cells[(ours, q, low)]["p50_ms"] / floor["p50_ms"]
            for q in queries
            if floor and cells.get((ours, q, low), {}).get("ok")
        ]
        rows.append(
            [
                ours,
                _ratio_summary(rdflib, lambda r: r >= 10),
                _ratio_summary(over_floor, lambda r: r <= 2),
                _ratio_summary(oxigraph, lambda r: r >= 1 / 3),
            ]
        )
    return table(
        [
            "",
            f"throughput vs rdflib-endpoint, c={high} (target ≥ 10×)",
            f"p50 vs floor, c={low} (target ≤ 2×)",
            f"throughput vs Oxigraph server, c={high} (target ≥ ⅓×)",
        ],
        rows,
    )


def _ratios(
    cells: dict[tuple[str, str, int], dict[str, Any]],
    queries: list[str],
    ours: str,
    peer: str,
    concurrency: int,
    key: str,
) -> list[float]:
    out = []
    for q in queries:
        mine, theirs = cells.get((ours, q, concurrency)), cells.get((peer, q, concurrency))
        if mine and theirs and mine.get("ok") and theirs.get("ok") and theirs[key]:
            out.append(mine[key] / theirs[key])
    return out


def _ratio_summary(ratios: list[float], meets: Callable[[float], bool]) -> str:
    """Geometric mean and range over the queries, and on how many of them the target is met."""
    if not ratios:
        return "—"
    geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    met = sum(meets(r) for r in ratios)
    return f"{geo:,.2f}× (geo. mean; {min(ratios):,.2f}–{max(ratios):,.2f}×), met on {met}/{len(ratios)} queries"
