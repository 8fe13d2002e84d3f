"""Incremental builds: what each source's reasoning and SHACL verdict depend on, and a cache of them.

Sources that share a resource (an IRI other than an ontology term) can change each other's inferences
(inverse and transitive properties carry them across), so the unit is a *component*: sources linked,
directly or through others, by shared resources. A resource that no source describes and that sources
only point at through *inert* properties (no axiom mentions them but their declaration, annotations
and domain: e.g. a Wikidata item several sources link to) links nothing: no OWL 2 RL rule joins two
such triples. A component's digest covers the files of its
sources, the ontology, the shapes, the reasoner's rules and the package version; its inferred triples
and its SHACL verdict are cached under that digest (`cache`), so an unchanged component is neither
reasoned over nor validated again. A source whose data states axioms (sub-classes, domains,
characteristics …) can reach every other source's inferences, so then all sources are one component.
An unchanged source is not even parsed: what the build needs of it is cached under its own key
(`source_key`, `summary`), the resources it mentions included, so that the components are found
from the sources' summaries.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from clustergraph.compile.load import source_folders
from clustergraph.compile.rules import RULES_DIR
from clustergraph.namespaces import PREFIXES

_DATA_LEVEL = {OWL.sameAs, OWL.differentFrom, RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy}
# A source's manifest and module headers (Protégé's view of it, see modules.py) name ontologies and
# imports; no OWL 2 RL rule reads them.
_HEADER = {OWL.imports, OWL.versionIRI, OWL.versionInfo, OWL.priorVersion, OWL.backwardCompatibleWith}
_NOT_AXIOM_TYPES = {OWL.NamedIndividual, OWL.Thing, OWL.Ontology}
_OWL = str(OWL)
_DECLARATIONS = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property}
# The resources a source mentions, each by its N-Triples text, with whether the source describes it or
# links to it through a property with axioms (True), or only points at it through inert properties.
Resources = Mapping[str, bool]


@dataclass(frozen=True)
class Component:
    sources: tuple[str, ...]
    digest: str


def source_digests(project_dir: Path) -> dict[str, str]:
    """Each source's digest: the names and bytes of its Turtle files."""
    return {folder.name: _files_digest(sorted(folder.rglob("*.ttl")), folder) for folder in source_folders(project_dir)}


def source_key(schema: str, name: str, digest: str) -> str:
    """The key of a source's summary in the cache: its name (its graph's), its files, the schema, and the
    prefixes its Turtle is written with."""
    return _sha(schema, f"source:{name}={digest}", json.dumps(PREFIXES, sort_keys=True))


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
    owner: Mapping[str, Component]  # by the resource's N-Triples text

    def split(self, inferred: Sequence[str], among: Sequence[Component]) -> dict[Component, list[str]]:
        """The inferred triples (sorted N-Triples lines) of several components, reasoned together, apart
        again, each part sorted: a triple goes to the component that owns its subject; one about no
        component's resource (about an ontology term, say) follows from the ontology alone and goes to each."""
        parts: dict[Component, list[str]] = {component: [] for component in among}
        for line in inferred:
            component = self.owner.get(line[: line.index(" ")])
            for part in [parts[component]] if component in parts else parts.values():
                part.append(line)
        return parts


@dataclass(frozen=True)
class Vocabulary:
    """What of the ontology decides which resources link sources: its terms (never a link) and its inert
    properties (pointing at a resource through one links nothing)."""

    terms: frozenset[Node]
    inert: frozenset[Node]

    @classmethod
    def of(cls, ontology: Graph) -> Vocabulary:
        return cls(frozenset(ontology.subjects()), frozenset(_inert_properties(ontology)))


def components(data: Mapping[str, Graph], ontology: Graph, digests: Mapping[str, str], schema: str) -> Grouping:
    """The sources grouped by shared resources, each group with its digest."""
    vocabulary = Vocabulary.of(ontology)
    return group({name: resources(graph, vocabulary) for name, graph in data.items()}, digests, schema)


def group(mentioned: Mapping[str, Resources | None], digests: Mapping[str, str], schema: str) -> Grouping:
    """`components` from each source's `resources` (None: the source states axioms)."""
    names = sorted(mentioned)
    found_resources = {name: found for name, found in mentioned.items() if found is not None}
    if len(found_resources) < len(names):  # a source states axioms
        groups, found_resources = ([names] if names else []), {}
    else:
        groups = _connected(names, found_resources)
    found = tuple(Component(tuple(group), _sha(schema, *(f"{n}={digests[n]}" for n in group))) for group in groups)
    of_source = {name: component for component in found for name in component.sources}
    owner = {
        node: of_source[name] for name, nodes in found_resources.items() for node, strong in nodes.items() if strong
    }
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


def resources(graph: Graph, vocabulary: Vocabulary) -> dict[str, bool] | None:
    """The resources a source mentions (less the ontology's terms and the classes it types with), each
    with whether this source describes it or links to it through a property with axioms (True), or
    only points at it through inert properties (False); None if the source says something about
    classes or properties (an axiom), not only about resources. One pass over the graph, each
    predicate judged once. A blank node is left out: it is the source's own (the parser names it
    afresh in each source), so it links the source to no other."""
    found: dict[Node, bool] = {}
    linking: dict[Node, bool] = {}  # predicate → whether its object is linked (not a typing, not inert)
    for subject, predicate, obj in graph:
        links = linking.get(predicate)
        if links is None:
            if _is_axiom(predicate):
                return None
            links = linking[predicate] = predicate != RDF.type and predicate not in vocabulary.inert
        found[subject] = True
        if predicate == RDF.type:
            if isinstance(obj, URIRef) and obj.startswith(_OWL) and obj not in _NOT_AXIOM_TYPES:
                return None
        elif not isinstance(obj, Literal):
            found[obj] = found.get(obj, False) or links
    return {
        node.n3(): strong
        for node, strong in found.items()
        if node not in vocabulary.terms and not isinstance(node, BNode)
    }


def _connected(names: list[str], resources: Mapping[str, Resources]) -> list[list[str]]:
    parent = {name: name for name in names}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    users: dict[str, list[str]] = {}
    strong: set[str] = set()
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
