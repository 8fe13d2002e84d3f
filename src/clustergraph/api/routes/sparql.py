"""`/sparql`: the query operation of the SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/).

- `GET /sparql?query=…`, `POST` a form (`query=…`), or `POST` the query itself as
  `application/sparql-query`; `default-graph-uri` and `named-graph-uri`, as often as needed (in the
  form for a form POST, in the URL otherwise), replace the default dataset.
- `entailment=none` leaves the inferred graph out of the default dataset (default: `owl-rl`, with it).
- `format=` (json, xml, csv, tsv; for CONSTRUCT and DESCRIBE also turtle, ntriples, jsonld, rdfxml;
  or a media type) picks the answer's format over Accept, as Fuseki and the Wikidata Query Service do.
- The project's prefixes (`cg:`, `rdfs:`, ...) are declared for every query, and relative IRIs
  resolve against the endpoint's own URL.
- No query: the SPARQL 1.1 Service Description, as Turtle or another RDF format by Accept; a browser
  (which prefers HTML) is sent to the query page, `/query`.
- Updates (`application/sparql-update`, or an `update` parameter) get 403: this service is read-only.
- A cut answer (past `max_results` rows or `max_answer_bytes` bytes) carries
  `X-Clustergraph-Truncated: true` (and, in JSON results, `"truncated": true`); answers stream to
  the client as the query worker hands them over.
- Each client address may have `max_queries_per_client` queries running at once (429 beyond), and
  must send its request body within `body_timeout_s` (408 after).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from functools import lru_cache
from types import MappingProxyType
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import Receive, Scope, Send

from clustergraph.api.cancellation import stream_cancellable
from clustergraph.api.deps import public_base, settings_of, store_of
from clustergraph.api.limits import ClientSlots
from clustergraph.api.negotiation import GRAPH_OFFERS, RESULT_OFFERS, header_of, negotiate
from clustergraph.api.service_description import service_description
from clustergraph.errors import NotAcceptable, QuerySyntaxError, UpdateRefused
from clustergraph.settings import Settings
from clustergraph.store.base import Cancel, Cancellation, ChunkedResult, Dataset, GraphStore, QueryRequest
from clustergraph.store.formats import CSV, JSON_LD, N_TRIPLES, RDF_XML, SPARQL_JSON, SPARQL_XML, TSV, TURTLE
from clustergraph.store.guard import Limits, inspect_query
from clustergraph.store.syntax import is_empty, readable


class PlainRoute(APIRoute):
    """A route documented in OpenAPI like any other, and served as a plain Starlette endpoint
    (`endpoint(request) -> Response`): no dependency solving, no per-request exit stacks. `/sparql`
    reads its parameters itself (the protocol repeats some and wants its own errors), so on the
    busiest path FastAPI's request handling would be pure cost (13% of the server's main thread on a
    cheap query; benchmarks/README.md). Errors go to the app's handlers as before."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in (self.methods or ()):  # 405, as any route answers it
            await super().handle(scope, receive, send)
            return
        response = await self.endpoint(Request(scope, receive))
        await response(scope, receive, send)


router = APIRouter(tags=["SPARQL"], route_class=PlainRoute)

SPARQL_PATH = "/sparql"
TRUNCATED_HEADER = "X-Clustergraph-Truncated"
ENTAILMENT = {"owl-rl": True, "none": False}
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
_READ_ONLY = "this is a read-only service: SPARQL Update is not accepted"
_BODY_OVERHEAD = 8192  # form field names and dataset parameters, beyond the query itself
_HTML = "text/html"
QUERY_PAGE = "/query"
RESULT_FORMAT_NAMES = {"json": SPARQL_JSON, "xml": SPARQL_XML, "csv": CSV, "tsv": TSV}
GRAPH_FORMAT_NAMES = {
    "turtle": TURTLE,
    "ttl": TURTLE,
    "ntriples": N_TRIPLES,
    "nt": N_TRIPLES,
    "jsonld": JSON_LD,
    "json": JSON_LD,
    "rdfxml": RDF_XML,
    "xml": RDF_XML,
}

Params = Mapping[str, tuple[str, ...]]  # each parameter's values, in order

# Documented for OpenAPI, read raw: the protocol repeats some of them and wants its own errors.
_QUERY_PARAMETERS = [
    {"name": "query", "in": "query", "schema": {"type": "string"}, "description": "The SPARQL query."},
    {
        "name": "default-graph-uri",
        "in": "query",
        "schema": {"type": "array", "items": {"type": "string"}},
        "description": "A graph of the default graph (repeatable); replaces the default dataset.",
    },
    {
        "name": "named-graph-uri",
        "in": "query",
        "schema": {"type": "array", "items": {"type": "string"}},
        "description": "A graph available to GRAPH (repeatable).",
    },
    {
        "name": "entailment",
        "in": "query",
        "schema": {"type": "string", "enum": list(ENTAILMENT), "default": "owl-rl"},
        "description": "`owl-rl`: with the inferred graph (default); `none`: asserted graphs only.",
    },
    {
        "name": "format",
        "in": "query",
        "schema": {"type": "string"},
        "description": "The answer's format, over Accept: json, xml, csv, tsv (SELECT, ASK); turtle, "
        "ntriples, jsonld, rdfxml, json, xml (CONSTRUCT, DESCRIBE); or a media type.",
    },
]


