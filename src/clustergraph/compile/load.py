"""Reading the hand-edited sources: ontology/, data/<source>/, shapes/ (and shapes/per-source/).

A parse error becomes a BuildError that names the file and the line; every subject remembers the file
that defined it, so a validation report can say where to look.

The build parses with pyoxigraph (`load_files`; the load phase is 2.6 times faster than with rdflib's
parser, benchmarks/README.md) straight into each source's rdflib graph; the edit tools keep rdflib's
parser (`parse_turtle`), which also reports the build's syntax errors. Both read the same triples from
every file of the project (tests/test_serialize.py) but for what RDF 1.1 calls the same literal written
two ways, which pyoxigraph normalizes: a language tag is lowercased (`@EN` reads as `@en`) and an
explicit `"x"^^xsd:string` reads as the plain `"x"`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import PROV, Graph, URIRef
from rdflib.term import Node

from clustergraph.compile.locate import SyntaxErrorPlace, subject_lines, syntax_error_place
from clustergraph.compile.terms import ToRdflib
from clustergraph.errors import BuildError
from clustergraph.namespaces import bind_prefixes, source_graph

PER_SOURCE_SHAPES = Path("shapes") / "per-source"
MANIFEST_FILE = "manifest.ttl"
EDIT_FILE = "clustergraph-edit.ttl"  # Protégé's entry point (see modules.py): imports, not content


@dataclass
class Sources:
    """Everything the build reads, kept apart: ontology, each source's data, shapes.

    `shapes` run over the merged data, so that links between sources resolve; `per_source_shapes` hold
    the rules "one value per …" that a second source may legitimately break, and run in each source
    graph on its own.
    """

    ontology: Graph
    data: dict[str, Graph]
    shapes: Graph
    per_source_shapes: Graph = field(default_factory=Graph)
    origins: dict[Node, str] = field(default_factory=dict)
    source_origins: dict[str, dict[Node, str]] = field(default_factory=dict)

    def add_source(self, name: str, paths: Iterable[Path], root: Path, locate: bool = True) -> None:
        """Load one source's files; its subjects remember their file and line, within the source and overall
        (unless not `locate`: only a validation report names them)."""
        self.source_origins[name] = {}
        self.data[name] = load_files(paths, root, self.source_origins[name] if locate else None)
        for subject, where in self.source_origins[name].items():
            self.origins.setdefault(subject, where)

    def all_data(self) -> Graph:
        merged = bind_prefixes(Graph())
        for graph in self.data.values():
            merged += graph
        return merged


def missing_manifest(name: str) -> str:
    """The warning for a source without a manifest."""
    return (
        f"data/{name}/ has no manifest: no file gives <{source_graph(name)}> its primary source "
        "(prov:hadPrimarySource) and licence, so the graph's provenance is only what its passages "
        "say (prov:wasQuotedFrom); `clustergraph new-source` writes one"
    )


def has_manifest(graph: Graph, source: str) -> bool:
    """Whether a source's graph describes itself: its name as an ontology header with its primary source."""
    return (URIRef(source_graph(source)), PROV.hadPrimarySource, None) in graph


def parse_turtle(path: Path, into: Graph | None = None) -> Graph:
    """Parse one file; a syntax error names the file, the line, the column and the parser's reason."""
    graph = into if into is not None else bind_prefixes(Graph())
    try:
        graph.parse(path, format="turtle")
    except Exception as error:  # rdflib raises several unrelated types for bad syntax
        place = syntax_error_place(error)
        if place is not None:
            raise BuildError(place.render(path)) from error
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise BuildError(f"{path}: does not parse as Turtle: {first_line}") from error
    return graph


def load_files(paths: Iterable[Path], root: Path, origins: dict[Node, str] | None) -> Graph:
    """Parse the files into one graph; `origins` learns `file:line` for each subject (first file wins)."""
    graph = bind_prefixes(Graph())
    terms = ToRdflib()
    for path in sorted(paths):
        subjects = _parse_into(graph, path, terms)
        if origins is None:
            continue
        lines = subject_lines(path.read_text(encoding="utf-8"))
        relative = _relative(path, root)
        for subject in subjects:
            line = lines.get(str(subject)) if isinstance(subject, URIRef) else None
            origins.setdefault(subject, relative if line is None else f"{relative}:{line}")
    return graph


def _parse_into(graph: Graph, path: Path, terms: ToRdflib) -> set[Node]:
    """Add one file's triples to `graph` (its prefixes are the project's, not the file's); its subjects.

    A file pyoxigraph rejects is parsed again by rdflib for the readable error; should rdflib accept
    it (pyoxigraph checks IRIs and language tags more strictly), pyoxigraph's own place and reason."""
    parser = ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri(), rename_blank_nodes=True)
    try:
        triples = list(terms.triples(parser))
    except SyntaxError as error:
        parse_turtle(path)
        place = SyntaxErrorPlace(error.lineno or 1, error.offset or 1, _reason(error), _line(path, error.lineno))
        raise BuildError(place.render(path)) from error
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return {s for s, _, _ in triples}


def _reason(error: SyntaxError) -> str:
    """pyoxigraph's message without its own `Parser error at line …:` preamble (the place says it)."""
    return (error.msg or str(error)).split(": ", 1)[-1]


def _line(path: Path, number: int | None) -> str:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return lines[number - 1] if number is not None and 0 < number <= len(lines) else ""


def source_folders(project_dir: Path) -> list[Path]:
    """`data/<source>/`, one folder per source, in name order."""
    return sorted(p for p in (project_dir / "data").iterdir() if p.is_dir())


def load_project(project_dir: Path, on_source: Callable[[str], None] | None = None, locate: bool = True) -> Sources:
    """Every source; `on_source` hears the name of each source once it is loaded. Without `locate`, the
    sources' subjects do not learn their file and line (`add_source`)."""
    sources = load_schema(project_dir)
    for folder in source_folders(project_dir):
        sources.add_source(folder.name, source_files(project_dir, folder.name), project_dir, locate)
        if on_source is not None:
            on_source(folder.name)
    return sources


def source_files(project_dir: Path, name: str) -> Iterator[Path]:
    """The Turtle files of the source `data/<name>/`, in its subfolders too."""
    return (project_dir / "data" / name).rglob("*.ttl")


def load_schema(project_dir: Path) -> Sources:
    """The ontology and the shapes, no source yet."""
    origins: dict[Node, str] = {}
    ontology_files = (p for p in (project_dir / "ontology").glob("*.ttl") if p.name != EDIT_FILE)
    ontology = load_files(ontology_files, project_dir, origins)
    if len(ontology) == 0:
        raise BuildError(f"{project_dir / 'ontology'}: no ontology Turtle found")
    shapes = load_files((project_dir / "shapes").glob("*.ttl"), project_dir, {})
    per_source_shapes = load_files((project_dir / PER_SOURCE_SHAPES).glob("*.ttl"), project_dir, {})
    return Sources(ontology=ontology, data={}, shapes=shapes, per_source_shapes=per_source_shapes, origins=origins)


def load_sources(schema: Sources, project_dir: Path, names: Iterable[str]) -> Sources:
    """Some of the project's sources (in name order, as `load_project` reads them) beside `schema`, which
    is shared, not copied: what one batch of a build needs."""
    sources = replace(schema, data={}, origins=dict(schema.origins), source_origins={})
    for name in sorted(names):
        sources.add_source(name, source_files(project_dir, name), project_dir)
    return sources


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
