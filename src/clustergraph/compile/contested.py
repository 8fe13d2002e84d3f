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

# (property, subject, value) as text: one value of a single-valued property in one source graph
SingleValue = tuple[str, str, str]


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


def single_values(graph: Graph, properties: Iterable[URIRef]) -> tuple[SingleValue, ...]:
    """A source graph's values of `properties`, as `contested_values` compares them (kept in the build
    cache for a source not parsed again, see `summary`)."""
    return tuple(
        sorted(
            (str(prop), str(subject), _text(value))
            for prop in properties
            for subject, value in graph.subject_objects(prop)
        )
    )


def contested_values(values: Mapping[str, Iterable[SingleValue]]) -> list[Contested]:
    """Every (subject, property) whose values (`single_values`, by source) differ from one source to another."""
    by_subject: dict[tuple[str, str], dict[str, set[str]]] = {}
    for source, found in sorted(values.items()):
        for prop, subject, value in found:
            by_subject.setdefault((subject, prop), {}).setdefault(source, set()).add(value)
    contested: list[Contested] = []
    for (subject, prop), per_source in by_subject.items():
        if len(per_source) > 1 and len({frozenset(v) for v in per_source.values()}) > 1:
            given = tuple((source, tuple(sorted(v))) for source, v in sorted(per_source.items()))
            contested.append(Contested(subject=subject, property=prop, values=given))
    return sorted(contested, key=lambda c: (c.subject, c.property))


def _text(value: Node) -> str:
    return str(value) if isinstance(value, (URIRef, Literal)) else value.n3()
