"""What each column of the CSV templates holds, derived from `tabular.toml`, the shapes and the ontology.

`tabular.toml` says only which table holds which class and which column holds which property; whether
a cell is a reference, a number or text in a language, whether it is required and whether it takes
several values is read from the shapes (and the ontology's rdfs:range where they say nothing), so a
template asks for exactly what `clustergraph validate` will check.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from clustergraph.compile.load import PER_SOURCE_SHAPES, load_files
from clustergraph.errors import BuildError
from clustergraph.namespaces import PREFIXES, SH, curie

MAPPING_FILE = "tabular.toml"
SLUG_COLUMN, TYPE_COLUMN = "slug", "type"
DEFAULT_LANGUAGES = ("en", "ru")


@dataclass(frozen=True)
class Column:
    """One column: the property it states and what its cells hold.

    Exactly one of `refers` (a reference; the kind a bare slug names, or None when only prefixed names
    and IRIs fit), `language` (text in that language) and `datatype` (a typed value) describes a cell.
    """

    name: str
    predicate: URIRef
    reference: bool = False
    refers: str | None = None
    language: str | None = None
    datatype: URIRef | None = None
    pattern: str | None = None
    required: bool = False
    multiple: bool = True


@dataclass(frozen=True)
class Table:
    """One template: `slug`, `type` where the class has subclasses, then its columns."""

    name: str
    kind: str
    cls: URIRef
    classes: frozenset[URIRef]  # the class and its subclasses: what a `type` cell may name
    columns: tuple[Column, ...]
    one_of: tuple[tuple[str, ...], ...] = ()  # columns of one property of which a row must fill at least one

    @property
    def typed(self) -> bool:
        return len(self.classes) > 1

    @property
    def header(self) -> list[str]:
        return [SLUG_COLUMN, *([TYPE_COLUMN] if self.typed else []), *(c.name for c in self.columns)]


@dataclass(frozen=True)
class _Constraints:
    """What the shapes say about one path, gathered over property shapes."""

    classes: frozenset[Node]
    datatypes: frozenset[Node]
    languages: tuple[str, ...]
    iri: bool
    min_count: bool
    single: bool
    min_languages: frozenset[str]
    single_languages: frozenset[str]
    patterns: tuple[str, ...]


def expand(name: str) -> URIRef:
    """`cg:PolicyCase` → its IRI, with the project's prefixes (namespaces.py)."""
    prefix, _, local = name.partition(":")
    if prefix not in PREFIXES:
        raise BuildError(f"{MAPPING_FILE}: {name!r} does not start with one of the project's prefixes")
    return URIRef(PREFIXES[prefix] + local)


def load_tables(project_dir: Path) -> dict[str, Table]:
    """Every template, by table name (`cases`, `passages` …), derived for this project's shapes and ontology."""
    mapping = tomllib.loads(files("clustergraph.compile").joinpath(MAPPING_FILE).read_text(encoding="utf-8"))
    ontology = load_files((project_dir / "ontology").glob("clustergraph.ttl"), project_dir, {})
    shapes = load_files(
        [*(project_dir / "shapes").glob("*.ttl"), *(project_dir / PER_SOURCE_SHAPES).glob("*.ttl")], project_dir, {}
    )
    kinds = {expand(cls): kind for cls, kind in mapping["references"].items()}
    tables = {}
    for name, spec in mapping["tables"].items():
        cls = expand(spec["class"])
        if cls not in kinds:
            raise BuildError(f"{MAPPING_FILE}: table {name}: {spec['class']} has no kind in [references]")
        targets = _classes_above(ontology, cls)
        columns: list[Column] = []
        one_of: list[tuple[str, ...]] = []
        for column_name, predicate in spec["columns"].items():
            derived, in_any_language = _columns(column_name, expand(predicate), shapes, ontology, targets, kinds)
            columns += derived
            if in_any_language:
                one_of.append(tuple(c.name for c in derived))
        below = frozenset(u for u in ontology.transitive_subjects(RDFS.subClassOf, cls) if isinstance(u, URIRef))
        tables[name] = Table(name, kinds[cls], cls, below | {cls}, tuple(columns), tuple(one_of))
    return tables


def _classes_above(ontology: Graph, cls: URIRef) -> set[Node]:
    return {c for c in ontology.transitive_objects(cls, RDFS.subClassOf) if c is not None}


