"""SHACL shapes compiled into SPARQL SELECT queries, one per shape and constraint component.

Each query returns the rows pyshacl would report for that component: `?focus`, and `?value` where the
component judges each value node (class, nodeKind, datatype, languageIn, pattern, ranges, or, not,
xone) or `?lang` for sh:uniqueLang's one result per repeated language. Counts (sh:minCount,
sh:maxCount, sh:qualifiedMinCount, sh:qualifiedMaxCount) are a GROUP BY with a HAVING.

A nested shape (a member of sh:or, sh:xone, sh:not, or a sh:qualifiedValueShape) becomes a boolean
expression, true when its node conforms; every component's expression is wrapped in COALESCE(…, false),
so that a SPARQL error (comparing a string with a number, casting an ill-typed literal) reads as
"does not conform", as pyshacl judges it.

Only the components listed in `_PARAMETERS` are implemented; a shape using any other SHACL parameter is
refused with its name and the parameter's, never skipped. Every term of a shape reaches the query text
through pyoxigraph's own N-Triples writer, so no quote in a shapes file can break or extend a query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from itertools import count

from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from clustergraph.errors import BuildError
from clustergraph.namespaces import SH
from clustergraph.store.terms import rdflib_to_oxigraph

# Oxigraph stores a literal of any type derived from xsd:integer (xsd:positiveInteger, xsd:int, …) as
# xsd:integer, and SHACL's sh:datatype must tell them apart: the validation store gives those literals an
# opaque datatype of their own (`INTEGER_TYPES`), and the queries and results map it back.
_INTEGER_DERIVED = [
    *("nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger"),
    *("long", "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"),
]
OPAQUE = "urn:x-clustergraph:shacl:datatype:"
INTEGER_TYPES = {str(XSD[name]): OPAQUE + name for name in _INTEGER_DERIVED}
_TYPE_OF = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
_XSD = "http://www.w3.org/2001/XMLSchema#"


class Kind(Enum):
    """What a query's rows are: one result per value, per focus node, or per focus node and language."""

    VALUE = "value"
    FOCUS = "focus"
    LANGUAGE = "language"


@dataclass(frozen=True)
class Check:
    """One constraint component of one shape, as a query over the data (`?focus` at the shape's targets)."""

    shape: Node
    component: str  # the parameter that declares it, e.g. "class", "minCount"
    kind: Kind
    path: str | None  # the result path as the report writes it: an IRI, or ^IRI for an inverse path
    severity: str
    messages: tuple[Literal, ...]
    body: str  # the WHERE clause's group pattern, with ?focus (and ?value) bound
    having: str = ""  # for counts: the comparison that breaks the constraint, e.g. "< 1"

    def query(self, per_graph: bool) -> str:
        """The SELECT over the default graph or, `per_graph`, within each named graph (?g)."""
        graph = "?g " if per_graph else ""
        where = f"GRAPH ?g {{ {self.body} }}" if per_graph else self.body
        if self.kind is Kind.VALUE:
            return f"SELECT DISTINCT {graph}?focus ?value WHERE {{ {where} }}"
        group = f"{graph}?focus" + (" (LCASE(LANG(?value)) AS ?lang)" if self.kind is Kind.LANGUAGE else "")
        return (
            f"SELECT {graph}?focus WHERE {{ {where} }} GROUP BY {group} HAVING (COUNT(DISTINCT ?value) {self.having})"
        )


