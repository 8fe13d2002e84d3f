"""A native SHACL validator: the SHACL Core subset our shapes use, run as SPARQL inside pyoxigraph.

pyshacl stays the validator of record (`CLUSTERGRAPH_VALIDATOR=pyshacl`); this engine runs behind a
cross-check (tests/test_shacl_native.py) that requires the same violations as pyshacl on the article, on
a synthetic project and on data with a violation injected for every constraint component the shapes use.
It exists for speed: pyshacl walks every focus node and constraint in Python (about 40% of a build of
10^5 triples), where here each constraint is one query over a whole batch, and the per-source shapes one
query over all the batch's source graphs at once (`GRAPH ?g`), not one pyshacl call per source.

Semantics follow pyshacl as `validate.py` calls it (inference "none", the ontology mixed into the data
graph): targets and sh:class reach instances through rdfs:subClassOf* in the data and the ontology.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import XSD, BNode, Graph, Literal
from rdflib.term import Identifier

from clustergraph.compile.shacl.compiler import COMPONENTS, INTEGER_TYPES, OPAQUE, Check, Kind, ShapeCompiler
from clustergraph.store.terms import rdflib_to_oxigraph

GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph

__all__ = ["COMPONENTS", "Check", "Result", "ShapeCompiler", "SourceStore", "quads", "run", "stored_term"]
_OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class Result:
    """One validation result: the check that found it, its focus node, its value node where the component
    reports one, and the named graph it was found in when the shapes ran per graph."""

    check: Check
    focus: _OxTerm
    value: _OxTerm | None
    graph: ox.NamedNode | ox.BlankNode | None


class SourceStore:
    """The ontology and the sources together in one graph, and each source again in a graph of its own,
    in one in-memory store, ready for `run`. The union is one graph, not a query's default graph made of
    each source's: over 30 sources, Oxigraph answered the shapes ten times faster so."""

    def __init__(self, ontology: Graph, data: Mapping[str, Graph]) -> None:
        self.store = ox.Store()
        self.spelled: dict[_OxTerm, Literal] = {}
        self.union = ox.BlankNode()
        self.store.extend(quads(ontology, self.union, self.spelled))
        self.graphs = {name: ox.BlankNode() for name in data}
        for name, graph in data.items():
            own = list(quads(graph, self.graphs[name], self.spelled))
            self.store.extend(own)
            self.store.extend(ox.Quad(q.subject, q.predicate, q.object, self.union) for q in own)
        self._names: dict[ox.NamedNode | ox.BlankNode, str] = {graph: name for name, graph in self.graphs.items()}

    def as_written(self, term: _OxTerm) -> Literal | None:
        """The literal as the data spells it, where Oxigraph spells it otherwise (see `quads`)."""
        return self.spelled.get(term)

    def merged(self, shapes: Graph) -> list[Result]:
        """The results of `shapes` over the ontology and every source together, as pyshacl's `ont_graph`."""
        return list(run(self.store, ShapeCompiler(shapes).checks(), data=[self.union]))

    def per_source(self, shapes: Graph) -> dict[str, list[Result]]:
        """The results of `shapes` within each source graph on its own, without the ontology."""
        found: dict[str, list[Result]] = {name: [] for name in self.graphs}
        for result in run(self.store, ShapeCompiler(shapes).checks(), per_graph=list(self.graphs.values())):
            assert result.graph is not None
            found[self._names[result.graph]].append(result)
        return found


def quads(graph: Graph, name: ox.NamedNode | ox.BlankNode, spelled: dict[_OxTerm, Literal]) -> Iterator[ox.Quad]:
    """`graph` in the validation store's form: blank nodes keep their ids (so that a blank focus finds
    its file), and a literal of a type derived from xsd:integer keeps its type (see `INTEGER_TYPES`).
    Oxigraph lower-cases language tags and drops an explicit ^^xsd:string; `spelled` keeps such literals
    as written, so that a report shows the value pyshacl shows."""
    for subject, predicate, obj in graph:
        resource = ox.BlankNode(str(subject)) if isinstance(subject, BNode) else ox.NamedNode(str(subject))
        if isinstance(obj, Literal) and obj.datatype is not None and str(obj.datatype) in INTEGER_TYPES:
            value: _OxTerm = ox.Literal(str(obj), datatype=ox.NamedNode(INTEGER_TYPES[str(obj.datatype)]))
        else:
            assert isinstance(obj, Identifier)
            value = rdflib_to_oxigraph(obj)
            if isinstance(obj, Literal) and (
                obj.datatype == XSD.string or (obj.language or "").lower() != (obj.language or "")
            ):
                spelled.setdefault(value, obj)
        yield ox.Quad(resource, ox.NamedNode(str(predicate)), value, name)


def stored_term(term: _OxTerm) -> _OxTerm:
    """The term as the data has it: an opaque integer type of the validation store read back."""
    if isinstance(term, ox.Literal) and term.datatype.value.startswith(OPAQUE):
        datatype = "http://www.w3.org/2001/XMLSchema#" + term.datatype.value.removeprefix(OPAQUE)
        return ox.Literal(term.value, datatype=ox.NamedNode(datatype))
    return term


def run(
    store: ox.Store,
    checks: Sequence[Check],
    *,
    data: Sequence[GraphName] | None = None,
    per_graph: Sequence[ox.NamedNode | ox.BlankNode] | None = None,
) -> Iterator[Result]:
    """Every result of `checks` over the union of the graphs `data`, or within each graph of `per_graph`."""
    for check in checks:
        if per_graph is not None:
            rows = store.query(check.query(per_graph=True), named_graphs=list(per_graph))
        else:
            rows = store.query(check.query(per_graph=False), default_graph=list(data or []))
        assert isinstance(rows, ox.QuerySolutions)
        for row in rows:
            focus = row["focus"]
            value = row["value"] if check.kind is Kind.VALUE else None
            graph = row["g"] if per_graph is not None else None
            assert isinstance(focus, ox.NamedNode | ox.BlankNode | ox.Literal)
            assert value is None or isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal)
            assert graph is None or isinstance(graph, ox.NamedNode | ox.BlankNode)
            yield Result(check, stored_term(focus), None if value is None else stored_term(value), graph)
