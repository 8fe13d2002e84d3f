"""The analysts' resource endpoints: cases, comparison, life cycle, roles, institutions,
instruments, search and provenance, each answering one stable JSON shape (`api.models`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from clustergraph.api.deps import StoreDep
from clustergraph.api.linking import SLUG_PATTERN, LinkerDep, slug_iri
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
from clustergraph.api.views import cases, lookup, reference
from clustergraph.api.views import search as full_text

router = APIRouter(prefix="/api", tags=["analysts"])

Slug = Annotated[str, Path(pattern=SLUG_PATTERN, description="The last part of the IRI, e.g. `oregon`.")]


@router.get("/cases", summary="The policy cases, with their regions")
def list_cases(store: StoreDep, linker: LinkerDep) -> CaseList:
    return cases.list_cases(store, linker)


@router.get(
    "/cases/{slug}",
    summary="One case: region, institutions (kind, lead or not), instruments, lessons, sources",
)
def get_case(slug: Slug, store: StoreDep, linker: LinkerDep) -> Case:
    return cases.case_detail(store, linker, slug)


@router.get("/compare", summary="Two or more cases side by side, with what they have in common")
def compare(
    store: StoreDep,
    linker: LinkerDep,
    case: Annotated[
        list[str],
        Query(
            description="A case's slug; give two or more.",
            openapi_examples={"two": {"value": ["oregon", "massachusetts"]}},
        ),
    ],
) -> Comparison:
    return cases.compare(store, linker, case)


@router.get(
    "/lifecycle",
    summary="Table 1: life-cycle stages in order, with facilitator functions and competences",
)
def lifecycle(store: StoreDep, linker: LinkerDep) -> Lifecycle:
    return reference.lifecycle(store, linker)


@router.get("/roles", summary="The system of organizational roles in a cluster, as a tree")
def roles(store: StoreDep, linker: LinkerDep) -> RoleTree:
    return reference.roles(store, linker)


@router.get("/institutions", summary="The institutions, with their kinds, regions and cases")
def institutions(store: StoreDep, linker: LinkerDep) -> Listing:
    return reference.institutions(store, linker)


@router.get("/instruments", summary="The policy instruments, with their kinds and cases")
def instruments(store: StoreDep, linker: LinkerDep) -> Listing:
    return reference.instruments(store, linker)


@router.get(
    "/search",
    summary="Full-text search over labels, descriptions, definitions and quotes, in Russian and English",
    description="Each word is cut to its stem (Russian and English endings; ё read as е), so `волонтеров`, "
    "`волонт` and `volunteers` all find the South Carolina lesson about volunteers. Every word must occur.",
)
def search(
    store: StoreDep,
    linker: LinkerDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Words to find, case-insensitively.")],
    lang: Annotated[Literal["en", "ru"] | None, Query(description="Search only text in this language.")] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="Results per page.")] = 50,
    offset: Annotated[int, Query(ge=0, description="Results to skip.")] = 0,
) -> SearchResults:
    return full_text.search(store, linker, q, lang, limit, offset)


@router.get("/provenance", summary="The sources and Russian passages the facts about a resource rest on")
def provenance(
    store: StoreDep,
    linker: LinkerDep,
    iri: Annotated[
        str,
        Query(
            description="The resource's IRI (or this service's URL for it).",
            openapi_examples={"case": {"value": "https://w3id.org/clustergraph/id/case/oregon"}},
        ),
    ],
) -> Provenance:
    return lookup.provenance(store, linker, linker.canonical(iri))


@router.get("/resources/{kind}/{slug}/provenance", summary="Provenance of the resource …/id/{kind}/{slug}")
def resource_provenance(kind: str, slug: Slug, store: StoreDep, linker: LinkerDep) -> Provenance:
    return lookup.provenance(store, linker, slug_iri(kind, slug))
