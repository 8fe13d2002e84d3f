"""A remote store: any SPARQL 1.1 Protocol server (Fuseki, GraphDB, Virtuoso, QLever, Oxigraph),
by URL.

The same guard as the embedded store runs first: a remote server is no licence to pass untrusted
queries through (Oxigraph's own server aborts on deep nesting and fetches SERVICE URLs), and no call
of a function outside SPARQL and XSD is passed on, since a server's extensions may reach files or
the network. Solutions are asked for as SPARQL JSON results and triples as N-Triples, and read as
they stream in, up to the row limit, after which the connection is dropped; Oxigraph then writes the
format the client wanted. How answers are read, and where engines' answers differ (Virtuoso's), is
`remote_answers.py`.

Untrusted queries (from `/sparql`) and the API's own go through separate, bounded capacity (at most
`query_workers` and `api_workers` requests at once), as on the embedded store. Answers are bounded
in bytes as well as rows while they stream in; unlike the embedded store's, they are then held
whole (at most `max_answer_bytes`) to be rewritten in the format asked for.

A string written with the datatype xsd:string (`"a"^^xsd:string`) is sent as the plain string it is
in RDF 1.1 (`as_sent`): Virtuoso tells the two apart, and finds no typed one in the release.

As the embedded store declares the project's prefixes for every query and resolves relative IRIs
against the endpoint's URL, a query sent on gets one leading line with a `BASE` and a `PREFIX` for
each project prefix it uses without declaring (so a remote server's error positions are one line on).

The protocol has no way to pass bindings, so bound terms travel as a `VALUES` block at the start
of the WHERE clause's group, each term written by pyoxigraph in N-Triples syntax (from which a value
cannot escape): the group's FILTERs, BINDs and OPTIONALs see them bound, as with the embedded store's
substitution. Only a query whose WHERE clause the scanner cannot place (`CONSTRUCT WHERE`) gets them
as a trailing `VALUES` clause, which joins after the FILTERs have run.

A server may hold graphs of its own (Virtuoso always does): the store sees only the project's,
those under `https://w3id.org/clustergraph/graph/`. `remote_load.py` puts a release into a server.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TypeVar

import httpx
import pyoxigraph as ox

from clustergraph.dataset import default_graph_names
from clustergraph.errors import (
    QueryCancelled,
    QueryFailed,
    QueryParameterError,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    ResourceNotFound,
    StoreError,
)
from clustergraph.namespaces import GRAPH, PREFIXES
from clustergraph.settings import Settings
from clustergraph.store.base import (
    Cancellation,
    ChunkedResult,
    Dataset,
    QueryRequest,
    SerializedResult,
    Solutions,
    Term,
)
from clustergraph.store.formats import N_TRIPLES, SPARQL_JSON
from clustergraph.store.guard import Limits, QueryInfo, inspect_query
from clustergraph.store.remote_answers import AnswerStream, boolean, rows_as_tsv, spaced_ntriples, syntax_error
from clustergraph.store.results import TRIPLES_NOT_ROWS, LineBudget, boolean_as, solutions_as, triples_as
from clustergraph.store.syntax import may_have_relative_iris
from clustergraph.store.terms import from_oxigraph, from_rdflib, to_oxigraph

QUERY_DIR = Path(__file__).parent / "queries"
_ERROR_TEXT = 2000
_POSITION = re.compile(r"^error at (\d+):")
_DECLARED = re.compile(r"PREFIX\s+([^\s:]*):", re.IGNORECASE)
PROBE = "ASK {}"
_JSON_PER_TSV = 4  # SPARQL JSON is longer than the TSV it becomes: reading stops at this multiple of the limit
T = TypeVar("T")


class _Capacity:
    """At most `size` requests at once; waiting for a turn is bounded by `timeout_s`."""

    def __init__(self, name: str, size: int, timeout_s: float) -> None:
        self._name = name
        self._size = size
        self._timeout_s = timeout_s
        self._slots = threading.BoundedSemaphore(size)
        self._busy = 0

    @contextmanager
    def turn(self) -> Iterator[None]:
        if not self._slots.acquire(timeout=self._timeout_s):
            raise QueryTimeout(f"all {self._size} connections for {self._name} stayed busy for {self._timeout_s:g} s")
        self._busy += 1
        try:
            yield
        finally:
            self._busy -= 1
            self._slots.release()

    def state(self) -> dict[str, int]:
        return {"size": self._size, "busy": self._busy}


class RemoteStore:
    def __init__(self, settings: Settings) -> None:
        if not settings.remote_query_url:
            raise StoreError("the remote store needs CLUSTERGRAPH_REMOTE_QUERY_URL (its SPARQL query endpoint)")
        self._url = settings.remote_query_url
        self._timeout_s = settings.query_timeout_s
        self._limits = Limits(settings.max_query_bytes, settings.max_query_depth)
        self._max_results = settings.max_results
        self._max_bytes = settings.max_answer_bytes
        self._api = _Capacity("the API", settings.api_workers, settings.query_timeout_s)
        self._sparql = _Capacity("/sparql", settings.query_workers, settings.query_timeout_s)
        self._client = httpx.Client(
            timeout=httpx.Timeout(settings.query_timeout_s),
            follow_redirects=False,
            limits=httpx.Limits(max_connections=settings.api_workers + settings.query_workers + 1),
        )
        self._graph_names: tuple[str, ...] | None = None

    def solutions(self, request: QueryRequest) -> Solutions:
        info = self._inspect(request.text)
        if info.form == "ASK":
            return Solutions((), (), boolean=bool(self._ask(request, info)))
        if info.form in ("CONSTRUCT", "DESCRIBE"):
            raise QueryFailed(TRIPLES_NOT_ROWS)
        limit = self._limit(request)
        tsv, truncated = self._fetch(request, info, SPARQL_JSON, self._rows(limit + 1))
        parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
        assert isinstance(parsed, ox.QuerySolutions)
        variables = tuple(v.value for v in parsed.variables)
        rows = tuple(
            {name: from_oxigraph(term) for name, term in zip(variables, solution, strict=True) if term is not None}
            for solution in parsed
        )
        return Solutions(variables, rows, truncated=truncated)

    def serialized(self, request: QueryRequest, media_type: str) -> SerializedResult:
        info = self._inspect(request.text)
        if info.form == "ASK":
            return boolean_as(self._ask(request, info), media_type)
        limit = self._limit(request)
        if info.form in ("CONSTRUCT", "DESCRIBE"):
            ntriples, truncated = self._fetch(request, info, N_TRIPLES, self._lines(limit))
            return triples_as(spaced_ntriples(ntriples), media_type, truncated, self._max_bytes)
        tsv, truncated = self._fetch(request, info, SPARQL_JSON, self._rows(limit + 1))
        return solutions_as(tsv, media_type, truncated, self._max_bytes)

    def stream(self, request: QueryRequest, media_type: str) -> ChunkedResult:
        return ChunkedResult.whole(self.serialized(request, media_type))

    def probe(self, timeout_s: float) -> None:
        """`ASK {}` sent to the remote server, which must answer within `timeout_s`."""
        try:
            response = self._client.post(
                self._url, data={"query": PROBE}, headers={"Accept": SPARQL_JSON}, timeout=timeout_s
            )
        except httpx.TimeoutException:
            raise QueryTimeout(f"the remote store did not answer a probe within {timeout_s:g} s") from None
        except httpx.TransportError as error:
            raise StoreError(f"the remote store at {self._url} is unreachable: {error}") from None
        if response.status_code != httpx.codes.OK:
            raise StoreError(f"the remote store at {self._url} answered a probe with {response.status_code}")

    def state(self) -> Mapping[str, Mapping[str, int]]:
        return {"api": self._api.state(), "sparql": self._sparql.state()}

    def graph(self, name: str | None, media_type: str, *, entailment: bool = True) -> bytes:
        if name is not None and name not in self.graph_names():
            raise ResourceNotFound(f"no graph {name}; the graphs are: {', '.join(self.graph_names())}")
        graphs = [name] if name is not None else self._default_graphs(entailment)
        all_triples = _query_text("all-triples")
        body, _ = self._post(all_triples, {"default-graph-uri": graphs}, N_TRIPLES, self._lines(None), None)
        return triples_as(spaced_ntriples(body), media_type, False).body

    def graph_names(self) -> Sequence[str]:
        """The project's named graphs on the server (a server may hold others: Virtuoso always does)."""
        if self._graph_names is None:
            tsv, _ = self._post(_query_text("graph-names"), {}, SPARQL_JSON, self._rows(None), None)
            parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
            assert isinstance(parsed, ox.QuerySolutions)
            names = (s[0].value for s in parsed if isinstance(s[0], ox.NamedNode))
            self._graph_names = tuple(sorted(name for name in names if name.startswith(str(GRAPH))))
        return self._graph_names

    @property
    def isolation(self) -> str:
        """The remote server runs the queries: only the guard stands between them and its network."""
        return "remote-guard-only"

    def close(self) -> None:
        self._client.close()

    def _inspect(self, text: str) -> QueryInfo:
        """The guard, and one rule more for a server we do not know: no extension function, since a
        server's own (Virtuoso's `bif:`, say) may read files or fetch URLs."""
        info = inspect_query(text, self._limits)
        if info.extension_functions:
            raise QueryRefused(
                f"this service does not pass calls of {', '.join(info.extension_functions)[:200]} to its store: "
                "only SPARQL's own functions and XSD casts are allowed"
            )
        return info

    def _ask(self, request: QueryRequest, info: QueryInfo) -> ox.QueryBoolean:
        body, _ = self._fetch(request, info, SPARQL_JSON, self._lines(None))
        return boolean(body, self._url)

    def _rows(self, lines: int | None) -> Callable[[Iterator[bytes]], tuple[bytes, bool]]:
        """A reader of SPARQL JSON solutions into at most `lines` lines of SPARQL TSV."""
        return lambda chunks: rows_as_tsv(
            AnswerStream(chunks, _JSON_PER_TSV * self._max_bytes), lines, self._max_bytes, self._url
        )

    def _lines(self, lines: int | None) -> Callable[[Iterator[bytes]], tuple[bytes, bool]]:
        """A reader of a line-based answer (N-Triples, or a short JSON boolean) keeping `lines` lines."""

        def read(chunks: Iterator[bytes]) -> tuple[bytes, bool]:
            sink = LineBudget(lines, self._max_bytes)
            sink.feed(chunks)
            return sink.value(), sink.truncated

        return read

    def _fetch(self, request: QueryRequest, info: QueryInfo, accept: str, read: Callable[[Iterator[bytes]], T]) -> T:
        bindings = {name: from_rdflib(term) for name, term in request.bindings.items()}
        text = as_sent(request.text, bindings, info)
        sent = with_prologue(text, request.base_iri)
        params = _dataset_params(request.dataset, self._default_graphs(request.dataset.entailment), info)
        with (self._api if request.trusted else self._sparql).turn():
            return self._post(sent, params, accept, read, request.cancel, (text, int(sent != text)))

    def _post(
        self,
        text: str,
        params: Mapping[str, list[str]],
        accept: str,
        read: Callable[[Iterator[bytes]], T],
        cancel: Cancellation | None,
        written: tuple[str, int] | None = None,
    ) -> T:
        """POST `text` and `read` the answer's chunks as they come; `written` is the query as the
        client wrote it and the lines put before it."""
        deadline = time.monotonic() + self._timeout_s
        try:
            with self._client.stream(
                "POST", self._url, data={"query": text, **params}, headers={"Accept": accept}
            ) as response:
                if response.status_code != httpx.codes.OK:
                    raise _error_for(response, self._url, written or (text, 0))
                return read(_chunks(response, deadline, cancel, self._timeout_s))
        except httpx.TimeoutException:
            stopped = f"the query was stopped: the remote store did not answer within {self._timeout_s:g} s"
            raise QueryTimeout(stopped) from None
        except httpx.TransportError as error:
            raise StoreError(f"the remote store at {self._url} is unreachable: {error}") from None

    def _limit(self, request: QueryRequest) -> int:
        return min(request.limit or self._max_results, self._max_results)

    def _default_graphs(self, entailment: bool) -> list[str]:
        return default_graph_names(self.graph_names(), entailment=entailment)


