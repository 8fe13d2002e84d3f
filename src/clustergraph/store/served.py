"""Which release version answered a request: the store notes it as it runs the request's queries, so
the response can name exactly that version (during a swap, the old and the new one both answer)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_SERVED: ContextVar[dict[str, str] | None] = ContextVar("served_release", default=None)


@contextmanager
def noting_release() -> Iterator[dict[str, str]]:
    """Collect, in the returned dict (key "digest"), the version that answers within this context.

    A dict rather than a value: the store runs in worker threads, on copies of this context that
    share the dict but not their own assignments.
    """
    served: dict[str, str] = {}
    token = _SERVED.set(served)
    try:
        yield served
    finally:
        _SERVED.reset(token)


def note_release(digest: str) -> None:
    served = _SERVED.get()
    if served is not None:
        served["digest"] = digest