@router.get(
    SPARQL_PATH,
    summary="Run a SPARQL query (SPARQL 1.1 Protocol); without a query, the service description",
    response_class=Response,
    openapi_extra={"parameters": _QUERY_PARAMETERS},
)
async def sparql_get(request: Request) -> Response:
    store, settings = store_of(request), settings_of(request)
    params = _url_params(request)
    if "query" not in params and "update" not in params:
        if negotiate(header_of(request.scope, b"accept"), [*GRAPH_OFFERS, _HTML]) == _HTML:
            return RedirectResponse(QUERY_PAGE, status_code=303)
        return await _describe(request, store, settings)
    text, dataset = _url_operation(request.scope["query_string"], params)
    return await _answer(request, store, settings, text, dataset, params)


@router.post(
    SPARQL_PATH,
    summary="Run a SPARQL query sent as a form or as application/sparql-query",
    response_class=Response,
    openapi_extra={
        "parameters": _QUERY_PARAMETERS[1:],
        "requestBody": {
            "required": True,
            "content": {
                FORM: {"schema": {"type": "object", "properties": {"query": {"type": "string"}}}},
                SPARQL_QUERY: {"schema": {"type": "string"}},
            },
        },
    },
)
async def sparql_post(request: Request) -> Response:
    store, settings = store_of(request), settings_of(request)
    content_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    in_url = _url_params(request)
    if content_type == SPARQL_UPDATE or "update" in in_url:
        raise UpdateRefused(_READ_ONLY)
    if content_type not in (FORM, SPARQL_QUERY):
        raise HTTPException(415, f"send the query as {FORM} or {SPARQL_QUERY}, not {content_type[:80]!r}")
    body = _utf8(await _body(request, settings.max_query_bytes * 3 + _BODY_OVERHEAD, settings.body_timeout_s))
    params = in_url
    if content_type == FORM:
        params = _merge(in_url, _form(body))
        text, dataset = _operation(params)
    elif "query" in in_url:
        raise HTTPException(400, f"a {SPARQL_QUERY} request carries its query in the body only")
    else:
        text, dataset = body, _dataset(in_url)
    return await _answer(request, store, settings, text, dataset, params)


async def _answer(
    request: Request, store: GraphStore, settings: Settings, text: str, dataset: Dataset, params: Params
) -> Response:
    try:
        info = inspect_query(text, Limits(settings.max_query_bytes, settings.max_query_depth))
    except QuerySyntaxError:
        if is_empty(text):  # only white space and comments: said so, with an example
            raise QuerySyntaxError(readable("", text)) from None
        raise
    graphs = info.form in ("CONSTRUCT", "DESCRIBE")
    media_type, written = _media_type(request, params, graphs)
    slots: ClientSlots = request.app.state.client_slots
    client = request.scope.get("client")
    release = slots.take(client[0] if client else "")
    cancel = Cancel()
    base_iri = f"{public_base(request, settings)}/sparql"
    query = QueryRequest(text, dataset=dataset, cancel=cancel, base_iri=base_iri, alone=slots.running() == 1)
    try:
        result = await stream_cancellable(request, store, query, written, cancel)
    except BaseException:
        release()
        raise
    if result.body is not None:  # the whole answer came in one piece
        release()
        return WholeAnswer(result.body, _answer_headers(media_type, result.truncated))
    headers = {"Vary": "Accept", **({TRUNCATED_HEADER: "true"} if result.truncated else {})}
    return StreamingResponse(_send(result, cancel, release), media_type=media_type, headers=headers)


class WholeAnswer(Response):
    """A whole answer with its headers made beforehand (`_answer_headers`): what Starlette's
    `Response` does for every answer (its headers written out from a dict, the content type looked
    at for a charset) is the same for every answer of one type, so it is done once per type."""

    def __init__(self, body: bytes, headers: tuple[tuple[bytes, bytes], ...]) -> None:
        self.status_code = 200
        self.body = body
        self.background = None
        self.raw_headers = [(b"content-length", b"%d" % len(body)), *headers]


@lru_cache(maxsize=64)
def _answer_headers(media_type: str, truncated: bool) -> tuple[tuple[bytes, bytes], ...]:
    """An answer's headers but its length, as Starlette's `Response` writes them."""
    headers = {"Vary": "Accept", **({TRUNCATED_HEADER: "true"} if truncated else {})}
    made = Response(b"", media_type=media_type, headers=headers)
    return tuple((name, value) for name, value in made.raw_headers if name != b"content-length")


