"""A named query's answer as an HTML table: IRIs as labelled links to their pages, literals with
their language, and the links to the previous and next pages and to the CSV and JSON of this page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rdflib import URIRef

from clustergraph.api.linking import Linker
from clustergraph.api.models import Labels, Ref
from clustergraph.api.reading import labels, select
from clustergraph.store.base import GraphStore, Term


@dataclass(frozen=True)
class Cell:
    text: str
    ref: Ref | None = None
    lang: str | None = None
    datatype: str | None = None


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[Cell]]


def table(store: GraphStore, linker: Linker, variables: Sequence[str], rows: Sequence[Mapping[str, Term]]) -> Table:
    """The rows as cells; each distinct IRI's labels are looked up once."""
    known: dict[str, Labels] = {}
    cells = [[_cell(store, linker, row.get(name), known) for name in variables] for row in rows]
    return Table(columns=list(variables), rows=cells)


def _cell(store: GraphStore, linker: Linker, term: Term | None, known: dict[str, Labels]) -> Cell:
    if term is None:
        return Cell(text="")
    if term.type == "literal":
        return Cell(text=term.value, lang=term.lang, datatype=term.datatype)
    if term.type == "bnode":
        return Cell(text=f"_:{term.value}")
    if term.value not in known:
        found = select(store, "summary", {"iri": URIRef(term.value)})
        known[term.value] = labels(found[0]) if found else Labels()
    return Cell(text=term.value, ref=linker.ref(term.value, known[term.value]))
