"""Contested values: what two sources say differently, reported for a reader instead of refused.

A property that holds one value per source (`shapes/per-source/`: a stage's order, a lesson's case,
a count) may hold different values in different sources: one article counts more than 40 clusters
in Serbia, a later one more than 50. Neither is an error, and neither source wins; the build lists
each such subject and property with the value each source gives, so an editor or an analyst can see
where the sources disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from clustergraph.compile.validate import shorten
from clustergraph.namespaces import SH


@dataclass(frozen=True)
class Contested:
    """One subject and property with different values in different source graphs."""

    subject: str
    property: str
    values: tuple[tuple[str, tuple[str, ...]], ...]  # (source, its values), sources in name order

    def render(self) -> str:
        given = "; ".join(f"{source}: {', '.join(shorten(v) for v in values)}" for source, values in self.values)
        return f"{shorten(self.subject)} {shorten(self.property)} differs between sources ({given})"

    def as_dict(self) -> dict[str, object]:
        return {"subject": self.subject, "property": self.property, "values": dict(self.values)}


def single_valued_properties(per_source_shapes: Graph) -> list[URIRef]:
    """The properties the per-source shapes allow once per subject (`sh:maxCount 1` on a plain path)."""
    paths = {
        path
        for shape in per_source_shapes.subjects(SH.maxCount, Literal(1))
        if isinstance(path := per_source_shapes.value(shape, SH.path), URIRef)
    }
    return sorted(paths)


def contested_values(data: Mapping[str, Graph], properties: Iterable[URIRef]) -> list[Contested]:
    """Every (subject, property) among `properties` whose values differ from one source graph to another."""
    found: list[Contested] = []
    for prop in properties:
        by_subject: dict[Node, dict[str, set[str]]] = {}
        for source, graph in sorted(data.items()):
            for subject, value in graph.subject_objects(prop):
                by_subject.setdefault(subject, {}).setdefault(source, set()).add(_text(value))
        for subject, per_source in by_subject.items():
            if len(per_source) > 1 and len({frozenset(v) for v in per_source.values()}) > 1:
                values = tuple((source, tuple(sorted(v))) for source, v in sorted(per_source.items()))
                found.append(Contested(subject=str(subject), property=str(prop), values=values))
    return sorted(found, key=lambda c: (c.subject, c.property))


def _text(value: Node) -> str:
    return str(value) if isinstance(value, (URIRef, Literal)) else value.n3()
