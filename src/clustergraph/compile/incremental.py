"""Incremental builds: what each source's reasoning and SHACL verdict depend on, and a cache of them.

Sources that share a resource (an IRI other than an ontology term) can change each other's inferences
(inverse and transitive properties carry them across), so the unit is a *component*: sources linked,
directly or through others, by shared resources. A resource that no source describes and that sources
only point at through *inert* properties (no axiom mentions them but their declaration, annotations
and domain: e.g. a Wikidata item several sources link to) links nothing: no OWL 2 RL rule joins two
such triples. A component's digest covers the files of its
sources, the ontology, the shapes, the reasoner's rules and the package version; its inferred triples
and its SHACL verdict are cached under that digest (`cache_dir`), so an unchanged component is neither
reasoned over nor validated again. A source whose data states axioms (sub-classes, domains,
characteristics …) can reach every other source's inferences, so then all sources are one component.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from clustergraph.compile.load import source_folders
from clustergraph.compile.rules import RULES_DIR
from clustergraph.compile.serialize import ntriples_lines
from clustergraph.compile.terms import read_ntriples

_DATA_LEVEL = {OWL.sameAs, OWL.differentFrom, RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy}
# A source's manifest and module headers (Protégé's view of it, see modules.py) name ontologies and
# imports; no OWL 2 RL rule reads them.
_HEADER = {OWL.imports, OWL.versionIRI, OWL.versionInfo, OWL.priorVersion, OWL.backwardCompatibleWith}
_NOT_AXIOM_TYPES = {OWL.NamedIndividual, OWL.Thing, OWL.Ontology}
_OWL = str(OWL)
_DECLARATIONS = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property}


@dataclass(frozen=True)
class Component:
    sources: tuple[str, ...]
    digest: str


def source_digests(project_dir: Path) -> dict[str, str]:
    """Each source's digest: the names and bytes of its Turtle files."""
    return {folder.name: _files_digest(sorted(folder.rglob("*.ttl")), folder) for folder in source_folders(project_dir)}


def schema_digest(project_dir: Path) -> str:
    """What every source's results depend on: ontology, shapes (per-source ones too), quality checks,
    reasoning rules, package version."""
    schema = [
        *sorted((project_dir / "ontology").glob("*.ttl")),
        *sorted((project_dir / "shapes").rglob("*.ttl")),
        *sorted((project_dir / "queries" / "checks").glob("*.rq")),
    ]
    rules = sorted(p for p in RULES_DIR.rglob("*") if p.suffix in {".rq", ".ru"})
    return _sha(version("clustergraph"), _files_digest(schema, project_dir), _files_digest(rules, RULES_DIR))


@dataclass(frozen=True)
class Grouping:
    """The components, in a stable order, and the component each resource of the data belongs to."""

    components: tuple[Component, ...]
    owner: Mapping[Node, Component]

    def split(self, inferred: Graph, among: Sequence[Component]) -> dict[Component, Graph]:
        """The inferred triples of several components, reasoned together, apart again: a triple goes to
        the component that owns its subject; one about no component's resource (about an ontology
        term, say) follows from the ontology alone and goes to each."""
        parts = {component: Graph() for component in among}
        for triple in inferred:
            component = self.owner.get(triple[0])
            for part in [parts[component]] if component in parts else parts.values():
                part.add(triple)
        return parts


def components(data: Mapping[str, Graph], ontology: Graph, digests: Mapping[str, str], schema: str) -> Grouping:
    """The sources grouped by shared resources, each group with its digest."""
    names = sorted(data)
    inert, terms = _inert_properties(ontology), set(ontology.subjects())
    mentioned = {name: _resources(data[name], terms, inert) for name in names}
    resources = {name: found for name, found in mentioned.items() if found is not None}
    if len(resources) < len(names):  # a source states axioms
        groups, resources = ([names] if names else []), {}
    else:
        groups = _connected(names, resources)
    found = tuple(Component(tuple(group), _sha(schema, *(f"{n}={digests[n]}" for n in group))) for group in groups)
    of_source = {name: component for component in found for name in component.sources}
    owner = {node: of_source[name] for name, nodes in resources.items() for node, strong in nodes.items() if strong}
    return Grouping(found, owner)


