"""`python -m benchmarks` (`make bench`): run the benchmarks, write raw JSON to benchmarks/results/, print Markdown.

python -m benchmarks                      everything: scale at 10^4, 10^5, 10^6, then HTTP
python -m benchmarks --quick              a smoke run: scale at 10^4 only, short HTTP runs
python -m benchmarks --only scale --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.http import HttpConfig, run_http
from benchmarks.latency import LatencyPlan
from benchmarks.report import http_markdown, scale_markdown
from benchmarks.scale import ScaleConfig, run_scale
from benchmarks.synthetic import MANIFEST_FILE, Manifest

REPOSITORY = Path(__file__).resolve().parents[1]
RESULTS_DIR = Path(__file__).resolve().parent / "results"
WORK_DIR = REPOSITORY / "build" / "benchmarks"
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
_PACKAGES = (
    "rdflib",
    "owlrl",
    "pyshacl",
    "pyoxigraph",
    "oxigraph",
    "fastapi",
    "starlette",
    "uvicorn",
    "uvloop",
    "httptools",
    "rdflib-endpoint",
)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: 10^4 triples only, short HTTP runs")
    parser.add_argument("--only", choices=("scale", "http"), help="run one part only")
    parser.add_argument("--sizes", type=int, nargs="+", help="target sizes in asserted triples")
    parser.add_argument("--budget", type=float, default=900.0, help="seconds for all compile runs together")
    parser.add_argument("--phase-budget", type=float, default=300.0, help="seconds for any one compile phase")
    parser.add_argument("--queries", nargs="+", help="HTTP: only these queries (`cases`, `raw:triple-count` …)")
    parser.add_argument(
        "--http-release",
        type=Path,
        default=REPOSITORY / "release",
        help="the release the HTTP servers serve (default: the repository's; a synthetic one works too)",
    )
    return parser.parse_args(argv)


def machine() -> dict[str, Any]:
    """What the figures were measured on: they mean little without it."""
    versions: dict[str, str | None] = {}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": _cpus(),
        "cpu_model": _cpu_model(),
        "memory_gb": round(_meminfo_kb("MemTotal") / 2**20, 1),
        "packages": versions,
    }


def _cpus() -> int:
    return int(subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout)


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def _meminfo_kb(key: str) -> int:
    for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def write_results(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def http_config(args: argparse.Namespace) -> HttpConfig:
    """The repository's release with its queries' own examples, or a synthetic release with its manifest's."""
    project = args.http_release.resolve().parent / "project"
    synthetic = (project / MANIFEST_FILE).is_file()
    return HttpConfig(
        release_dir=args.http_release.resolve(),
        queries_dir=(project if synthetic else REPOSITORY) / "queries",
        work_dir=WORK_DIR / "http",
        max_requests=100 if args.quick else 3000,
        max_seconds=1.0 if args.quick else 2.0,
        only_queries=tuple(args.queries or ()),
        examples=Manifest.read(project).examples if synthetic else None,
    )


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    results: dict[str, Any] = {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine()}
    out = RESULTS_DIR / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    sections: list[str] = []
    if args.only in (None, "scale"):
        sizes = tuple(args.sizes or ((10_000,) if args.quick else DEFAULT_SIZES))
        config = ScaleConfig(
            sizes=sizes,
            work_dir=WORK_DIR,
            budget_s=args.budget,
            phase_budget_s=args.phase_budget,
            latency=LatencyPlan(runs=10, cap_s=1.0, budget_s=120.0) if args.quick else LatencyPlan(),
        )
        results["scale"] = run_scale(
            config, checkpoint=lambda partial: write_results(out, {**results, "scale": partial})
        )
        sections.append(scale_markdown(results["scale"]))
    if args.only in (None, "http"):
        results["http"] = run_http(http_config(args))
        sections.append(http_markdown(results["http"]))
    write_results(out, results)
    print("\n\n".join(sections))
    print(f"\nraw results: {out.relative_to(REPOSITORY)}")


if __name__ == "__main__":
    main(sys.argv[1:])