def as_sent(text: str, bindings: Mapping[str, Term], info: QueryInfo) -> str:
    """The query as a remote server gets it, edited where the scanner found the places: its bindings
    in a VALUES block (see the module docstring), and `"a"^^xsd:string` written `"a"`, the same
    literal in RDF 1.1 but not in Virtuoso, where the typed one matches none of the plain strings that
    the release stores."""
    edits = [(start, end, "") for start, end in info.string_datatypes]
    if bindings and info.where_group is not None:
        edits.append((info.where_group, info.where_group, f" {values_block(bindings)} "))
    for start, end, insert in sorted(edits, reverse=True):
        text = text[:start] + insert + text[end:]
    if bindings and info.where_group is None:
        if info.has_trailing_values:
            raise QueryFailed("a query that ends with its own VALUES clause cannot take bound parameters remotely")
        text = f"{text}\n{values_block(bindings)}\n"
    return text


def values_block(bindings: Mapping[str, Term]) -> str:
    if any(term.type not in ("uri", "literal") for term in bindings.values()):
        raise QueryParameterError("only IRIs and literals can be bound on a remote store")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(str(to_oxigraph(term)) for term in bindings.values())
    return f"VALUES ({names}) {{ ({values}) }}"


def with_prologue(text: str, base_iri: str | None) -> str:
    """The query after one line declaring its base and the project prefixes it uses but does not declare."""
    declared = {match.lower() for match in _DECLARED.findall(text)}
    used = [p for p in PREFIXES if p not in declared and re.search(rf"(?<![\w.:-]){re.escape(p)}:", text)]
    base = [f"BASE <{base_iri}>"] if base_iri and may_have_relative_iris(text) else []
    prologue = base + [f"PREFIX {p}: <{PREFIXES[p]}>" for p in used]
    return f"{' '.join(prologue)}\n{text}" if prologue else text


