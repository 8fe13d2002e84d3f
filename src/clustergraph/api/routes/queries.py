"""Every `queries/*.rq` as `GET /api/queries/{name}`, generated at app creation.

Each endpoint gets a real signature built from the query's front-matter, so FastAPI validates the
parameters and /docs shows each query with its summary, parameters and examples. Values are bound as
RDF terms (`NamedQuery.bindings`), never spliced into the text. Pages are exact: the store is asked
for `offset + limit + 1` rows, so whether a next page exists is known, not guessed.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.openapi.models import Example
from fastapi.responses import JSONResponse, Response
from rdflib import Literal as RDFLiteral
from rdflib import URIRef
from rdflib.term import Identifier
from starlette.concurrency import run_in_threadpool

from clustergraph.api.cancellation import run_cancellable
from clustergraph.api.deps import StoreDep
from clustergraph.api.linking import Linker, LinkerDep
from clustergraph.api.models import NamedQueryAnswer, NamedQueryInfo, NamedQueryList
from clustergraph.api.reading import select, text
from clustergraph.api.representations import ANSWER_TYPES, RDF_TYPES, choose, json_rows, render_csv
from clustergraph.api.tables import EXCEL_BOM
from clustergraph.api.templating import render
from clustergraph.api.views.lookup import replacement
from clustergraph.api.views.table import table
from clustergraph.errors import QueryParameterError, ResourceNotFound
from clustergraph.namespaces import slug_space
from clustergraph.queries import NamedQuery, Parameter
from clustergraph.store.base import Cancel, Cancellation, GraphStore, QueryRequest, Solutions, Term

RESERVED = ("limit", "offset", "format")
HTML = "text/html"
PAGE_TYPES = {**ANSWER_TYPES, "html": HTML}
Format = Literal["json", "csv", "excel", "html"]
DEFAULT_LIMIT = 100
_PYTHON_TYPES: dict[str, type] = {"integer": int}


def named_query_router(catalog: Mapping[str, NamedQuery], max_results: int) -> APIRouter:
    router = APIRouter(prefix="/api/queries", tags=["named queries"])

    @router.get("", summary="The named queries, with their parameters")
    def list_queries(linker: LinkerDep) -> NamedQueryList:
        return NamedQueryList(queries=[_info(q, linker) for q in catalog.values()])

    for query in catalog.values():
        router.add_api_route(
            f"/{query.name}",
            _endpoint(query, max_results),
            methods=["GET"],
            summary=query.summary,
            description=_description(query),
            tags=["named queries", *query.tags],
            operation_id=f"named_query_{query.name.replace('-', '_')}",
            response_model=NamedQueryAnswer,
            responses={
                200: {"content": {"text/csv": {"schema": {"type": "string"}}, HTML: {}}},
                404: {"description": "A slug names nothing of its kind; the message lists the slugs there are."},
            },
        )
    return router


def _endpoint(query: NamedQuery, max_results: int) -> Callable[..., Awaitable[Response]]:
    """A handler whose signature declares the query's own parameters (under safe Python names)."""
    aliases = {f"p{index}": parameter.name for index, parameter in enumerate(query.parameters)}
    for name in aliases.values():
        if name in RESERVED:
            raise ValueError(f"{query.path}: parameter name {name!r} is reserved for paging and format")

    async def answer(
        request: Request,
        store: StoreDep,
        linker: LinkerDep,
        limit: int,
        offset: int,
        format: Format | None,
        **values: Any,
    ) -> Response:
        _refuse_unknown(request, query)
        raw = {aliases[key]: str(value) for key, value in values.items() if value is not None}
        page = Page(query, raw, limit, offset)
        await run_in_threadpool(_resolve_known, store, query, page.bindings)
        accept = request.headers.get("accept")
        cancel = Cancel()
        if query.form in ("CONSTRUCT", "DESCRIBE"):
            media_type = choose(None, accept, RDF_TYPES)
            graph = await run_cancellable(request, lambda: store.serialized(page.request(cancel), media_type), cancel)
            return Response(graph.body, media_type=graph.media_type, headers={"Vary": "Accept"})
        media_type = choose("csv" if format == "excel" else format, accept, PAGE_TYPES)
        solutions = await run_cancellable(request, lambda: store.solutions(page.request(cancel)), cancel)
        if media_type == HTML:
            return await run_in_threadpool(page.html, solutions, request, linker, store)
        return page.render(solutions, media_type, request, linker, excel=format == "excel")

    fixed = [
        inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
        inspect.Parameter("store", inspect.Parameter.KEYWORD_ONLY, annotation=StoreDep),
        inspect.Parameter("linker", inspect.Parameter.KEYWORD_ONLY, annotation=LinkerDep),
        _query_param(
            "limit",
            int,
            min(DEFAULT_LIMIT, max_results),
            Query(ge=1, le=max_results, description="Rows per page."),
        ),
        _query_param(
            "offset",
            int,
            0,
            Query(ge=0, description="Rows to skip; past the end gives an empty page."),
        ),
        _query_param(
            "format",
            Format | None,
            None,
            Query(
                description="Overrides the Accept header: `json` (default), `csv`, `excel` (CSV with a UTF-8 "
                "byte-order mark, as a download) or `html` (a table page; what a browser gets by default)."
            ),
        ),
    ]
    declared = [_declared(key, p) for key, p in zip(aliases, query.parameters, strict=True)]
    answer.__signature__ = inspect.Signature([*fixed, *declared])  # type: ignore[attr-defined]
    answer.__name__ = f"named_query_{query.name.replace('-', '_')}"
    return answer


