"""The analysts' resource endpoints: cases, comparison, life cycle, roles, institutions,
instruments, search and provenance, each answering one stable JSON shape (`api.models`), or the same
answer as a flat CSV table (`?format=csv`, `?format=excel`, or `Accept: text/csv`; `api.tables`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from clustergraph.api.deps import StoreDep
from clustergraph.api.linking import ANY_SLUG_PATTERN, LinkerDep, slug_iri
from clustergraph.api.models import (
    Case,
    CaseList,
    Comparison,
    Lifecycle,
    Listing,
    Provenance,
    RoleTree,
    SearchResults,
)
from clustergraph.api.tables import TableFormat, answer
from clustergraph.api.views import cases, lookup, reference
from clustergraph.api.views import search as full_text
from clustergraph.namespaces import RESOURCE_KINDS

router = APIRouter(prefix="/api", tags=["analysts"])

Slug = Annotated[
    str,
    Path(
        pattern=ANY_SLUG_PATTERN,
        description="The last part of the IRI, e.g. `oregon`; for a source's own resource (a case description, a "
        "passage …) `{source}/{slug}`, e.g. `creative-economy-2017-07/oregon`.",
    ),
]
Kind = Literal[RESOURCE_KINDS]  # type: ignore[valid-type]
Format = Annotated[
    TableFormat | None,
    Query(
        description="Overrides the Accept header: `json` (default), `csv` (a flat table, SPARQL-style CSV) "
        "or `excel` (the same CSV with a UTF-8 byte-order mark, as a download)."
    ),
]
_CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
    406: {"description": "The Accept header names no type this endpoint writes (JSON or CSV)."},
}


@router.get("/cases", summary="The policy cases, with their regions", response_model=CaseList, responses=_CSV)
def list_cases(request: Request, store: StoreDep, linker: LinkerDep, format: Format = None) -> Response:
    return answer(cases.list_cases(store, linker), request, format, "cases")


@router.get(
    "/cases/{slug:path}",
    summary="One case: region, institutions (kind, lead or not), instruments, lessons, sources",
    response_model=Case,
    responses={**_CSV, 404: {"description": "No case has this slug."}},
)
def get_case(slug: Slug, request: Request, store: StoreDep, linker: LinkerDep, format: Format = None) -> Response:
    return answer(cases.case_detail(store, linker, slug), request, format, f"case-{slug.replace('/', '-')}")


@router.get(
    "/compare",
    summary="Two or more cases side by side, with what they have in common",
    response_model=Comparison,
    responses={**_CSV, 404: {"description": "A slug names no case."}},
)
def compare(
    request: Request,
    store: StoreDep,
    linker: LinkerDep,
    case: Annotated[
        list[str],
        Query(
            description="A case's slug; give two or more.",
            openapi_examples={
                "two": {"value": ["creative-economy-2017-07/oregon", "creative-economy-2017-07/massachusetts"]}
            },
        ),
    ],
    format: Format = None,
) -> Response:
    return answer(cases.compare(store, linker, case), request, format, "compare")


@router.get(
    "/lifecycle",
    summary="Table 1: life-cycle stages in order, with facilitator functions and competences",
    response_model=Lifecycle,
    responses=_CSV,
)
def lifecycle(request: Request, store: StoreDep, linker: LinkerDep, format: Format = None) -> Response:
    return answer(reference.lifecycle(store, linker), request, format, "lifecycle")


@router.get(
    "/roles",
    summary="The system of organizational roles in a cluster, as a tree",
    response_model=RoleTree,
    responses=_CSV,
)
def roles(request: Request, store: StoreDep, linker: LinkerDep, format: Format = None) -> Response:
    return answer(reference.roles(store, linker), request, format, "roles")


@router.get(
    "/institutions",
    summary="The institutions, with their kinds, regions and cases",
    response_model=Listing,
    responses=_CSV,
)
def institutions(request: Request, store: StoreDep, linker: LinkerDep, format: Format = None) -> Response:
    return answer(reference.institutions(store, linker), request, format, "institutions")


@router.get(
    "/instruments",
    summary="The policy instruments, with their kinds and cases",
    response_model=Listing,
    responses=_CSV,
)
def instruments(request: Request, store: StoreDep, linker: LinkerDep, format: Format = None) -> Response:
    return answer(reference.instruments(store, linker), request, format, "instruments")


@router.get(
    "/search",
    summary="Full-text search over labels, descriptions, definitions and quotes, in Russian and English",
    description="Each word is cut to its stem (Russian and English endings; ё read as е), so `волонтеров`, "
    "`волонт` and `volunteers` all find the South Carolina lesson about volunteers. Every word must occur.",
    response_model=SearchResults,
    responses=_CSV,
)
def search(
    request: Request,
    store: StoreDep,
    linker: LinkerDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Words to find, case-insensitively.")],
    lang: Annotated[Literal["en", "ru"] | None, Query(description="Search only text in this language.")] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="Results per page.")] = 50,
    offset: Annotated[int, Query(ge=0, description="Results to skip.")] = 0,
    format: Format = None,
) -> Response:
    return answer(full_text.search(store, linker, q, lang, limit, offset), request, format, "search")


@router.get(
    "/provenance",
    summary="The sources and Russian passages the facts about a resource rest on",
    response_model=Provenance,
    responses={**_CSV, 404: {"description": "Nothing is known about this IRI."}},
)
def provenance(
    request: Request,
    store: StoreDep,
    linker: LinkerDep,
    iri: Annotated[
        str,
        Query(
            description="The resource's IRI (or this service's URL for it).",
            openapi_examples={
                "case": {"value": "https://w3id.org/clustergraph/id/source/creative-economy-2017-07/case/oregon"}
            },
        ),
    ],
    format: Format = None,
) -> Response:
    answered = lookup.provenance(store, linker, lookup.current(store, linker.canonical(iri)))
    return answer(answered, request, format, "provenance")


@router.get(
    "/resources/{kind}/{slug:path}/provenance",
    summary="Provenance of the resource …/id/{kind}/{slug}",
    response_model=Provenance,
    responses={**_CSV, 404: {"description": "Nothing is known about this resource."}},
)
def resource_provenance(
    kind: Kind, slug: Slug, request: Request, store: StoreDep, linker: LinkerDep, format: Format = None
) -> Response:
    answered = lookup.provenance(store, linker, lookup.current(store, slug_iri(kind, slug)))
    return answer(answered, request, format, f"provenance-{kind}-{slug.replace('/', '-')}")
