"""The real SPARQL servers of `benchmarks/engines.py` as pytest sees them: a test parameter per engine
(a test that runs a server is slow), and a session's servers, each started on first use. An engine
not installed here skips the tests that need it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from benchmarks.engines import ENGINES, Engine, EngineMissing

REMOTE_ENGINES = [pytest.param(name, marks=pytest.mark.slow) for name in ENGINES]


class Engines:
    """Servers started on first use, one per engine, all stopped by `close()`."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self._tmp = tmp_path_factory
        self._running: dict[str, Engine] = {}
        self._stack = ExitStack()

    def __getitem__(self, name: str) -> Engine:
        if name not in self._running:
            self._running[name] = self._stack.enter_context(started(name, self._tmp.mktemp(name)))
        return self._running[name]

    def close(self) -> None:
        self._stack.close()


@contextmanager
def started(name: str, tmp: Path) -> Iterator[Engine]:
    """`name`'s server in `tmp`, or the test skipped where it is not installed."""
    try:
        with ENGINES[name](tmp) as engine:
            yield engine
    except EngineMissing as missing:
        pytest.skip(str(missing))