def _query_param(name: str, annotation: Any, default: Any, query: Any) -> inspect.Parameter:
    return inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        annotation=Annotated[annotation, query],
        default=default,
    )


def _declared(key: str, parameter: Parameter) -> inspect.Parameter:
    python_type = _PYTHON_TYPES.get(parameter.type, str)
    examples = {"example": Example(summary="from the article", value=parameter.example)} if parameter.example else None
    query = Query(alias=parameter.name, description=_parameter_help(parameter), openapi_examples=examples)
    if parameter.required:
        return inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[python_type, query])
    return _query_param(key, python_type | None, None, query)


def _parameter_help(parameter: Parameter) -> str:
    accepted = {
        "iri": f"a slug of a {parameter.kind} or an absolute IRI" if parameter.kind else "an absolute IRI",
        "string": "text",
        "integer": "an integer",
        "language": "a language tag such as en or ru",
    }[parameter.type]
    return f"{parameter.description} ({accepted})".strip()


def _description(query: NamedQuery) -> str:
    example = "&".join(f"{p.name}={p.example}" for p in query.parameters if p.example)
    tail = f"\n\nExample: `/api/queries/{query.name}{'?' + example if example else ''}`"
    return (query.description or query.summary) + tail + f"\n\nSource: `queries/{query.path.name}`."


def _resolve_known(store: GraphStore, query: NamedQuery, bindings: dict[str, Identifier]) -> None:
    """An IRI parameter of a kind (`case=atlantis`) must name something the graph knows: 404 if not. One that
    moved (`case=oregon`, cited before cases moved under their source) is bound to where it went."""
    for parameter in query.parameters:
        term = bindings.get(parameter.name)
        if parameter.kind is None or not isinstance(term, URIRef):
            continue
        moved = replacement(store, term)
        if moved is not None:
            bindings[parameter.name] = term = moved
        if select(store, "summary", {"iri": term}):
            continue
        allowed = slugs(store, parameter.kind)
        raise ResourceNotFound(
            f"parameter {parameter.name!r}: no {parameter.kind} {str(term).rsplit('/', 1)[-1]!r}; "
            f"the {parameter.kind} slugs are: {', '.join(allowed) or 'none'}"
        )


def slugs(store: GraphStore, kind: str) -> list[str]:
    """The slugs in use for one kind: `oregon`, or `{source}/{slug}` for a source's own resources."""
    pattern, replacement = slug_space(kind)
    rows = select(store, "slugs", {"pattern": RDFLiteral(pattern), "replacement": RDFLiteral(replacement)})
    return [text(row, "slug") or "" for row in rows]


