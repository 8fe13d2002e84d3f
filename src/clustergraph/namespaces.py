"""The one place for IRIs and prefixes.

Every module, query and test takes its namespaces from here; `queries/*.rq` declare the same
prefixes (a test checks they agree), so a typo in a namespace cannot spread silently.
"""

from __future__ import annotations

import re

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/clustergraph/"
ONTOLOGY_IRI = BASE + "ontology"
CG = Namespace(ONTOLOGY_IRI + "#")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")
ORG = Namespace("http://www.w3.org/ns/org#")
BIBO = Namespace("http://purl.org/ontology/bibo/")
WD = Namespace("http://www.wikidata.org/entity/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES = Namespace(BASE + "shapes#")


# Real-world things, one IRI for every source: `…/id/{kind}/{slug}`.
SHARED_KINDS: tuple[str, ...] = ("region", "cluster", "institution", "instrument", "function", "study", "source")
# What a source says in its own terms is scoped to it, so that the next source's passage no. 1, its case
# description of Oregon or its typology of roles never lands on this one's IRI. Real-world things
# (regions, clusters, institutions, instruments, bibliographic sources) stay shared.
SCOPED_KINDS: tuple[str, ...] = (
    "passage",
    "lesson",
    "case",
    "conclusion",
    "outcome",
    "role",
    "stage",
    "facilitator-function",
    "competence",
    "focus",
    "scheme",
    "condition",
    "feature",
    "group",
    "cause",
    "model",
    "table",
    "entry",
)

# Every kind of resource, with a prefix of the same name for `…/id/{kind}/` (for a scoped kind, where its
# resources were before 0.3.0).
RESOURCE_KINDS: tuple[str, ...] = SHARED_KINDS + SCOPED_KINDS

PREFIXES: dict[str, str] = {
    "cg": str(CG),
    "id": str(ID),
    "graph": str(GRAPH),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "org": str(ORG),
    "bibo": str(BIBO),
    "wd": str(WD),
    "sh": str(SH),
    "cgsh": str(SHAPES),
    **{kind: str(ID[f"{kind}/"]) for kind in RESOURCE_KINDS},
}

ONTOLOGY_GRAPH = GRAPH["ontology"]
INFERRED_GRAPH = GRAPH["inferred"]


def source_graph(name: str) -> str:
    """The named graph holding what one source (one `data/<name>/` folder) says."""
    return str(GRAPH[f"source/{name}"])


def resource_iri(kind: str, slug: str) -> str:
    """A shared resource, one for every source: `…/id/{kind}/{slug}` (a region, an institution …)."""
    return str(ID[f"{kind}/{slug}"])


def source_base(source: str) -> str:
    """The base IRI of one source's own resources: its primary source's IRI, `…/id/source/{source}/`.

    A source's Turtle declares it with `@base` and names its own resources relatively, `<passage/x>`.
    """
    return str(ID[f"source/{source}/"])


def scoped_iri(source: str, kind: str, slug: str) -> str:
    """A resource of one source (see SCOPED_KINDS): `…/id/source/{source}/{kind}/{slug}`."""
    if kind not in SCOPED_KINDS:
        raise ValueError(f"{kind!r} resources are shared, not scoped to a source: use resource_iri")
    return f"{source_base(source)}{kind}/{slug}"


def source_iri(source: str, kind: str, slug: str) -> str:
    """The IRI a source's data gives a `kind` resource: under the source for its own kinds, else shared."""
    return scoped_iri(source, kind, slug) if kind in SCOPED_KINDS else resource_iri(kind, slug)


def kind_iri(kind: str, slug: str) -> str:
    """The IRI that a kind and a slug name. A shared resource's slug is its last part (`oregon`); a
    source's own resource's is `{source}/{slug}` (`creative-economy-2017-07/oregon`). A bare slug of a
    scoped kind names the IRI such a resource had before it moved under its source (0.3.0), which
    the source's `moved.ttl` maps to the new one (`dcterms:isReplacedBy`)."""
    source, _, local = slug.partition("/")
    return scoped_iri(source, kind, local) if kind in SCOPED_KINDS and local else resource_iri(kind, slug)


def kind_and_slug(iri: str) -> tuple[str, str] | None:
    """The inverse of `kind_iri` for our resource IRIs: `…/id/source/s/case/oregon` → ("case", "s/oregon")."""
    if not iri.startswith(str(ID)):
        return None
    parts = iri[len(str(ID)) :].split("/")
    if len(parts) == 4 and parts[0] == "source" and parts[2] in SCOPED_KINDS and all(parts):
        return parts[2], f"{parts[1]}/{parts[3]}"
    return (parts[0], parts[1]) if len(parts) == 2 and all(parts) else None


def slug_space(kind: str) -> tuple[str, str]:
    """A regular expression that the IRIs of one kind match, and the replacement that makes their slug."""
    slug = r"([a-z0-9]+(?:-[a-z0-9]+)*)"
    if kind in SCOPED_KINDS:
        return f"^{re.escape(str(ID))}source/{slug}/{re.escape(kind)}/{slug}$", "$1/$2"
    return f"^{re.escape(str(ID))}{re.escape(kind)}/{slug}$", "$1"


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes (and only those) so every serialization reads the same."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def sparql_prologue(prefixes: dict[str, str] | None = None) -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in (prefixes or PREFIXES).items())


SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"  # the last part of a resource IRI: lower-case ASCII words
SLUG = re.compile(SLUG_PATTERN)
# a source's own resource is named by `{source}/{slug}`
SOURCE_SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$"
SOURCE_SLUG = re.compile(SOURCE_SLUG_PATTERN)
ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
_LOCAL_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_LONGEST_NAMESPACE_FIRST = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def curie(iri: str) -> str:
    """`cg:PolicyCase`, `region:oregon`: the IRI as a prefixed name with the project's longest matching
    namespace, or the IRI itself when none fits (or what is left is not a plain local name)."""
    for prefix, namespace in _LONGEST_NAMESPACE_FIRST:
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and _LOCAL_NAME.fullmatch(local):
            return f"{prefix}:{local}"
    return iri
