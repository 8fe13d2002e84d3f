"""The analysts' pages: cases side by side (/compare), Table 1 (/lifecycle), the roles, search, and a
page per class listing its members. Each reads the same views as the JSON endpoints under /api."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from rdflib import URIRef
from rdflib.namespace import OWL

from clustergraph.api import diagrams
from clustergraph.api.deps import StoreDep
from clustergraph.api.linking import Linker, LinkerDep
from clustergraph.api.reading import integer, labels, select, text
from clustergraph.api.templating import render
from clustergraph.api.views import cases, reference
from clustergraph.api.views import search as full_text
from clustergraph.api.views.describe import ontology
from clustergraph.api.views.lookup import require
from clustergraph.errors import ResourceNotFound
from clustergraph.namespaces import CG
from clustergraph.store.base import GraphStore

router = APIRouter(tags=["pages"], include_in_schema=False)
SEARCH_PAGE = 20


@router.get("/compare", response_class=HTMLResponse)
def compare_page(store: StoreDep, linker: LinkerDep, case: Annotated[list[str] | None, Query()] = None) -> HTMLResponse:
    chosen = list(dict.fromkeys(case or []))
    every = cases.list_cases(store, linker).cases
    comparison = cases.compare(store, linker, chosen) if len(chosen) >= 2 else None
    return render("compare.html", linker, every=every, chosen=chosen, comparison=comparison)


@router.get("/lifecycle", response_class=HTMLResponse)
def lifecycle_page(store: StoreDep, linker: LinkerDep) -> HTMLResponse:
    return render("lifecycle.html", linker, lifecycle=reference.lifecycle(store, linker))


@router.get("/roles", response_class=HTMLResponse)
def roles_page(store: StoreDep, linker: LinkerDep) -> HTMLResponse:
    return render("roles.html", linker, tree=reference.roles(store, linker))


@router.get("/search", response_class=HTMLResponse)
def search_page(
    store: StoreDep,
    linker: LinkerDep,
    q: Annotated[str, Query(max_length=200)] = "",
    lang: Literal["en", "ru"] | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    found = full_text.search(store, linker, q, lang, SEARCH_PAGE, offset) if q.strip() else None
    return render("search.html", linker, q=q, lang=lang, found=found)


@router.get("/classes/{name}", response_class=HTMLResponse)
def class_page(name: str, store: StoreDep, linker: LinkerDep) -> HTMLResponse:
    cls = _ontology_class(store, name)
    summary = require(store, cls)
    listing = reference.listing(store, linker, cls)
    return render("class.html", linker, cls=linker.ref(str(cls), labels(summary)), listing=listing)


@router.get("/diagrams/lifecycle.svg")
def lifecycle_diagram(store: StoreDep, linker: LinkerDep) -> Response:
    return _svg(diagrams.lifecycle_svg(reference.lifecycle(store, linker)))


@router.get("/diagrams/roles.svg")
def roles_diagram(store: StoreDep, linker: LinkerDep) -> Response:
    return _svg(diagrams.roles_svg(reference.roles(store, linker)))


@router.get("/diagrams/classes.svg")
def classes_diagram(store: StoreDep, linker: LinkerDep) -> Response:
    return _svg(diagrams.classes_svg(class_nodes(store, linker)))


def class_nodes(store: GraphStore, linker: Linker) -> list[diagrams.ClassNode]:
    """The ontology's own classes with their direct parents and member counts (inferred included)."""
    counts = {text(row, "class"): integer(row, "count") or 0 for row in select(store, "class-counts")}
    return [
        diagrams.ClassNode(
            iri=term.ref.iri,
            label=term.ref.label.en or term.anchor,
            url=f"{linker.base}/classes/{term.anchor}",
            count=counts.get(term.ref.iri, 0),
            parents=tuple(parent.iri for parent in term.supers),
        )
        for term in ontology(store, linker).sections["Classes"]
        if term.ref.iri.startswith(str(CG))
    ]


def _svg(body: str) -> Response:
    return Response(body, media_type="image/svg+xml")


def _ontology_class(store: GraphStore, name: str) -> URIRef:
    cls = URIRef(CG[name]) if name.isidentifier() else None
    if cls is None or not select(store, "is-a", {"iri": cls, "class": OWL.Class}):
        raise ResourceNotFound(f"the ontology has no class {name!r}; see /ontology#classes")
    return cls
