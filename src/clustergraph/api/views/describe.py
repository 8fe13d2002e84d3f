"""What a resource page and the ontology page show: labels, statements grouped by property (out
and in), provenance, and the ontology's terms with anchors."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import URIRef

from clustergraph.api.linking import Linker
from clustergraph.api.models import Labels, Provenance, Ref
from clustergraph.api.reading import Row, integer, labels, row_ref, select, text
from clustergraph.api.views.lookup import provenance, require
from clustergraph.namespaces import ONTOLOGY_IRI, curie
from clustergraph.store.base import GraphStore, Term

_SHOWN_IN_HEADER = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/description",
    "http://www.w3.org/2004/02/skos/core#definition",
}
_TERM_TYPES = {
    "http://www.w3.org/2002/07/owl#Class": "Classes",
    "http://www.w3.org/2002/07/owl#ObjectProperty": "Object properties",
    "http://www.w3.org/2002/07/owl#DatatypeProperty": "Datatype properties",
    "http://www.w3.org/2002/07/owl#AnnotationProperty": "Annotation properties",
}


@dataclass(frozen=True)
class Value:
    """One object (or subject) of a statement: a resource's link, or a literal and its language."""

    text: str
    ref: Ref | None = None
    lang: str | None = None
    datatype: str | None = None
    inferred: bool = False


@dataclass
class Group:
    property: Ref
    values: list[Value] = field(default_factory=list)


@dataclass(frozen=True)
class ResourceView:
    resource: Ref
    description: Labels
    outgoing: list[Group]
    incoming: list[Group]
    provenance: Provenance


RELATIONS = ("super", "sub", "domain", "range", "inverse", "characteristic")


@dataclass(frozen=True)
class OntologyTerm:
    ref: Ref
    anchor: str
    definition: str | None
    axioms: dict[str, list[Ref]] = field(default_factory=lambda: {relation: [] for relation in RELATIONS})
    members: int | None = None

    @property
    def supers(self) -> list[Ref]:
        return self.axioms["super"]


@dataclass(frozen=True)
class Citation:
    """What the "cite as" block says, from the ontology's header."""

    title: str
    creators: list[str]
    version: str | None
    version_iri: str | None
    year: str | None
    license: str | None


@dataclass(frozen=True)
class OntologyView:
    ontology: ResourceView
    sections: dict[str, list[OntologyTerm]]
    citation: Citation


def describe(store: GraphStore, linker: Linker, iri: URIRef) -> ResourceView:
    """Statements with entailment, those the sources do not state themselves marked as inferred;
    values in list order (cg:listPosition) where they have one."""
    summary = require(store, iri)
    return ResourceView(
        resource=linker.ref(str(iri), labels(summary)),
        description=Labels(en=text(summary, "description_en"), ru=text(summary, "description_ru")),
        outgoing=_statements(store, linker, iri, "outgoing", "value"),
        incoming=_statements(store, linker, iri, "incoming", "subject"),
        provenance=provenance(store, linker, iri),
    )


def _statements(store: GraphStore, linker: Linker, iri: URIRef, query: str, column: str) -> list[Group]:
    asserted = {_key(row, column) for row in select(store, query, {"iri": iri}, entailment=False)}
    rows = (row for row in select(store, query, {"iri": iri}) if text(row, "property") not in _SHOWN_IN_HEADER)
    return _group(rows, linker, column, asserted)


def _key(row: Row, column: str) -> tuple[str | None, Term]:
    return text(row, "property"), row[column]


def ontology(store: GraphStore, linker: Linker) -> OntologyView:
    """The ontology's header and terms, each with what the ontology says of it (direct super- and
    sub-terms, domain, range, inverse, characteristics, each with its own labels) and, for a class,
    how many members it has with entailment."""
    counts = {text(row, "class"): integer(row, "count") or 0 for row in select(store, "class-counts")}
    terms: dict[str, OntologyTerm] = {}
    sections: dict[str, list[OntologyTerm]] = {title: [] for title in _TERM_TYPES.values()}
    for row in select(store, "ontology-terms", entailment=False):
        iri = text(row, "term") or ""
        if iri not in terms:
            section = _TERM_TYPES[text(row, "type") or ""]
            terms[iri] = OntologyTerm(
                ref=linker.ref(iri, labels(row)),
                anchor=iri.rsplit("#", 1)[-1] if iri.startswith(ONTOLOGY_IRI + "#") else curie(iri).replace(":", "-"),
                definition=text(row, "definition"),
                members=counts.get(iri, 0) if section == "Classes" and iri.startswith(ONTOLOGY_IRI + "#") else None,
            )
            sections[section].append(terms[iri])
    for row in select(store, "term-axioms", entailment=False):
        term = terms.get(text(row, "term") or "")
        value = row_ref(linker, row, "value", "")
        if (
            term is not None
            and value is not None
            and all(v.iri != value.iri for v in term.axioms[text(row, "relation") or ""])
        ):
            term.axioms[text(row, "relation") or ""].append(value)
    return OntologyView(
        ontology=describe(store, linker, URIRef(ONTOLOGY_IRI)), sections=sections, citation=citation(store)
    )


def citation(store: GraphStore) -> Citation:
    rows = select(store, "ontology-header", entailment=False)
    first = rows[0] if rows else {}
    return Citation(
        title=text(first, "title") or ONTOLOGY_IRI,
        creators=list(dict.fromkeys(text(row, "creator") or "" for row in rows if text(row, "creator"))),
        version=text(first, "version_info"),
        version_iri=text(first, "version_iri"),
        year=(text(first, "modified") or text(first, "created") or "")[:4] or None,
        license=text(first, "license"),
    )


def _group(
    rows: Iterable[Row], linker: Linker, column: str, asserted: set[tuple[str | None, Term]] | None = None
) -> list[Group]:
    groups: dict[str, Group] = {}
    for row in rows:
        prop = row_ref(linker, row, "property")
        if prop is None:
            continue
        inferred = asserted is not None and _key(row, column) not in asserted
        groups.setdefault(prop.iri, Group(property=prop)).values.append(_value(row, linker, column, inferred))
    return list(groups.values())


def _value(row: Row, linker: Linker, column: str, inferred: bool) -> Value:
    term = row[column]
    if term.type == "literal":
        return Value(text=term.value, lang=term.lang, datatype=term.datatype, inferred=inferred)
    ref = row_ref(linker, row, column)
    return Value(text=term.value, ref=ref, inferred=inferred)
