"""Data that breaks every constraint of the shapes, derived from the shapes themselves.

For each shape with targets and each of its constraints, `inject` writes a fresh focus node that the
shape targets and values that break that one constraint (a wrong class, too few or too many values, a
wrong datatype or language, a repeated language, a value outside a pattern or a range, a value that
fails sh:or or sh:xone or passes what sh:not forbids, too few or too many qualified values, along
inverse paths too). A constraint this module cannot break raises `Uninjectable`, so a new kind of
constraint in the shapes fails the cross-check until it is taught here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count

from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from clustergraph.namespaces import SH

EXAMPLE = "https://example.org/injected/"
_INTEGER_TYPES = {XSD.integer, XSD.positiveInteger, XSD.nonNegativeInteger}


class Uninjectable(Exception):
    """The shapes use a constraint that no injection here breaks."""


@dataclass(frozen=True)
class _Path:
    iri: URIRef
    inverse: bool


@dataclass
class Injector:
    shapes: Graph
    data: Graph

    def __post_init__(self) -> None:
        self._numbers = count(1)

    def inject_all(self) -> None:
        """Break every constraint of every targeted shape."""
        for shape in sorted(
            {s for p in (SH.targetClass, SH.targetSubjectsOf) for s in self.shapes.subjects(p)}, key=str
        ):
            for name, obj in self._constraints(shape):
                self._break(shape, None, name, obj)
            for prop in sorted(self.shapes.objects(shape, SH.property), key=str):
                path = self._path(prop)
                for name, obj in self._constraints(prop):
                    self._break(shape, (prop, path), name, obj)

    # -- what a shape constrains -------------------------------------------------------------------

    def _constraints(self, shape: Node) -> Iterator[tuple[str, Node]]:
        skip = {SH.message, SH.severity, SH.path, SH.property, SH.targetClass, SH.targetSubjectsOf, SH.target}
        skip |= {SH.flags, SH.qualifiedValueShape}
        for predicate, obj in sorted(self.shapes.predicate_objects(shape)):
            if str(predicate).startswith(str(SH)) and predicate not in skip:
                if predicate == SH.uniqueLang and not _literal(obj).toPython():
                    continue
                yield str(predicate).removeprefix(str(SH)), obj

    def _path(self, shape: Node) -> _Path:
        path = self.shapes.value(shape, SH.path)
        if isinstance(path, URIRef):
            return _Path(path, False)
        inverse = self.shapes.value(path, SH.inversePath)
        if isinstance(inverse, URIRef):
            return _Path(inverse, True)
        raise Uninjectable(f"path {path} of {shape}")

    # -- writing the data --------------------------------------------------------------------------

    def _fresh(self) -> URIRef:
        return URIRef(f"{EXAMPLE}{next(self._numbers)}")

    def _focus(self, shape: Node) -> URIRef:
        focus = self._fresh()
        target = self.shapes.value(shape, SH.targetClass)
        if target is not None:
            self.data.add((focus, RDF.type, target))
        else:
            predicate = self.shapes.value(shape, SH.targetSubjectsOf)
            assert predicate is not None
            self.data.add((focus, predicate, Literal("injected", lang="en")))
        return focus

    def _link(self, focus: URIRef, path: _Path, value: Node) -> None:
        if path.inverse:
            if isinstance(value, Literal):  # a literal cannot be a subject: the nearest a blank node comes
                value = BNode()
            self.data.add((value, path.iri, focus))
        else:
            self.data.add((focus, path.iri, value))

    def _break(self, shape: Node, prop: tuple[Node, _Path] | None, name: str, obj: Node) -> None:
        focus = self._focus(shape)
        if prop is None:  # a constraint on the focus node itself
            if name in {"or", "xone"}:  # a fresh focus has nothing its members ask for
                return
            raise Uninjectable(f"{name} on node shape {shape}")
        holder, path = prop
        if name == "minCount" or name == "qualifiedMinCount":
            return  # the fresh focus has no value at all
        if name == "maxCount":
            for _ in range(_number(obj) + 1):
                self._link(focus, path, self._fresh())
            return
        if name == "qualifiedMaxCount":
            inner = self.shapes.value(holder, SH.qualifiedValueShape)
            assert inner is not None
            for index in range(_number(obj) + 1):
                self._link(focus, path, self._conforming(inner, index))
            return
        if name == "uniqueLang":
            self._link(focus, path, Literal("one", lang="en"))
            self._link(focus, path, Literal("two", lang="en"))
            return
        for value in self._breaking(name, obj):
            self._link(focus, path, value)

    def _breaking(self, name: str, obj: Node) -> list[Node]:
        """Values that break the constraint `name` with parameter `obj`."""
        if name in {"class", "or", "xone"}:  # a fresh IRI has no type and nothing else
            return [self._fresh()]
        if name == "nodeKind":
            return [Literal("a literal")] if obj in {SH.IRI, SH.BlankNodeOrIRI} else [self._fresh()]
        if name == "datatype":
            values: list[Node] = [Literal("plain") if obj != XSD.string else Literal("tagged", lang="en-GB")]
            if obj == RDF.langString:
                values.append(Literal("typed", datatype=XSD.string))
            if isinstance(obj, URIRef) and obj in _INTEGER_TYPES:
                values += [Literal(lexical, datatype=obj) for lexical in ("abc", "0", "-1")]
                values.append(Literal("7", datatype=XSD.decimal))
            return values
        if name == "languageIn":
            return [Literal("deutsch", lang="de"), Literal("Deutsch", lang="DE-AT"), Literal("no language")]
        if name == "pattern":
            return [Literal("does not match"), URIRef(f"{EXAMPLE}does-not-match")]
        if name == "minInclusive":
            return [Literal(_number(obj) - 1, datatype=_literal(obj).datatype), Literal("a string")]
        if name == "maxInclusive":
            return [Literal(_number(obj) + 1, datatype=_literal(obj).datatype)]
        if name == "not":
            return [self._conforming(obj, 0)]
        raise Uninjectable(f"sh:{name}")

    def _conforming(self, shape: Node, index: int) -> Node:
        """A value that conforms to a simple nested shape: a language, a class or the first member of sh:or."""
        languages = self.shapes.value(shape, SH.languageIn)
        if languages is not None:
            return Literal(f"value {index}", lang=str(next(iter(Collection(self.shapes, languages)))))
        cls = self.shapes.value(shape, SH["class"])
        if cls is not None:
            value = self._fresh()
            self.data.add((value, RDF.type, cls))
            return value
        members = self.shapes.value(shape, SH["or"])
        if members is not None:
            return self._conforming(next(iter(Collection(self.shapes, members))), index)
        raise Uninjectable(f"a value conforming to {shape}")


def _literal(node: Node) -> Literal:
    if not isinstance(node, Literal):
        raise Uninjectable(f"{node} is not a literal")
    return node


def _number(node: Node) -> int:
    return int(_literal(node).toPython())