# Parameters a shape may have that declare no constraint of their own.
_DESCRIPTIVE = {SH.message, SH.severity}
# Targets: core ones are implemented; sh:target (SHACL-AF, SPARQL-based) is honoured by pyshacl only in
# advanced mode, which the data's validation never switches on, so there, as here, it selects nothing.
_TARGETS = {SH.targetClass, SH.targetSubjectsOf}
_ADVANCED_TARGETS = {SH.target}
_VALUE_PARAMETERS = {
    SH["class"]: "class",
    SH.nodeKind: "nodeKind",
    SH.datatype: "datatype",
    SH.languageIn: "languageIn",
    SH.pattern: "pattern",
    SH.minInclusive: "minInclusive",
    SH.maxInclusive: "maxInclusive",
    SH["or"]: "or",
    SH["not"]: "not",
    SH.xone: "xone",
}
# Parameters that count or compare a focus node's values: only a property shape at the top has them
# (inside another shape's constraint, only sh:minCount 1 is implemented).
_COUNTING = {
    SH.minCount,
    SH.maxCount,
    SH.uniqueLang,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
}
_PARAMETERS = {
    *_DESCRIPTIVE,
    *_TARGETS,
    *_ADVANCED_TARGETS,
    *_VALUE_PARAMETERS,
    SH.path,
    SH.property,
    SH.flags,
    *_COUNTING,
}
COMPONENTS = frozenset(
    [*_VALUE_PARAMETERS.values(), "minCount", "maxCount", "uniqueLang", "qualifiedMinCount", "qualifiedMaxCount"]
)
_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}
# A value has a datatype when it is a literal of it that pyshacl (through rdflib) finds well-formed.
_DATATYPES: dict[URIRef, str] = {
    XSD.string: "isLiteral({v}) && LANG({v}) = '' && DATATYPE({v}) = {d}",
    RDF.langString: "isLiteral({v}) && LANG({v}) != ''",
    XSD.anyURI: "isLiteral({v}) && DATATYPE({v}) = {d}",
    XSD.integer: "isLiteral({v}) && DATATYPE({v}) = {d} && isNumeric({v})",
    XSD.positiveInteger: f"isLiteral({{v}}) && DATATYPE({{v}}) = {{d}} && <{_XSD}integer>(STR({{v}})) > 0",
    XSD.nonNegativeInteger: f"isLiteral({{v}}) && DATATYPE({{v}}) = {{d}} && <{_XSD}integer>(STR({{v}})) >= 0",
}
_OPAQUE_TYPES = ", ".join(f"<{iri}>" for iri in INTEGER_TYPES.values())
_PYSHACL_FLAGS = set("im")  # the regular expression flags pyshacl honours; it ignores any other


def _term(node: Node) -> str:
    if not isinstance(node, URIRef | BNode | Literal):
        raise TypeError(f"not an RDF term: {node!r}")
    return str(rdflib_to_oxigraph(node))


@dataclass(frozen=True)
class _Path:
    iri: URIRef
    inverse: bool

    @property
    def text(self) -> str:
        return f"^{self.iri}" if self.inverse else str(self.iri)

    def pattern(self, subject: str, obj: str) -> str:
        return f"{obj} {_term(self.iri)} {subject} ." if self.inverse else f"{subject} {_term(self.iri)} {obj} ."


