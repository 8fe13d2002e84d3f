"""The HTML pages for people: the home page (what the graph holds) and the query page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse
from rdflib.namespace import OWL

from clustergraph.api.deps import StoreDep
from clustergraph.api.linking import LinkerDep
from clustergraph.api.models import Ref
from clustergraph.api.reading import Row, api_queries, integer, labels, select, text
from clustergraph.api.templating import render
from clustergraph.api.views.cases import list_cases
from clustergraph.namespaces import BASE, PREFIXES, SCOPED_KINDS
from clustergraph.queries import NamedQuery

STATIC = Path(__file__).parents[2] / "static"
OWL_CLASS = str(OWL.Class)
OWL_PROPERTIES = (str(OWL.ObjectProperty), str(OWL.DatatypeProperty), str(OWL.AnnotationProperty))


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

    @router.get("/favicon.ico")
    def favicon() -> FileResponse:
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    @router.get("/query", response_class=HTMLResponse)
    def query_page(store: StoreDep, linker: LinkerDep) -> HTMLResponse:
        examples = [_example(q) for q in catalog.values()]
        terms = select(store, "ontology-terms", entailment=False)
        config = {
            "endpoint": f"{linker.base}/sparql",
            "base": linker.base,
            "canonical": BASE,
            "prefixes": PREFIXES,
            "examples": examples,
            "classes": _terms_of(terms, OWL_CLASS),
            "properties": _terms_of(terms, *OWL_PROPERTIES),
            "labelQuery": api_queries()["result-labels"].text,
        }
        initial = examples[0]["text"] if examples else ""
        return render("query.html", linker, queries=links, config=config, initial=initial)

    return router


def _example(query: NamedQuery) -> dict[str, Any]:
    """A named query as the query page offers it: its SPARQL without the `#+` front-matter, and its
    parameters, for which the page asks before putting the query in the editor."""
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#+")).strip()
    return {
        "name": query.name,
        "summary": query.summary,
        "text": body + "\n",
        "parameters": [{**asdict(p), "scoped": p.kind in SCOPED_KINDS} for p in query.parameters],
    }


def _terms_of(rows: Sequence[Row], *types: str) -> list[str]:
    return sorted({text(row, "term") or "" for row in rows if text(row, "type") in types})


def _example_query_string(query: NamedQuery) -> str:
    values = {p.name: p.example for p in query.parameters if p.example is not None}
    return "?" + urlencode(values) if values else ""
