"""The HTML pages for people: the home page (what the graph holds) and the query page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from clustergraph.api.deps import StoreDep
from clustergraph.api.linking import LinkerDep
from clustergraph.api.models import Ref
from clustergraph.api.reading import integer, labels, select, text
from clustergraph.api.templating import render
from clustergraph.api.views.cases import list_cases
from clustergraph.queries import NamedQuery


@dataclass(frozen=True)
class ClassCount:
    ref: Ref
    count: int


@dataclass(frozen=True)
class QueryLink:
    name: str
    summary: str
    example: str


def pages_router(catalog: Mapping[str, NamedQuery]) -> APIRouter:
    router = APIRouter(tags=["pages"], include_in_schema=False)
    links = [QueryLink(q.name, q.summary, _example_query_string(q)) for q in catalog.values()]

    @router.get("/", response_class=HTMLResponse)
    def home(store: StoreDep, linker: LinkerDep) -> HTMLResponse:
        counts = [
            ClassCount(
                ref=linker.ref(text(row, "class") or "", labels(row)),
                count=integer(row, "count") or 0,
            )
            for row in select(store, "class-counts")
        ]
        return render(
            "home.html",
            linker,
            cases=list_cases(store, linker).cases,
            counts=counts,
            graphs=list(store.graph_names()),
            queries=links,
        )

    @router.get("/query", response_class=HTMLResponse)
    def query_page(linker: LinkerDep) -> HTMLResponse:
        examples = {q.name: q.text for q in catalog.values()}
        initial = next(iter(examples.values()), "")
        return render("query.html", linker, queries=links, examples=examples, initial=initial)

    return router


def _example_query_string(query: NamedQuery) -> str:
    values = {p.name: p.example for p in query.parameters if p.example is not None}
    return "?" + urlencode(values) if values else ""
