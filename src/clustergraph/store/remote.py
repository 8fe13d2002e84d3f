"""A remote store: any SPARQL 1.1 Protocol server (Fuseki, GraphDB, Virtuoso, QLever, Oxigraph),
by URL.

The same guard as the embedded store runs first: a remote server is no licence to pass untrusted
queries through (Oxigraph's own server aborts on deep nesting and fetches SERVICE URLs), and no call
of a function outside SPARQL and XSD is passed on, since a server's extensions may reach files or
the network. Answers are
asked for in line-based formats (SPARQL TSV, N-Triples) and read as they stream in, up to the row
limit, after which the connection is dropped; Oxigraph then writes the format the client wanted.

Untrusted queries (from `/sparql`) and the API's own go through separate, bounded capacity (at most
`query_workers` and `api_workers` requests at once), as on the embedded store. Answers are bounded
in bytes as well as rows while they stream in; unlike the embedded store's, they are then held
whole (at most `max_answer_bytes`) to be rewritten in the format asked for.

As the embedded store declares the project's prefixes for every query and resolves relative IRIs
against the endpoint's URL, a query sent on gets one leading line with a `BASE` and a `PREFIX` for
each project prefix it uses without declaring (so a remote server's error positions are one line on).

The protocol has no way to pass bindings, so bound terms travel as a trailing `VALUES` clause, each
term written by pyoxigraph in N-Triples syntax (from which a value cannot escape). Its meaning
equals the embedded store's substitution for variables the query projects, which is what Oxigraph's
substitution requires anyway.

`load_remote` puts a release into the server with the Graph Store Protocol: one PUT per named graph,
and a DELETE for each graph the server holds that the release no longer has.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import httpx
import pyoxigraph as ox

from clustergraph.dataset import default_graph_names, load_release
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
from clustergraph.namespaces import PREFIXES
from clustergraph.settings import Settings
from clustergraph.store.base import ChunkedResult, Dataset, QueryRequest, SerializedResult, Solutions, Term
from clustergraph.store.formats import N_TRIPLES, SPARQL_JSON, TSV
from clustergraph.store.guard import Limits, QueryInfo, inspect_query
from clustergraph.store.results import TRIPLES_NOT_ROWS, LineBudget, boolean_as, solutions_as, triples_as
from clustergraph.store.syntax import may_have_relative_iris, readable
from clustergraph.store.terms import from_oxigraph, from_rdflib, to_oxigraph

QUERY_DIR = Path(__file__).parent / "queries"
LOAD_TIMEOUT_S = 600.0
_ERROR_TEXT = 2000
_POSITION = re.compile(r"^error at (\d+):")
_DECLARED = re.compile(r"PREFIX\s+([^\s:]*):", re.IGNORECASE)
PROBE = "ASK {}"


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
        tsv, truncated = self._fetch(request, info, TSV, limit + 1)
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
            ntriples, truncated = self._fetch(request, info, N_TRIPLES, limit)
            return triples_as(ntriples, media_type, truncated, self._max_bytes)
        tsv, truncated = self._fetch(request, info, TSV, limit + 1)
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
        body, _ = self._post(_query_text("all-triples"), {"default-graph-uri": graphs}, N_TRIPLES, None, None)
        return triples_as(body, media_type, False).body

    def graph_names(self) -> Sequence[str]:
        if self._graph_names is None:
            tsv, _ = self._post(_query_text("graph-names"), {}, TSV, None, None)
            parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
            assert isinstance(parsed, ox.QuerySolutions)
            self._graph_names = tuple(sorted(s[0].value for s in parsed if isinstance(s[0], ox.NamedNode)))
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
        body, _ = self._fetch(request, info, SPARQL_JSON, None)
        parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        if not isinstance(parsed, ox.QueryBoolean):
            raise StoreError(f"the remote store at {self._url} answered an ASK query with solutions")
        return parsed

    def _fetch(self, request: QueryRequest, info: QueryInfo, accept: str, lines: int | None) -> tuple[bytes, bool]:
        bindings = {name: from_rdflib(term) for name, term in request.bindings.items()}
        text = with_values(request.text, bindings, info)
        sent = with_prologue(text, request.base_iri)
        params = _dataset_params(request.dataset, self._default_graphs(request.dataset.entailment), info)
        with (self._api if request.trusted else self._sparql).turn():
            return self._post(sent, params, accept, lines, request.cancel, (text, int(sent != text)))

    def _post(
        self,
        text: str,
        params: Mapping[str, list[str]],
        accept: str,
        lines: int | None,
        cancel: threading.Event | None,
        written: tuple[str, int] | None = None,
    ) -> tuple[bytes, bool]:
        """POST `text`; `written` is the query as the client wrote it and the lines put before it."""
        deadline = time.monotonic() + self._timeout_s
        try:
            with self._client.stream(
                "POST", self._url, data={"query": text, **params}, headers={"Accept": accept}
            ) as response:
                if response.status_code != httpx.codes.OK:
                    raise _error_for(response, self._url, written or (text, 0))
                sink = LineBudget(lines, self._max_bytes)
                sink.feed(_chunks(response, deadline, cancel, self._timeout_s))
                return sink.value(), sink.truncated
        except httpx.TimeoutException:
            raise QueryTimeout(f"the remote store did not answer within {self._timeout_s:g} s") from None
        except httpx.TransportError as error:
            raise StoreError(f"the remote store at {self._url} is unreachable: {error}") from None

    def _limit(self, request: QueryRequest) -> int:
        return min(request.limit or self._max_results, self._max_results)

    def _default_graphs(self, entailment: bool) -> list[str]:
        return default_graph_names(self.graph_names(), entailment=entailment)


def with_values(text: str, bindings: Mapping[str, Term], info: QueryInfo) -> str:
    """The query with its bindings as a trailing VALUES clause (see the module docstring)."""
    if not bindings:
        return text
    if info.has_trailing_values:
        raise QueryFailed("a query that ends with its own VALUES clause cannot take bound parameters remotely")
    if any(term.type not in ("uri", "literal") for term in bindings.values()):
        raise QueryParameterError("only IRIs and literals can be bound on a remote store")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(str(to_oxigraph(term)) for term in bindings.values())
    return f"{text}\nVALUES ({names}) {{ ({values}) }}\n"


def with_prologue(text: str, base_iri: str | None) -> str:
    """The query after one line declaring its base and the project prefixes it uses but does not declare."""
    declared = {match.lower() for match in _DECLARED.findall(text)}
    used = [p for p in PREFIXES if p not in declared and re.search(rf"(?<![\w.:-]){re.escape(p)}:", text)]
    base = [f"BASE <{base_iri}>"] if base_iri and may_have_relative_iris(text) else []
    prologue = base + [f"PREFIX {p}: <{PREFIXES[p]}>" for p in used]
    return f"{' '.join(prologue)}\n{text}" if prologue else text


def load_remote(settings: Settings) -> dict[str, int]:
    """Put the release's named graphs into the remote Graph Store; the triples per graph."""
    if not settings.remote_store_url:
        raise StoreError(
            "loading a remote store needs CLUSTERGRAPH_REMOTE_STORE_URL (its Graph Store Protocol endpoint)"
        )
    release = load_release(settings.release_path)
    graphs = sorted(g.value for g in release.named_graphs() if isinstance(g, ox.NamedNode))
    counts: dict[str, int] = {}
    with httpx.Client(timeout=httpx.Timeout(LOAD_TIMEOUT_S)) as client:
        for graph in graphs:
            triples = [q.triple for q in release.quads_for_pattern(None, None, None, ox.NamedNode(graph))]
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            _gsp(client, "PUT", settings.remote_store_url, graph, body)
            counts[graph] = len(triples)
        if settings.remote_query_url:
            remote = RemoteStore(settings)
            try:
                for stale in sorted(set(remote.graph_names()) - set(graphs)):
                    _gsp(client, "DELETE", settings.remote_store_url, stale, None)
            finally:
                remote.close()
    return counts