def _media_type(request: Request, params: Params, graphs: bool) -> tuple[str, str]:
    """(the answer's media type, the one the store writes it in, which an alias names differently):
    `format=` if given (a name or a media type), else the Accept header's choice."""
    offered = GRAPH_OFFERS if graphs else RESULT_OFFERS
    names = GRAPH_FORMAT_NAMES if graphs else RESULT_FORMAT_NAMES
    asked = params.get("format", [None])[-1]
    if asked is None:
        chosen = negotiate(header_of(request.scope, b"accept"), list(offered))
        return chosen, offered[chosen]
    written = names.get(asked.lower(), offered.get(asked.lower()))
    if written is None:
        form = "CONSTRUCT and DESCRIBE" if graphs else "SELECT and ASK"
        raise NotAcceptable(f"format={asked[:40]!r} is not a format for {form} answers; use one of {', '.join(names)}")
    return written, written


async def _send(result: ChunkedResult, cancel: Cancellation, release: Callable[[], None]) -> AsyncIterator[bytes]:
    """The answer's chunks as the worker hands them over; a client that leaves stops the worker."""
    chunks = iter(result)
    try:
        while (chunk := await run_in_threadpool(next, chunks, None)) is not None:
            yield chunk
    finally:
        cancel.set()
        result.close()
        release()


async def _describe(request: Request, store: GraphStore, settings: Settings) -> Response:
    media_type = negotiate(header_of(request.scope, b"accept"), list(GRAPH_OFFERS))
    endpoint = f"{public_base(request, settings)}/sparql"
    names = tuple(await run_in_threadpool(store.graph_names))
    body = await run_in_threadpool(service_description, endpoint, names, GRAPH_OFFERS[media_type])
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})


def _operation(params: Params) -> tuple[str, Dataset]:
    if "update" in params:
        raise UpdateRefused(_READ_ONLY)
    queries = params.get("query", ())
    if len(queries) != 1:
        raise HTTPException(400, f"give exactly one `query` parameter, not {len(queries)}")
    return queries[0], _dataset(params)


def _url_operation(query_string: bytes, params: Params) -> tuple[str, Dataset]:
    """`_operation` of the URL's parameters `params`, remembered per query string as they are."""
    if len(query_string) <= _REMEMBERED_URL:
        return _remembered_operation(query_string)
    return _operation(params)


@lru_cache(maxsize=512)
def _remembered_operation(query_string: bytes) -> tuple[str, Dataset]:
    return _operation(_remembered_url_params(query_string))


def _dataset(params: Params) -> Dataset:
    value = params.get("entailment", ["owl-rl"])[-1]
    if value not in ENTAILMENT:
        raise HTTPException(400, f"entailment={value!r}: use one of {', '.join(ENTAILMENT)}")
    return Dataset(
        default_graphs=tuple(params.get("default-graph-uri", ())),
        named_graphs=tuple(params.get("named-graph-uri", ())),
        entailment=ENTAILMENT[value],
    )


def _params(items: Iterable[tuple[str, str]]) -> Params:
    params: dict[str, list[str]] = {}
    for name, value in items:
        params.setdefault(name, []).append(value)
    return MappingProxyType({name: tuple(values) for name, values in params.items()})


def _url_params(request: Request) -> Params:
    """The URL's parameters, refused (400) unless they are UTF-8 once percent-decoded. A query string
    of up to `_REMEMBERED_URL` bytes is decoded once and remembered: clients repeat their queries, and
    percent-decoding a query's text costs about half of what Oxigraph takes to answer a cheap one
    (12 µs for the type lookup, `benchmarks/server_cost.py`, against 27 µs, `benchmarks/engine_store.py`)."""
    query_string: bytes = request.scope["query_string"]
    if len(query_string) <= _REMEMBERED_URL:
        return _remembered_url_params(query_string)
    return _decoded_url_params(query_string)


_REMEMBERED_URL = 4096


def _decoded_url_params(query_string: bytes) -> Params:
    try:
        text = query_string.decode("utf-8")
        return _params(parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict"))
    except UnicodeDecodeError as error:
        raise HTTPException(400, f"the URL's parameters are not UTF-8 once decoded: {error.reason}") from None


_remembered_url_params = lru_cache(maxsize=512)(_decoded_url_params)


def _form(body: str) -> Params:
    try:
        return _params(parse_qsl(body, keep_blank_values=True, errors="strict"))
    except UnicodeDecodeError as error:
        raise HTTPException(400, f"the form is not UTF-8 once decoded: {error.reason}") from None


def _merge(first: Params, second: Params) -> Params:
    return _params((name, value) for params in (first, second) for name, values in params.items() for value in values)


async def _body(request: Request, limit: int, timeout_s: float) -> bytes:
    """The body, refused when larger than `limit` (413) or slower to arrive than `timeout_s` (408)."""
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout_s):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise HTTPException(413, f"the request body is larger than {limit} bytes")
                chunks.append(chunk)
    except TimeoutError:
        raise HTTPException(408, f"the request body did not arrive within {timeout_s:g} s") from None
    return b"".join(chunks)


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise HTTPException(400, f"the request body is not UTF-8: {error.reason} at byte {error.start}") from None
