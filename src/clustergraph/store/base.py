"""The one small interface every store satisfies: the embedded Oxigraph and any remote
SPARQL 1.1 server.

The service talks only to `GraphStore`; the choice of backend is the `store` setting. Terms cross
the interface in the shape of SPARQL 1.1 JSON results (`Term`), so a remote server's answer and the
embedded store's look alike to the API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from rdflib.term import Identifier

TermType = Literal["uri", "literal", "bnode", "triple"]


@dataclass(frozen=True)
class Term:
    type: TermType
    value: str
    datatype: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class Solutions:
    """Rows of a SELECT (or the answer of an ASK, in `boolean`), at most `limit` of them."""

    variables: tuple[str, ...]
    rows: tuple[Mapping[str, Term], ...]
    truncated: bool = False
    boolean: bool | None = None


@dataclass(frozen=True)
class Dataset:
    """What a query sees: the SPARQL Protocol's default-graph-uri / named-graph-uri, or our default.

    With neither given, the default graph is the union of the asserted graphs, plus the inferred
    graph when `entailment` is on.
    """

    default_graphs: Sequence[str] = ()
    named_graphs: Sequence[str] = ()
    entailment: bool = True


@dataclass(frozen=True)
class SerializedResult:
    """A query answer already serialized by the store in `media_type`."""

    body: bytes
    media_type: str
    truncated: bool = False


class ChunkedResult:
    """A serialized answer handed over chunk by chunk, so that nobody holds it whole.

    Iterate to take the chunks; `close()` gives up the rest (the store stops whatever is sending
    them). Closing after the last chunk, or twice, does nothing. `body` is the whole answer when it
    came in one piece (then there is nothing to stream).
    """

    def __init__(
        self, media_type: str, truncated: bool, chunks: Iterator[bytes], close: Callable[[], None] | None = None
    ) -> None:
        self.media_type = media_type
        self.truncated = truncated
        self._chunks = chunks
        self._close = close
        self.body: bytes | None = None

    @classmethod
    def whole(cls, result: SerializedResult) -> ChunkedResult:
        chunked = cls(result.media_type, result.truncated, iter((result.body,)))
        chunked.body = result.body
        return chunked

    def __iter__(self) -> Iterator[bytes]:
        return self._chunks

    def close(self) -> None:
        if self._close is not None:
            self._close()


class Cancellation(Protocol):
    """What stops a query once set (its client has left): read by the threads and the loop that run
    the query, never waited on. A `threading.Event` is one; `Cancel` is the cheap one."""

    def set(self) -> None: ...

    def is_set(self) -> bool: ...


class Cancel:
    """A `Cancellation` that is only a flag: setting or reading a bool needs no lock under the GIL,
    and nothing waits on it, so it needs no condition variable either. Every `/sparql` request makes
    one: 84 ns against a `threading.Event`'s 1.98 µs (`python -m timeit -s "from clustergraph.store.base
    import Cancel" "Cancel()"`, and the same for `threading.Event()`)."""

    __slots__ = ("_set",)

    def __init__(self) -> None:
        self._set = False

    def set(self) -> None:
        self._set = True

    def is_set(self) -> bool:
        return self._set


@dataclass(frozen=True)
class QueryRequest:
    """One query: its text, terms bound to its variables, the dataset, and at most `limit` rows
    (never more than the store's `max_results`). Setting `cancel` stops the query: the client
    has gone. `trusted` is for text this project wrote (named queries, pages); a client's SPARQL is
    not, and runs only where the store can keep it off the network, on capacity of its own (so that
    it cannot starve the service's own queries and pages). Relative IRIs resolve against `base_iri`.
    `alone`: no other client's query runs in this server meanwhile, so the store may wait for the
    answer without yielding the event loop (`store.worker.WorkerPool`, `answer_spin_us`)."""

    text: str
    bindings: Mapping[str, Identifier] = field(default_factory=dict)
    dataset: Dataset = field(default_factory=Dataset)
    limit: int | None = None
    cancel: Cancellation | None = field(default=None, compare=False)
    trusted: bool = False
    base_iri: str | None = None
    alone: bool = False


class GraphStore(Protocol):
    @property
    def isolation(self) -> str:
        """What keeps clients' queries from reaching the network, for /health and /metrics."""
        ...

    def solutions(self, request: QueryRequest) -> Solutions:
        """Run a SELECT or ASK and return its rows as terms."""
        ...

    def serialized(self, request: QueryRequest, media_type: str) -> SerializedResult:
        """Run any query form and serialize its answer as `media_type`."""
        ...

    def stream(self, request: QueryRequest, media_type: str) -> ChunkedResult:
        """`serialized`, handed over in chunks: the caller must iterate to the end or close it."""
        ...

    def probe(self, timeout_s: float) -> None:
        """Ask the store a trivial query within `timeout_s`; StoreError (or QueryTimeout) if it cannot answer."""
        ...

    def state(self) -> Mapping[str, Mapping[str, int]]:
        """Capacity by pool (`size`, `busy`, `restarts`, ...), for /health and /metrics."""
        ...

    def graph(self, name: str | None, media_type: str, *, entailment: bool = True) -> bytes:
        """One named graph, or the default graph (`None`, as `Dataset(entailment=...)` defines it),
        serialized whole: the Graph Store Protocol's GET. ResourceNotFound for an unknown graph."""
        ...

    def graph_names(self) -> Sequence[str]:
        """The named graphs, sorted."""
        ...

    def close(self) -> None: ...


class Departure(Protocol):
    """Whether the client that asked has left (an `asyncio.Future` that completes then is one)."""

    def done(self) -> bool: ...


@runtime_checkable
class StreamsOnLoop(Protocol):
    """A store that can run `stream` on the event loop itself (the embedded store): no thread hop.
    Other stores' `stream` runs on a thread."""

    async def stream_async(
        self, request: QueryRequest, media_type: str, gone: Departure | None = None
    ) -> ChunkedResult:
        """`GraphStore.stream`, awaited; `gone` is done once the client has left, which stops the query."""
        ...