def _gsp(client: httpx.Client, method: str, url: str, graph: str, body: bytes | None) -> None:
    headers = {"Content-Type": N_TRIPLES} if body is not None else {}
    try:
        response = client.request(method, url, params={"graph": graph}, content=body, headers=headers)
    except httpx.HTTPError as error:
        raise StoreError(f"{method} {url}?graph={graph} failed: {error}") from None
    if not response.is_success:
        raise StoreError(f"{method} {url}?graph={graph} answered {response.status_code}: {response.text[:_ERROR_TEXT]}")


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
    response: httpx.Response, deadline: float, cancel: threading.Event | None, timeout_s: float
) -> Iterator[bytes]:
    for chunk in response.iter_bytes():
        if cancel is not None and cancel.is_set():
            raise QueryCancelled("the client went away")
        if time.monotonic() > deadline:
            raise QueryTimeout(f"the remote store's answer took longer than {timeout_s:g} s")
        yield chunk


def _error_for(response: httpx.Response, url: str, written: tuple[str, int]) -> Exception:
    """The error for a refusal: a 400 is the query's fault (said readably, with positions in the
    query as the client wrote it), anything else the store's."""
    response.read()
    message = response.text.strip()[:_ERROR_TEXT]
    if response.status_code == httpx.codes.BAD_REQUEST:
        text, shift = written
        message = _POSITION.sub(lambda m: f"error at {max(int(m[1]) - shift, 1)}:", message, count=1)
        return QuerySyntaxError(readable(message, text) if message else "the remote store refused the query")
    return StoreError(f"the remote store at {url} answered {response.status_code}: {message}")


@cache
def _query_text(name: str) -> str:
    return (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")