def _refuse_unknown(request: Request, query: NamedQuery) -> None:
    known = {p.name for p in query.parameters} | set(RESERVED)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise QueryParameterError(
            f"query {query.name!r} has no parameter {', '.join(map(repr, unknown))}; "
            f"it takes: {', '.join(p.name for p in query.parameters) or 'none'}"
            " (and limit, offset, format)"
        )
    repeated = sorted(name for name in request.query_params if len(request.query_params.getlist(name)) > 1)
    if repeated:
        raise QueryParameterError(f"parameter {', '.join(map(repr, repeated))} given more than once")


def _info(query: NamedQuery, linker: Linker) -> NamedQueryInfo:
    return NamedQueryInfo(
        name=query.name,
        summary=query.summary,
        description=query.description,
        tags=list(query.tags),
        url=f"{linker.base}/api/queries/{query.name}",
        parameters=[
            {
                "name": p.name,
                "type": p.type,
                "kind": p.kind,
                "required": p.required,
                "description": p.description,
                "example": p.example,
            }
            for p in query.parameters
        ],
    )


class Page:
    """One page of one named query's answer, with parameters already checked and bound."""

    def __init__(self, query: NamedQuery, raw: Mapping[str, str], limit: int, offset: int) -> None:
        self.query, self.raw, self.limit, self.offset = query, dict(raw), limit, offset
        self.bindings = query.bindings(raw)

    def request(self, cancel: Cancellation) -> QueryRequest:
        """One row more than the page holds, so that whether a next page exists is known."""
        rows = None if self.query.form in ("CONSTRUCT", "DESCRIBE") else self.offset + self.limit + 1
        return QueryRequest(self.query.text, self.bindings, limit=rows, cancel=cancel, trusted=True)

    def rows(self, solutions: Solutions) -> Sequence[Mapping[str, Term]]:
        return solutions.rows[self.offset : self.offset + self.limit]

    def next_url(self, solutions: Solutions, request: Request, linker: Linker) -> str | None:
        if len(solutions.rows) <= self.offset + self.limit:
            return None
        return linker.public(str(request.url.include_query_params(offset=self.offset + self.limit)))

    def render(
        self, solutions: Solutions, media_type: str, request: Request, linker: Linker, *, excel: bool = False
    ) -> Response:
        rows = self.rows(solutions)
        next_url = self.next_url(solutions, request, linker)
        has_next = next_url is not None
        headers = {"Vary": "Accept"}
        if next_url is not None:
            headers["Link"] = f'<{next_url}>; rel="next"'
        if media_type == ANSWER_TYPES["csv"]:
            body = render_csv(solutions.variables, rows, solutions.boolean)
            if excel:
                headers["Content-Disposition"] = f'attachment; filename="{self.query.name}.csv"'
                body = EXCEL_BOM + body
            return Response(body, media_type=media_type, headers=headers)
        answer = NamedQueryAnswer(
            query=self.query.name,
            parameters=self.raw,
            columns=list(solutions.variables),
            rows=json_rows(solutions.variables, rows),
            limit=self.limit,
            offset=self.offset,
            next=next_url,
            truncated=solutions.truncated and not has_next,
            boolean=solutions.boolean,
        )
        return JSONResponse(answer.model_dump(mode="json"), headers=headers)

    def html(self, solutions: Solutions, request: Request, linker: Linker, store: GraphStore) -> Response:
        """The page as an HTML table, with its parameters as a form and links to the other pages."""
        url = request.url.remove_query_params("format")
        next_url = self.next_url(solutions, request, linker)
        previous = url.include_query_params(offset=max(0, self.offset - self.limit)) if self.offset else None
        return render(
            "named-query.html",
            linker,
            query=self.query,
            parameters=self.raw,
            table=table(store, linker, solutions.variables, self.rows(solutions)),
            boolean=solutions.boolean,
            offset=self.offset,
            limit=self.limit,
            truncated=solutions.truncated and next_url is None,
            next=next_url,
            previous=None if previous is None else linker.public(str(previous)),
            csv=linker.public(str(url.include_query_params(format="csv"))),
            excel=linker.public(str(url.include_query_params(format="excel"))),
            json=linker.public(str(url.include_query_params(format="json"))),
        )
