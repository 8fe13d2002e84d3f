"""Which release version answered a request: the store notes it as it runs the request's queries, so
the response can name exactly that version (during a swap, the old and the new one both answer)."""

from __future__ import annotations

from contextvars import ContextVar

_SERVED: ContextVar[dict[str, str] | None] = ContextVar("served_release", default=None)


class ServedRelease:
    """Collect, in the dict `with` gives (key "digest"), the version that answers within this context.

    A dict rather than a value: the store runs in worker threads, on copies of this context that
    share the dict but not their own assignments. A class rather than a generator function: entered
    on every request, `with ServedRelease(): pass` takes 325 ns, the same under `contextlib.contextmanager`
    1.08 µs (`python -m timeit`).
    """

    __slots__ = ("_served", "_token")

    def __enter__(self) -> dict[str, str]:
        self._served: dict[str, str] = {}
        self._token = _SERVED.set(self._served)
        return self._served

    def __exit__(self, *exc_info: object) -> None:
        _SERVED.reset(self._token)


def note_release(digest: str) -> None:
    served = _SERVED.get()
    if served is not None:
        served["digest"] = digest