@dataclass
class ShapeCompiler:
    """Compiles the shapes of one shapes graph; `checks()` lists every query they make."""

    shapes: Graph
    _fresh: Iterator[int] = field(default_factory=lambda: count(1))

    def checks(self) -> list[Check]:
        found: list[Check] = []
        roots = sorted({s for p in _TARGETS for s in self.shapes.subjects(p, None)}, key=str)
        for shape in roots:
            self._refuse_unknown(shape)
            target = self._target(shape)
            found += self._node_checks(shape, target)
            for prop in sorted(self.shapes.objects(shape, SH.property), key=str):
                found += self._property_checks(prop, target)
        return found

    # -- top level -------------------------------------------------------------------------------

    def _target(self, shape: Node) -> str:
        parts = [
            f"{{ ?focus {_TYPE_OF} {_term(c)} . }}" for c in sorted(self.shapes.objects(shape, SH.targetClass), key=str)
        ]
        parts += [
            f"{{ ?focus {_term(p)} [] . }}" for p in sorted(self.shapes.objects(shape, SH.targetSubjectsOf), key=str)
        ]
        return f"{{ SELECT DISTINCT ?focus WHERE {{ {' UNION '.join(parts)} }} }}"

    def _node_checks(self, shape: Node, target: str) -> list[Check]:
        if self._path(shape) is not None:
            raise self._refusal(shape, "path", "a shape with targets must be a node shape here")
        for parameter in _COUNTING:
            if (shape, parameter, None) in self.shapes:
                raise self._refusal(shape, _local(parameter), "it needs a path (a property shape)")
        return [
            self._check(shape, name, Kind.VALUE, None, f"{target} BIND(?focus AS ?value) FILTER(!{expression})")
            for name, expression in self._value_components(shape, "?focus")
        ]

    def _property_checks(self, shape: Node, target: str) -> list[Check]:
        self._refuse_unknown(shape)
        path = self._path(shape)
        if path is None:
            raise self._refusal(shape, "path", "a property shape needs sh:path")
        if any((shape, p, None) in self.shapes for p in _TARGETS | {SH.property}):
            raise self._refusal(shape, "property", "a property shape with targets or nested property shapes")
        values = f"{target} {path.pattern('?focus', '?value')}"
        checks = [
            self._check(shape, name, Kind.VALUE, path, f"{values} FILTER(!{expression})")
            for name, expression in self._value_components(shape, "?value")
        ]
        counted = f"{target} OPTIONAL {{ {path.pattern('?focus', '?value')} }}"
        least, most = self._integer(shape, SH.minCount), self._integer(shape, SH.maxCount)
        if least is not None:
            checks.append(self._check(shape, "minCount", Kind.FOCUS, path, counted, f"< {least}"))
        if most is not None:
            checks.append(self._check(shape, "maxCount", Kind.FOCUS, path, counted, f"> {most}"))
        unique = self.shapes.value(shape, SH.uniqueLang)
        if unique is not None and _boolean(unique):
            languages = f"{values} FILTER(isLiteral(?value) && LANG(?value) != '')"
            checks.append(self._check(shape, "uniqueLang", Kind.LANGUAGE, path, languages, "> 1"))
        return checks + self._qualified_checks(shape, target, path)

    def _qualified_checks(self, shape: Node, target: str, path: _Path) -> list[Check]:
        qualified = self.shapes.value(shape, SH.qualifiedValueShape)
        least, most = self._integer(shape, SH.qualifiedMinCount), self._integer(shape, SH.qualifiedMaxCount)
        if qualified is None:
            if least is not None or most is not None:
                raise self._refusal(shape, "qualifiedMinCount", "a qualified count needs sh:qualifiedValueShape")
            return []
        if SH.qualifiedValueShapesDisjoint in set(self.shapes.predicates(shape)):
            raise self._refusal(shape, "qualifiedValueShapesDisjoint", "not implemented")
        conforming = self._conforms(qualified, "?value")
        body = f"{target} OPTIONAL {{ {path.pattern('?focus', '?value')} FILTER({conforming}) }}"
        checks = []
        if least is not None:
            checks.append(self._check(shape, "qualifiedMinCount", Kind.FOCUS, path, body, f"< {least}"))
        if most is not None:
            checks.append(self._check(shape, "qualifiedMaxCount", Kind.FOCUS, path, body, f"> {most}"))
        return checks

    def _check(self, shape: Node, component: str, kind: Kind, path: _Path | None, body: str, having: str = "") -> Check:
        severity = self.shapes.value(shape, SH.severity)
        return Check(
            shape=shape,
            component=component,
            kind=kind,
            path=None if path is None else path.text,
            severity="Violation" if severity is None else _local(severity),
            messages=tuple(m for m in self.shapes.objects(shape, SH.message) if isinstance(m, Literal)),
            body=body,
            having=having,
        )

    # -- expressions: does the node in `var` conform? ----------------------------------------------

    def _conforms(self, shape: Node, var: str) -> str:
        """A boolean expression, never an error: true when the node bound to `var` conforms to `shape`."""
        self._refuse_unknown(shape)
        for parameter in _TARGETS | _COUNTING - {SH.minCount} | {SH.property}:
            if (shape, parameter, None) in self.shapes:
                raise self._refusal(shape, _local(parameter), "not implemented inside another shape's constraint")
        path = self._path(shape)
        if path is None:
            parts = [expression for _, expression in self._value_components(shape, var)]
            return "(" + " && ".join(parts or ["true"]) + ")"
        value = f"?v{next(self._fresh)}"
        parts = [
            f"NOT EXISTS {{ {path.pattern(var, value)} FILTER(!{expression}) }}"
            for _, expression in self._value_components(shape, value)
        ]
        least = self._integer(shape, SH.minCount)
        if least is not None and least > 1:
            raise self._refusal(shape, "minCount", "only sh:minCount 1 is implemented inside a logical constraint")
        if least == 1:
            parts.append(f"EXISTS {{ {path.pattern(var, value)} }}")
        return "(" + " && ".join(parts or ["true"]) + ")"

    def _value_components(self, shape: Node, var: str) -> list[tuple[str, str]]:
        """(parameter, expression) for each value component of `shape`, judging the node in `var`."""
        builders: dict[URIRef, Callable[[Node, Node, str], str]] = {
            SH["class"]: lambda _, c, v: f"EXISTS {{ {v} {_TYPE_OF} {_term(c)} . }}",
            SH.nodeKind: self._node_kind,
            SH.datatype: self._datatype,
            SH.languageIn: self._language_in,
            SH.pattern: self._pattern,
            SH.minInclusive: lambda _, m, v: f"(isLiteral({v}) && {_numeric(v)} >= {_term(m)})",
            SH.maxInclusive: lambda _, m, v: f"(isLiteral({v}) && {_numeric(v)} <= {_term(m)})",
            SH["or"]: lambda s, members, v: (
                "(" + " || ".join(self._conforms(m, v) for m in self._list(s, members)) + ")"
            ),
            SH["not"]: lambda _, member, v: f"!{self._conforms(member, v)}",
            SH.xone: lambda s, members, v: (
                "(" + " + ".join(f"IF({self._conforms(m, v)}, 1, 0)" for m in self._list(s, members)) + ") = 1"
            ),
        }
        found = []
        for parameter, name in _VALUE_PARAMETERS.items():
            values = list(self.shapes.objects(shape, parameter))
            if len(values) > 1:
                raise self._refusal(shape, name, "more than one value is not implemented")
            if values:
                found.append((name, f"COALESCE({builders[parameter](shape, values[0], var)}, false)"))
        return found

    def _node_kind(self, shape: Node, kind: Node, var: str) -> str:
        if not isinstance(kind, URIRef) or kind not in _NODE_KINDS:
            raise self._refusal(shape, "nodeKind", f"unknown node kind {kind}")
        return _NODE_KINDS[kind].format(v=var)

    def _datatype(self, shape: Node, datatype: Node, var: str) -> str:
        if not isinstance(datatype, URIRef) or datatype not in _DATATYPES:
            raise self._refusal(shape, "datatype", f"no well-formedness rule for {datatype}")
        stored = URIRef(INTEGER_TYPES.get(str(datatype), str(datatype)))
        return "(" + _DATATYPES[datatype].format(v=var, d=_term(stored)) + ")"

    def _language_in(self, shape: Node, languages: Node, var: str) -> str:
        tags = [str(tag).lower() for tag in self._list(shape, languages)]
        has_language = f"isLiteral({var}) && LANG({var}) != ''"
        if "*" in tags:
            return f"({has_language})"
        listed = ", ".join(_term(Literal(tag)) for tag in tags)
        primary = f"LCASE(STRBEFORE(LANG({var}), '-'))"
        return f"({has_language} && (LCASE(LANG({var})) IN ({listed}) || {primary} IN ({listed})))"

    def _pattern(self, shape: Node, pattern: Node, var: str) -> str:
        flags = self.shapes.value(shape, SH.flags)
        used = set(str(flags).lower()) if flags is not None else set()
        if used - _PYSHACL_FLAGS:
            raise self._refusal(shape, "flags", f"flags {flags} (only i and m are implemented)")
        flag_text = _term(Literal("".join(sorted(used))))
        return f"(!isBlank({var}) && REGEX(STR({var}), {_term(Literal(str(pattern)))}, {flag_text}))"

    # -- reading the shapes graph ------------------------------------------------------------------

    def _path(self, shape: Node) -> _Path | None:
        path = self.shapes.value(shape, SH.path)
        if path is None or isinstance(path, URIRef):
            return None if path is None else _Path(path, inverse=False)
        inverse = self.shapes.value(path, SH.inversePath)
        if isinstance(inverse, URIRef) and set(self.shapes.predicates(path)) == {SH.inversePath}:
            return _Path(inverse, inverse=True)
        raise self._refusal(shape, "path", "only an IRI or sh:inversePath of an IRI is implemented")

    def _integer(self, shape: Node, parameter: URIRef) -> int | None:
        value = self.shapes.value(shape, parameter)
        if value is None:
            return None
        if not isinstance(value, Literal) or not isinstance(value.toPython(), int):
            raise self._refusal(shape, _local(parameter), f"{value} is not an integer")
        return int(value.toPython())

    def _list(self, shape: Node, head: Node) -> list[Node]:
        if not isinstance(head, URIRef | BNode):
            raise self._refusal(shape, "list", f"{head} is not an RDF list")
        return list(Collection(self.shapes, head))

    def _refuse_unknown(self, shape: Node) -> None:
        for predicate in sorted(set(self.shapes.predicates(shape)), key=str):
            if str(predicate).startswith(str(SH)) and predicate not in _PARAMETERS:
                raise self._refusal(shape, _local(predicate), "the native validator does not implement it")

    def _refusal(self, shape: Node, component: str, why: str) -> BuildError:
        parent = self.shapes.value(None, SH.property, shape) if isinstance(shape, BNode) else None
        name = self._name(shape) if parent is None else f"{self._name(parent)} (a property shape of it)"
        return BuildError(
            f"SHACL shape {name}, sh:{component}: {why}; validate with pyshacl (CLUSTERGRAPH_VALIDATOR=pyshacl)"
        )

    def _name(self, shape: Node) -> str:
        return shape.n3(self.shapes.namespace_manager) if isinstance(shape, URIRef | BNode) else str(shape)


def _numeric(var: str) -> str:
    """The value in `var` as SPARQL compares it: an opaque integer type read back as xsd:integer."""
    return f"IF(DATATYPE({var}) IN ({_OPAQUE_TYPES}), <{_XSD}integer>(STR({var})), {var})"


def _local(iri: Node) -> str:
    return str(iri).rsplit("#", 1)[-1]


def _boolean(value: Node) -> bool:
    return isinstance(value, Literal) and value.toPython() is True
