"""Per-client concurrency on `/sparql`: each client address may have only so many queries running.

The count lives on the event loop (only coroutines touch it), so it needs no lock. A query holds its
place from the moment it is accepted until the last byte of its answer has been sent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from clustergraph.errors import TooManyQueries


class ClientSlots:
    def __init__(self, per_client: int) -> None:
        self._per_client = per_client
        self._running: Counter[str] = Counter()
        self._total = 0

    def take(self, client: str) -> Callable[[], None]:
        """A place for one query of `client`, and the call that gives it back (once; more is harmless)."""
        if self._running[client] >= self._per_client:
            raise TooManyQueries(f"this client already has {self._per_client} queries running; wait for one to finish")
        self._running[client] += 1
        self._total += 1
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self._total -= 1
                self._running[client] -= 1
                if not self._running[client]:
                    del self._running[client]

        return release

    def running(self) -> int:
        """The queries running now, of every client."""
        return self._total
