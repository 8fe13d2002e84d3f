"""Canonical Turtle: one deterministic layout for every hand-edited file, so that a save in Protégé or an
edit by hand gives a reviewable diff after `clustergraph fmt`.

Subjects are grouped in sections (the ontology header, classes, properties, shapes, then individuals by
type), each section behind a `# -- … ---` banner and sorted by IRI; each subject is one block written
by rdflib's `longturtle` serializer, with its blank nodes nested inside it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from rdflib import OWL, RDF, BNode, Graph
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from clustergraph.namespaces import SH, bind_prefixes

_SECTIONS: tuple[tuple[Node, str], ...] = (
    (OWL.Ontology, "Ontology"),
    (OWL.Class, "Classes"),
    (OWL.ObjectProperty, "Object properties"),
    (OWL.DatatypeProperty, "Datatype properties"),
    (OWL.AnnotationProperty, "Annotation properties"),
    (SH.NodeShape, "Node shapes"),
    (SH.PropertyShape, "Property shapes"),
)
_PREFIX_LINE = re.compile(r"^PREFIX (\S*): <([^>]*)>$")


def canonical_turtle(graph: Graph) -> str:
    graph = stable_blank_nodes(graph)
    prefixes: dict[str, str] = {}
    sections: list[str] = []
    for title, subjects in _sections(graph):
        blocks = sorted(_block(graph, subject, prefixes) for subject in subjects)
        sections.append(f"# -- {title} " + "-" * max(3, 92 - len(title)) + "\n\n" + "\n".join(blocks))
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items()))
    return header + "\n" + "\n".join(sections)


def stable_blank_nodes(graph: Graph) -> Graph:
    """Blank nodes relabelled from their content (rdflib's canonical labelling): the same on every run."""
    if not any(isinstance(term, BNode) for triple in graph for term in triple):
        return graph
    stable = bind_prefixes(Graph())
    stable += to_canonical_graph(graph)
    for prefix, namespace in graph.namespaces():
        if prefix and prefix not in dict(stable.namespaces()):
            stable.bind(prefix, namespace)
    return stable


def _sections(graph: Graph) -> Iterator[tuple[str, list[Node]]]:
    placed: set[Node] = set()
    for kind, title in _SECTIONS:
        members = [s for s in set(graph.subjects(RDF.type, kind)) if s not in placed and not isinstance(s, BNode)]
        placed.update(members)
        if members:
            yield title, members
    by_type: dict[str, list[Node]] = defaultdict(list)
    for subject in set(graph.subjects()) - placed:
        if isinstance(subject, BNode) and (None, None, subject) in graph:
            continue  # nested inside the block of the subject that refers to it
        types = sorted(graph.namespace_manager.normalizeUri(str(t)) for t in graph.objects(subject, RDF.type))
        by_type[types[0] if types else "untyped"].append(subject)
    for title in sorted(by_type):
        yield title, by_type[title]


def _block(graph: Graph, subject: Node, prefixes: dict[str, str]) -> str:
    part = bind_prefixes(Graph())
    for prefix, namespace in graph.namespaces():
        if prefix and prefix not in dict(part.namespaces()):
            part.bind(prefix, namespace)
    _copy_with_nested_bnodes(graph, subject, part, set())
    lines: list[str] = []
    for line in part.serialize(format="longturtle").splitlines():
        match = _PREFIX_LINE.match(line)
        if match:
            prefixes[match.group(1)] = match.group(2)
        elif line.strip() or lines:
            lines.append(line)
    return "\n".join(lines).strip() + "\n"


def _copy_with_nested_bnodes(graph: Graph, subject: Node, into: Graph, seen: set[Node]) -> None:
    seen.add(subject)
    for predicate, obj in graph.predicate_objects(subject):
        into.add((subject, predicate, obj))
        if isinstance(obj, BNode) and obj not in seen:
            _copy_with_nested_bnodes(graph, obj, into, seen)
