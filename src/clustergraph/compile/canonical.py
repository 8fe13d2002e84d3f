"""Canonical Turtle: one deterministic layout for every hand-edited file, so that a save in Protégé or an
edit by hand gives a reviewable diff after `clustergraph fmt`.

Subjects are grouped in sections (the ontology header, classes, properties, shapes, then individuals by
type), each section behind a `# -- … ---` banner and sorted by IRI; each subject is one block written
by rdflib's `longturtle` serializer, with its blank nodes nested inside it. A source's own resources
(namespaces.SCOPED_KINDS) are written relative to the source's `@base`, `<passage/x>`, so a file reads
the same whatever its source is called (rdflib's serializers take `base=` but do not relativize).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from rdflib import OWL, RDF, BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from clustergraph.namespaces import SH, bind_prefixes, source_base

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


def canonical_turtle(graph: Graph, base: str | None = None) -> str:
    """The canonical text; IRIs under `base` (a source's, see `file_base`) written relative to it."""
    graph = stable_blank_nodes(graph)
    prefixes: dict[str, str] = {}
    sections: list[str] = []
    for title, subjects in _sections(graph):
        blocks = sorted(_relative(_block(graph, subject, prefixes), base) for subject in subjects)
        sections.append(f"# -- {title} " + "-" * max(3, 92 - len(title)) + "\n\n" + "\n".join(blocks))
    header = f"@base <{base}> .\n" if base else ""
    header += "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items()))
    return header + "\n" + "\n".join(sections)


def file_base(path: Path, graph: Graph) -> str | None:
    """The base of a file in a source's folder (`data/<source>/`): the source's, when the file names any
    resource of that source; None elsewhere (the ontology, shapes) or when it names none."""
    base = source_base(path.resolve().parent.name)
    used = any(isinstance(term, URIRef) and term.startswith(base) for triple in graph for term in triple)
    return base if used else None


def _relative(block: str, base: str | None) -> str:
    if base is None:
        return block
    return re.sub(rf"<{re.escape(base)}([^<>\s]*)>", r"<\1>", block)


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
