"""Provenance of any resource, and the existence checks other views rely on."""

from __future__ import annotations

from rdflib import URIRef

from clustergraph.api.linking import Linker
from clustergraph.api.models import Passage, Provenance, Source
from clustergraph.api.reading import (
    Row,
    integer,
    labels,
    row_ref,
    select,
    text,
    unique,
)
from clustergraph.errors import ResourceNotFound
from clustergraph.store.base import GraphStore


def is_a(store: GraphStore, iri: URIRef, cls: URIRef) -> bool:
    return bool(select(store, "is-a", {"iri": iri, "class": cls}))


def replacement(store: GraphStore, iri: URIRef) -> URIRef | None:
    """The IRI that replaced a moved one (`dcterms:isReplacedBy`, from a source's moved.ttl), if it moved."""
    rows = select(store, "replaced-by", {"iri": iri})
    new = text(rows[0], "replacement") if rows else None
    return URIRef(new) if new else None


def current(store: GraphStore, iri: URIRef) -> URIRef:
    """The IRI itself, or the one that replaced it if it moved: what an IRI cited before a move names now."""
    return replacement(store, iri) or iri


def require(store: GraphStore, iri: URIRef) -> Row:
    """The resource's labels and descriptions; ResourceNotFound if the graph says nothing of it."""
    rows = select(store, "summary", {"iri": iri})
    if not rows:
        raise ResourceNotFound(f"nothing is known about <{iri}>")
    return rows[0]


def provenance(store: GraphStore, linker: Linker, iri: URIRef) -> Provenance:
    summary = require(store, iri)
    rows = select(store, "provenance", {"iri": iri})
    passages: dict[str, Passage] = {}
    for row in rows:
        passage = _passage(row, linker, passages)
        source = _source(row, linker)
        if source is not None:
            relation = passage.cites if text(row, "relation") == "cites" else passage.quoted_from
            relation.append(source)
    sources = unique(s for p in passages.values() for s in [*p.quoted_from, *p.cites])
    return Provenance(
        resource=linker.ref(str(iri), labels(summary)),
        passages=list(passages.values()),
        sources=sorted(sources, key=lambda s: (s.reference_number or 0, s.iri)),
    )


def _passage(row: Row, linker: Linker, passages: dict[str, Passage]) -> Passage:
    iri = text(row, "passage") or ""
    if iri not in passages:
        passages[iri] = Passage(
            **linker.ref(iri, labels(row, "passage_")).model_dump(),
            quote=text(row, "quote"),
            section=text(row, "section"),
        )
    return passages[iri]


def _source(row: Row, linker: Linker) -> Source | None:
    ref = row_ref(linker, row, "source")
    if ref is None:
        return None
    return Source(
        **ref.model_dump(),
        title=text(row, "title"),
        reference_number=integer(row, "reference_number"),
        citation=text(row, "citation"),
    )
