"""`/sparql`: the query operation of the SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/).

- `GET /sparql?query=…`, `POST` a form (`query=…`), or `POST` the query itself as
  `application/sparql-query`; `default-graph-uri` and `named-graph-uri`, as often as needed (in the
  form for a form POST, in the URL otherwise), replace the default dataset.
- `entailment=none` leaves the inferred graph out of the default dataset (default: `owl-rl`, with it).
- No query: the SPARQL 1.1 Service Description, as Turtle or another RDF format by Accept.
- Updates (`application/sparql-update`, or an `update` parameter) get 403: this service is read-only.
- A cut answer carries `X-Clustergraph-Truncated: true` (and, in JSON results, `"truncated": true`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from functools import partial
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from clustergraph.api.cancellation import run_cancellable
from clustergraph.api.deps import SettingsDep, StoreDep
from clustergraph.api.negotiation import GRAPH_OFFERS, RESULT_OFFERS, negotiate
from clustergraph.api.service_description import service_description
from clustergraph.errors import UpdateRefused
from clustergraph.settings import Settings
from clustergraph.store.base import Dataset, GraphStore, QueryRequest
from clustergraph.store.guard import Limits, inspect_query

router = APIRouter(tags=["SPARQL"])

TRUNCATED_HEADER = "X-Clustergraph-Truncated"
ENTAILMENT = {"owl-rl": True, "none": False}
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
_READ_ONLY = "this is a read-only service: SPARQL Update is not accepted"
_BODY_OVERHEAD = 8192  # form field names and dataset parameters, beyond the query itself

Params = dict[str, list[str]]

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
]


@router.get(
    "/sparql",
    summary="Run a SPARQL query (SPARQL 1.1 Protocol); without a query, the service description",
    response_class=Response,
    openapi_extra={"parameters": _QUERY_PARAMETERS},
)
async def sparql_get(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    params = _params(request.query_params.multi_items())
    if "query" not in params and "update" not in params:
        return await _describe(request, store, settings)
    text, dataset = _operation(params)
    return await _answer(request, store, settings, text, dataset)


@router.post(
    "/sparql",
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
async def sparql_post(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    content_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    in_url = _params(request.query_params.multi_items())
    if content_type == SPARQL_UPDATE or "update" in in_url:
        raise UpdateRefused(_READ_ONLY)
    if content_type not in (FORM, SPARQL_QUERY):
        raise HTTPException(415, f"send the query as {FORM} or {SPARQL_QUERY}, not {content_type!r}")
    body = _utf8(await _body(request, settings.max_query_bytes * 3 + _BODY_OVERHEAD))
    if content_type == FORM:
        text, dataset = _operation(_merge(in_url, _form(body)))
    elif "query" in in_url:
        raise HTTPException(400, f"a {SPARQL_QUERY} request carries its query in the body only")
    else:
        text, dataset = body, _dataset(in_url)
    return await _answer(request, store, settings, text, dataset)


async def _answer(request: Request, store: GraphStore, settings: Settings, text: str, dataset: Dataset) -> Response:
    info = inspect_query(text, Limits(settings.max_query_bytes, settings.max_query_depth))
    offered = GRAPH_OFFERS if info.form in ("CONSTRUCT", "DESCRIBE") else RESULT_OFFERS
    media_type = negotiate(request.headers.get("accept"), list(offered))
    cancel = threading.Event()
    query = QueryRequest(text, dataset=dataset, cancel=cancel)
    result = await run_cancellable(request, partial(store.serialized, query, offered[media_type]), cancel)
    headers = {"Vary": "Accept"}
    if result.truncated:
        headers[TRUNCATED_HEADER] = "true"
    return Response(result.body, media_type=media_type, headers=headers)


async def _describe(request: Request, store: GraphStore, settings: Settings) -> Response:
    media_type = negotiate(request.headers.get("accept"), list(GRAPH_OFFERS))
    endpoint = (
        f"{settings.base_url.rstrip('/')}/sparql"
        if settings.base_url
        else str(request.url.replace(query="", fragment=""))
    )
    names = tuple(await run_in_threadpool(store.graph_names))
    body = await run_in_threadpool(service_description, endpoint, names, GRAPH_OFFERS[media_type])
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})


def _operation(params: Mapping[str, list[str]]) -> tuple[str, Dataset]:
    if "update" in params:
        raise UpdateRefused(_READ_ONLY)
    queries = params.get("query", [])
    if len(queries) != 1:
        raise HTTPException(400, f"give exactly one `query` parameter, not {len(queries)}")
    return queries[0], _dataset(params)


def _dataset(params: Mapping[str, list[str]]) -> Dataset:
    value = params.get("entailment", ["owl-rl"])[-1]
    if value not in ENTAILMENT:
        raise HTTPException(400, f"entailment={value!r}: use one of {', '.join(ENTAILMENT)}")
    return Dataset(
        default_graphs=tuple(params.get("default-graph-uri", ())),
        named_graphs=tuple(params.get("named-graph-uri", ())),
        entailment=ENTAILMENT[value],
    )


def _params(items: Iterable[tuple[str, str]]) -> Params:
    params: Params = {}
    for name, value in items:
        params.setdefault(name, []).append(value)
    return params


def _form(body: str) -> Params:
    try:
        return _params(parse_qsl(body, keep_blank_values=True, errors="strict"))
    except UnicodeDecodeError as error:
        raise HTTPException(400, f"the form is not UTF-8 once decoded: {error}") from None


def _merge(first: Params, second: Params) -> Params:
    merged = {name: list(values) for name, values in first.items()}
    for name, values in second.items():
        merged.setdefault(name, []).extend(values)
    return merged


async def _body(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"the request body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise HTTPException(400, f"the request body is not UTF-8: {error}") from None