def _dataset_params(dataset: Dataset, default: Sequence[str], info: QueryInfo | None = None) -> dict[str, list[str]]:
    """The protocol's dataset parameters: the request's; none for a query with FROM; or ours."""
    if dataset.default_graphs or dataset.named_graphs:
        return {
            "default-graph-uri": list(dataset.default_graphs),
            "named-graph-uri": list(dataset.named_graphs),
        }
    if info is not None and info.has_dataset:
        return {}
    return {"default-graph-uri": list(default), "named-graph-uri": list(default)}


def _chunks(
    response: httpx.Response, deadline: float, cancel: Cancellation | None, timeout_s: float
) -> Iterator[bytes]:
    for chunk in response.iter_bytes():
        if cancel is not None and cancel.is_set():
            raise QueryCancelled("the client went away")
        if time.monotonic() > deadline:
            raise QueryTimeout(f"the query was stopped: the remote store's answer took longer than {timeout_s:g} s")
        yield chunk


def _error_for(response: httpx.Response, url: str, written: tuple[str, int]) -> Exception:
    """The error for a refusal: a 400 is the query's fault (said readably, with positions in the
    query as the client wrote it), anything else the store's."""
    response.read()
    message = response.text.strip()[:_ERROR_TEXT]
    if response.status_code == httpx.codes.BAD_REQUEST:
        text, shift = written
        message = _POSITION.sub(lambda m: f"error at {max(int(m[1]) - shift, 1)}:", message, count=1)
        return QuerySyntaxError(syntax_error(message, text, shift) if message else "the remote store refused the query")
    return StoreError(f"the remote store at {url} answered {response.status_code}: {message}")


@cache
def _query_text(name: str) -> str:
    return (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")
