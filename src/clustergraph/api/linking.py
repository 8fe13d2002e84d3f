"""IRIs and URLs: our canonical IRIs live under https://w3id.org/clustergraph/, and this service
dereferences them under its own base URL (`settings.base_url`, or the URL the request came to), so a
researcher can follow every link locally while the IRI shown stays the one to cite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from rdflib import URIRef

from clustergraph.api.deps import SettingsDep, public_base
from clustergraph.api.models import Labels, Ref
from clustergraph.errors import QueryParameterError, ResourceNotFound
from clustergraph.namespaces import (
    ABSOLUTE_IRI,
    BASE,
    GRAPH,
    ONTOLOGY_IRI,
    RESOURCE_KINDS,
    SCOPED_KINDS,
    SLUG,
    SOURCE_SLUG,
    kind_and_slug,
    kind_iri,
)
from clustergraph.namespaces import SLUG_PATTERN as SLUG_PATTERN  # the routes take it from here

# what names a resource of a kind in a URL: `oregon`, or `{source}/{slug}` for a source's own resource
ANY_SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)?$"


def identify(iri: str) -> tuple[str | None, str | None]:
    """(kind, slug) of one of our IRIs: `…/id/region/oregon` → ("region", "oregon"),
    `…/id/source/s/case/oregon` → ("case", "s/oregon"), an ontology term → ("ontology", "Forum")."""
    found = kind_and_slug(iri)
    if found is not None:
        return found
    if iri.startswith(ONTOLOGY_IRI + "#"):
        return "ontology", iri[len(ONTOLOGY_IRI) + 1 :]
    return None, None


def slug_iri(kind: str, slug: str) -> URIRef:
    """The IRI a kind and a slug name (namespaces.kind_iri: `oregon`, or `{source}/{slug}` for a source's
    own resources): 404 for a kind we do not have, 422 for a malformed slug."""
    if kind not in RESOURCE_KINDS:
        raise ResourceNotFound(f"{kind!r} is not a kind of resource; the kinds are: {', '.join(RESOURCE_KINDS)}")
    if not (SLUG.fullmatch(slug) or (kind in SCOPED_KINDS and SOURCE_SLUG.fullmatch(slug))):
        scoped = " or {source}/{slug}" if kind in SCOPED_KINDS else ""
        raise QueryParameterError(f"{slug!r} is not a slug (lower-case ASCII words joined by '-'{scoped})")
    return URIRef(kind_iri(kind, slug))


@dataclass(frozen=True)
class Linker:
    """Maps canonical IRIs to this service's URLs, and back."""

    base: str
    request_base: str = ""

    def url(self, iri: str) -> str:
        if iri.startswith(str(GRAPH)):
            return f"{self.base}/graphs?graph={iri}"
        if iri.startswith(BASE):
            return f"{self.base}/{iri[len(BASE) :]}"
        return iri

    def canonical(self, iri_or_url: str) -> URIRef:
        """An IRI a user gave, maybe as our URL for it; 422 unless it is an absolute IRI."""
        if iri_or_url.startswith(self.base + "/"):
            iri_or_url = BASE + iri_or_url[len(self.base) + 1 :]
        if not ABSOLUTE_IRI.fullmatch(iri_or_url):
            raise QueryParameterError(f"{iri_or_url!r} is not an absolute IRI")
        return URIRef(iri_or_url)

    def public(self, url: str) -> str:
        """A URL of this request, rewritten under the public base URL."""
        if self.request_base and url.startswith(self.request_base):
            return f"{self.base}/{url[len(self.request_base) :]}"
        return url

    def ref(self, iri: str, label: Labels | None = None) -> Ref:
        kind, slug = identify(iri)
        return Ref(iri=iri, url=self.url(iri), kind=kind, slug=slug, label=label or Labels())


def get_linker(request: Request, settings: SettingsDep) -> Linker:
    return Linker(base=public_base(request, settings), request_base=str(request.base_url))


LinkerDep = Annotated[Linker, Depends(get_linker)]
