"""`python -m benchmarks.checks`: what each quality check costs per source, as the build runs it.

The build runs every `queries/checks/*-violation.rq` once per source, over the ontology's graph and that
source's as the default graph, in one store holding all of them (`validate._run_checks_per_source`).
This loads a project the same way, then times each check over every source, best of `--repeat`, and
prints milliseconds per source, dearest first; `--query FILE` times another text of a check beside them
(e.g. a rewrite, before it replaces the check).

    .venv/bin/python -m benchmarks.checks --project build/benchmarks/releases/article-x60 --sources 10
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pyoxigraph as ox

from clustergraph.compile.load import load_project
from clustergraph.compile.validate import _checks, _quads


def per_source_ms(project: Path, sources: int, repeat: int, extra: list[Path]) -> dict[str, float]:
    loaded = load_project(project)
    names = sorted(loaded.data)[:sources]
    store = ox.Store()
    schema = ox.BlankNode()
    store.extend(_quads(loaded.ontology, schema))
    graphs = {name: ox.BlankNode() for name in names}
    for name in names:
        store.extend(_quads(loaded.data[name], graphs[name]))
    texts = {check.name: check.text for check in _checks(project / "queries" / "checks")}
    texts.update({str(path): path.read_text(encoding="utf-8") for path in extra})
    timings = {}
    for label, text in texts.items():
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            for name in names:
                rows = store.query(text, default_graph=[schema, graphs[name]])
                assert isinstance(rows, ox.QuerySolutions), f"{label}: a quality check is a SELECT query"
                list(rows)
            best = min(best, time.perf_counter() - started)
        timings[label] = round(best / len(names) * 1000, 2)
    return dict(sorted(timings.items(), key=lambda item: -item[1]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--project", type=Path, default=Path("."))
    parser.add_argument("--sources", type=int, default=10, help="how many sources (in name order) to time")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--query", type=Path, action="append", default=[], help="another check text to time")
    args = parser.parse_args(argv)
    for label, ms in per_source_ms(args.project, args.sources, args.repeat, args.query).items():
        print(f"{ms:8.2f} ms per source  {label}")


if __name__ == "__main__":
    main()