def batches(todo: Sequence[Component], sizes: Mapping[str, int], limit: int) -> list[list[Component]]:
    """`todo` in order, cut into consecutive batches of about `limit` triples (`sizes`: a source's
    triples), a component never split: a component larger than the limit is a batch of its own.

    Components share no resource, so a batch infers and validates what each of its components would
    alone; one batch at a time keeps each reasoner and pyshacl call, and the memory it takes, bounded
    by `limit` however many sources there are, and the total cost linear in their number.
    """
    found: list[list[Component]] = []
    filled = 0
    for component in todo:
        size = sum(sizes[name] for name in component.sources)
        if not found or (filled > 0 and filled + size > limit):
            found.append([])
            filled = 0
        found[-1].append(component)
        filled += size
    return found


class Cache:
    """Inferred triples (N-Triples) and SHACL verdicts of components, by digest. A missing folder is empty."""

    def __init__(self, folder: Path | None) -> None:
        self._folder = folder

    @property
    def enabled(self) -> bool:
        return self._folder is not None

    def inferred(self, component: Component, into: Graph) -> bool:
        """Add the component's cached inferred triples to `into`; whether the cache had them."""
        path = self._path(component, "inferred.nt")
        if path is None or not path.is_file():
            return False
        read_ntriples(path, into)
        return True

    def keep_inferred(self, component: Component, inferred: Graph) -> None:
        path = self._path(component, "inferred.nt")
        if path is not None:
            self._write(path, "".join(f"{line} .\n" for line in ntriples_lines(inferred)).encode("utf-8"))

    def conforms(self, component: Component) -> bool:
        path = self._path(component, "conforms")
        return path is not None and path.is_file()

    def keep_conforms(self, component: Component) -> None:
        path = self._path(component, "conforms")
        if path is not None:
            self._write(path, b"")

    def _path(self, component: Component, name: str) -> Path | None:
        return None if self._folder is None else self._folder / component.digest / name

    @staticmethod
    def _write(path: Path, content: bytes) -> None:
        """Write beside, then rename: a build stopped half-way leaves no half-written entry."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(content)
        partial.replace(path)


def _is_axiom(predicate: Node) -> bool:
    return str(predicate).startswith((str(RDFS), str(OWL))) and predicate not in _DATA_LEVEL | _HEADER


def _inert_properties(ontology: Graph) -> set[Node]:
    """Properties no axiom mentions: only declared, annotated and given a domain (which types the subject)."""
    mentioned = {o for _, p, o in ontology if p != RDF.type}
    inert: set[Node] = set()
    for prop in set(ontology.subjects(RDF.type, None)) - mentioned:
        statements = list(ontology.predicate_objects(prop))
        if all(
            (p == RDF.type and o in _DECLARATIONS) or p == RDFS.domain or not _is_axiom(p) for p, o in statements
        ) and any(p == RDF.type and o in _DECLARATIONS for p, o in statements):
            inert.add(prop)
    return inert


def _resources(graph: Graph, terms: set[Node], inert: set[Node]) -> dict[Node, bool] | None:
    """The resources a source mentions (less the ontology's `terms` and the classes it types with), each
    with whether this source describes it or links to it through a property with axioms (True), or
    only points at it through `inert` properties (False); None if the source says something about
    classes or properties (an axiom), not only about resources. One pass over the graph, each
    predicate judged once."""
    found: dict[Node, bool] = {}
    linking: dict[Node, bool] = {}  # predicate → whether its object is linked (not a typing, not inert)
    for subject, predicate, obj in graph:
        links = linking.get(predicate)
        if links is None:
            if _is_axiom(predicate):
                return None
            links = linking[predicate] = predicate != RDF.type and predicate not in inert
        found[subject] = True
        if predicate == RDF.type:
            if isinstance(obj, URIRef) and obj.startswith(_OWL) and obj not in _NOT_AXIOM_TYPES:
                return None
        elif not isinstance(obj, Literal):
            found[obj] = found.get(obj, False) or links
    return {node: strong for node, strong in found.items() if node not in terms}


def _connected(names: list[str], resources: Mapping[str, Mapping[Node, bool]]) -> list[list[str]]:
    parent = {name: name for name in names}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    users: dict[Node, list[str]] = {}
    strong: set[Node] = set()
    for name in names:
        for resource, linked in resources[name].items():
            users.setdefault(resource, []).append(name)
            if linked:
                strong.add(resource)
    for resource in strong:
        first, *others = users[resource]
        for other in others:
            parent[root(other)] = root(first)
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(root(name), []).append(name)
    return sorted(groups.values())


def _files_digest(files: Iterable[Path], root: Path) -> str:
    sha = hashlib.sha256()
    for path in files:
        sha.update(str(path.relative_to(root)).encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


def _sha(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]
