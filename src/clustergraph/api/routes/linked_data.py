"""Dereferencing the IRIs of DESIGN.md: `/id/{kind}/{slug}`, a source's own `/id/source/{source}/{kind}/{slug}`
and `/ontology`, HTML for a browser and Turtle, JSON-LD, N-Triples or RDF/XML for an RDF client (Accept, or
`?format=` to follow a link). An IRI that moved (`dcterms:isReplacedBy` in the data) answers 301 to the new one:
researchers cited the old ones."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from rdflib import URIRef

from clustergraph.api.deps import StoreDep
from clustergraph.api.linking import SLUG_PATTERN, Linker, LinkerDep, slug_iri
from clustergraph.api.reading import api_queries
from clustergraph.api.representations import RDF_TYPES, choose, rdf_response
from clustergraph.api.templating import render
from clustergraph.api.views.cases import case_detail
from clustergraph.api.views.describe import citation, describe, ontology
from clustergraph.api.views.lookup import is_a, replacement, require
from clustergraph.errors import QueryParameterError, ResourceNotFound
from clustergraph.namespaces import ONTOLOGY_GRAPH, SCOPED_KINDS
from clustergraph.store.base import QueryRequest
from clustergraph.vocab import CG_TERMS as CG

router = APIRouter(tags=["linked data"])

HTML = "text/html"
OFFERED = {"html": HTML, **RDF_TYPES}
Format = Annotated[
    Literal["html", "ttl", "jsonld", "nt", "rdf"] | None,
    Query(description="Overrides the Accept header, so that a link can name a representation."),
]
_ALTERNATES = list(RDF_TYPES.items())
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {media_type: {} for media_type in OFFERED.values()}},
    404: {"description": "Nothing is known about this IRI."},
}


@router.get("/id/{kind}/{slug}", summary="A resource of the graph, as HTML or RDF", responses=_RESPONSES)
def resource(
    kind: str,
    slug: str,
    request: Request,
    store: StoreDep,
    linker: LinkerDep,
    format: Format = None,
) -> Response:
    return _dereference(kind, slug, request, store, linker, format)


@router.get(
    "/id/source/{source}/{kind}/{slug}",
    summary="A source's own resource (a passage, a lesson, its case description, its typology), as HTML or RDF",
    responses=_RESPONSES,
)
def source_resource(
    source: str,
    kind: str,
    slug: str,
    request: Request,
    store: StoreDep,
    linker: LinkerDep,
    format: Format = None,
) -> Response:
    if kind not in SCOPED_KINDS:
        return _not_found(request, linker, format, f"{kind!r} resources are shared, not a source's: see /id/{kind}/")
    return _dereference(kind, f"{source}/{slug}", request, store, linker, format)


def _dereference(
    kind: str, slug: str, request: Request, store: StoreDep, linker: Linker, format: str | None
) -> Response:
    media_type = choose(format, request.headers.get("accept"), OFFERED)
    try:
        iri = _iri(kind, slug)
        moved = replacement(store, iri)
        if moved is not None:
            query = f"?{request.url.query}" if request.url.query else ""
            return RedirectResponse(linker.url(str(moved)) + query, status_code=301, headers={"Vary": "Accept"})
        require(store, iri)
    except ResourceNotFound as missing:
        if media_type == HTML:
            return not_found_page(linker, str(missing))
        raise
    if media_type == HTML:
        case = case_detail(store, linker, slug) if kind == "case" and is_a(store, iri, CG.PolicyCase) else None
        return render("resource.html", linker, view=describe(store, linker, iri), formats=_ALTERNATES, case=case)
    query_request = QueryRequest(api_queries()["resource-graph"].text, {"iri": iri}, trusted=True)
    return rdf_response(store, query_request, media_type)


@router.get("/ontology", summary="The ontology, as HTML or RDF", responses=_RESPONSES)
def ontology_document(request: Request, store: StoreDep, linker: LinkerDep, format: Format = None) -> Response:
    media_type = choose(format, request.headers.get("accept"), OFFERED)
    if media_type == HTML:
        return render("ontology.html", linker, view=ontology(store, linker), formats=_ALTERNATES)
    body = store.graph(str(ONTOLOGY_GRAPH), media_type)
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})


@router.get(
    "/ontology/{version}",
    summary="A version of the ontology (its owl:versionIRI), as HTML or RDF",
    responses=_RESPONSES,
)
def ontology_version(
    version: str, request: Request, store: StoreDep, linker: LinkerDep, format: Format = None
) -> Response:
    """The version IRI resolves to the ontology this service holds when it is that version; any
    other version is 404 with the one there is (releases are immutable, older ones are downloads)."""
    current = citation(store).version_iri
    if current is None or current.rsplit("/", 1)[-1] != version:
        message = f"this service holds version {current or 'unknown'} of the ontology, not {version!r}"
        return _not_found(request, linker, format, message)
    return ontology_document(request, store, linker, format)


def _iri(kind: str, slug: str) -> URIRef:
    """The IRI that /id/{kind}/{slug} names; ResourceNotFound for what cannot name anything."""
    if not all(re.fullmatch(SLUG_PATTERN, part) for part in slug.split("/")):
        raise ResourceNotFound(f"{slug!r} is not a slug, so /id/{kind}/{slug} names nothing")
    try:
        return slug_iri(kind, slug)
    except QueryParameterError as malformed:
        raise ResourceNotFound(str(malformed)) from malformed


def _not_found(request: Request, linker: Linker, format: str | None, message: str) -> Response:
    if choose(format, request.headers.get("accept"), OFFERED) == HTML:
        return not_found_page(linker, message)
    raise ResourceNotFound(message)


def not_found_page(linker: Linker, message: str) -> Response:
    return render("error.html", linker, status_code=404, status=404, title="Not found", message=message)