def _columns(
    name: str, predicate: URIRef, shapes: Graph, ontology: Graph, targets: set[Node], kinds: dict[URIRef, str]
) -> tuple[list[Column], bool]:
    """The column(s) of one property, and whether it is text required in some language, whichever
    (sh:minCount on text: a row must fill one of its columns)."""
    here = _constraints(shapes, predicate, _shapes_targeting(shapes, targets))
    anywhere = _constraints(shapes, predicate, set(shapes.subjects(RDF.type, SH.NodeShape)))
    ranges = set(ontology.objects(predicate, RDFS.range))
    pattern = next(iter(anywhere.patterns), None)
    datatype = _one(anywhere.datatypes or {r for r in ranges if r == RDF.langString or str(r).startswith(str(XSD))})
    single = here.single or anywhere.single
    if anywhere.languages or datatype == RDF.langString:
        single_languages = here.single_languages | anywhere.single_languages
        texts = [
            Column(f"{name}_{language}", predicate, language=language, required=language in here.min_languages,
                   multiple=not (single or language in single_languages))
            for language in anywhere.languages or DEFAULT_LANGUAGES
        ]  # fmt: skip
        return texts, here.min_count
    if anywhere.classes or anywhere.iri or (predicate, RDF.type, OWL.ObjectProperty) in ontology:
        expected = anywhere.classes or ranges
        refers = next((kinds[URIRef(c)] for c in sorted(map(str, expected)) if URIRef(c) in kinds), None)
        reference = Column(name, predicate, reference=True, refers=refers, pattern=pattern, required=here.min_count,
                           multiple=not single)  # fmt: skip
        return [reference], False
    if datatype is None:
        raise BuildError(
            f"{MAPPING_FILE}: column {name}: neither shapes nor ontology say what {curie(predicate)} holds"
        )
    return [
        Column(name, predicate, datatype=datatype, pattern=pattern, required=here.min_count, multiple=not single)
    ], False


def _one(datatypes: Iterable[Node]) -> URIRef | None:
    found = sorted(d for d in datatypes if isinstance(d, URIRef))
    return found[0] if found else None


def _shapes_targeting(shapes: Graph, classes: set[Node]) -> set[Node]:
    return {shape for cls in classes for shape in shapes.subjects(SH.targetClass, cls)}


def _constraints(shapes: Graph, path: URIRef, node_shapes: set[Node]) -> _Constraints:
    properties = [
        p for shape in node_shapes for p in shapes.objects(shape, SH.property) if (p, SH.path, path) in shapes
    ]
    return _Constraints(
        classes=frozenset(o for p in properties for o in shapes.objects(p, SH["class"])),
        datatypes=frozenset(o for p in properties for o in shapes.objects(p, SH.datatype)),
        languages=tuple(dict.fromkeys(lang for p in properties for lang in _languages(shapes, p))),
        iri=any((p, SH.nodeKind, SH.IRI) in shapes for p in properties),
        min_count=any(_number(shapes, p, SH.minCount) >= 1 for p in properties),
        single=any(_number(shapes, p, SH.maxCount) == 1 for p in properties),
        min_languages=frozenset(
            lang for p in properties if _number(shapes, p, SH.qualifiedMinCount) >= 1 for lang in _qualified(shapes, p)
        ),
        single_languages=frozenset(lang for p in properties for lang in _one_per_language(shapes, p)),
        patterns=tuple(str(o) for p in properties for o in shapes.objects(p, SH.pattern)),
    )


def _qualified(shapes: Graph, node: Node) -> list[str]:
    """The languages a qualified count applies to (`sh:qualifiedValueShape [ sh:languageIn (…) ]`)."""
    value = shapes.value(node, SH.qualifiedValueShape)
    return _languages(shapes, value) if value is not None else []


def _one_per_language(shapes: Graph, node: Node) -> list[str]:
    """Languages of which a property shape allows one value: sh:qualifiedMaxCount 1, or sh:uniqueLang."""
    if _number(shapes, node, SH.qualifiedMaxCount) == 1:
        return _qualified(shapes, node)
    return _languages(shapes, node) if (node, SH.uniqueLang, None) in shapes else []


def _languages(shapes: Graph, node: Node) -> list[str]:
    head = shapes.value(node, SH.languageIn)
    return [str(item) for item in Collection(shapes, head)] if head is not None else []


def _number(shapes: Graph, node: Node, predicate: URIRef) -> int:
    value = shapes.value(node, predicate)
    return int(value) if isinstance(value, Literal) else 0
