"""The worker's side of tracing: phases and results reported as JSON lines on stdout, read by `traced`.

A phase named `outer.inner` is a part of `outer` (such as `validate.shacl`); only top-level phases have a
time budget. A phase entered several times (pyshacl runs once for the ontology, once for the data) reports
its total time.
"""

from __future__ import annotations

import functools
import json
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

NESTED = "."

_P = ParamSpec("_P")
_R = TypeVar("_R")
_totals: dict[str, float] = {}


def emit(kind: str, **fields: Any) -> None:
    print(json.dumps({"kind": kind, **fields}, ensure_ascii=False), flush=True)


def result(data: dict[str, Any]) -> None:
    emit("result", data=data)


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def phase(name: str) -> Iterator[None]:
    emit("start", phase=name)
    start = time.perf_counter()
    try:
        yield
    finally:
        _totals[name] = _totals.get(name, 0.0) + time.perf_counter() - start
        emit("end", phase=name, seconds=_totals[name], peak_rss_mb=round(peak_rss_mb(), 1))


def traced(name: str, function: Callable[_P, _R]) -> Callable[_P, _R]:
    """`function`, reporting each call as phase `name`: how the benchmark sees inside the real build()."""

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with phase(name):
            return function(*args, **kwargs)

    return wrapper
