"""Reading the hand-edited sources: ontology/, data/<source>/, shapes/.

A parse error becomes a BuildError that names the file and the line; every subject remembers the file
that defined it, so a validation report can say where to look.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.term import Node

from clustergraph.errors import BuildError
from clustergraph.namespaces import bind_prefixes


@dataclass
class Sources:
    """Everything the build reads, kept apart: ontology, each source's data, shapes."""

    ontology: Graph
    data: dict[str, Graph]
    shapes: Graph
    origins: dict[Node, str] = field(default_factory=dict)

    def all_data(self) -> Graph:
        merged = bind_prefixes(Graph())
        for graph in self.data.values():
            merged += graph
        return merged


def parse_turtle(path: Path, into: Graph | None = None) -> Graph:
    graph = into if into is not None else bind_prefixes(Graph())
    try:
        graph.parse(path, format="turtle")
    except Exception as error:  # rdflib raises several unrelated types for bad syntax
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise BuildError(f"{path}: does not parse as Turtle: {first_line}") from error
    return graph


def load_files(paths: Iterable[Path], root: Path, origins: dict[Node, str]) -> Graph:
    graph = bind_prefixes(Graph())
    for path in sorted(paths):
        part = parse_turtle(path)
        for subject in set(part.subjects()):
            origins.setdefault(subject, _relative(path, root))
        graph += part
    return graph


def source_folders(project_dir: Path) -> list[Path]:
    """`data/<source>/`, one folder per source, in name order."""
    return sorted(p for p in (project_dir / "data").iterdir() if p.is_dir())


def load_project(project_dir: Path, on_source: Callable[[str], None] | None = None) -> Sources:
    """Every source; `on_source` hears the name of each source once it is loaded."""
    origins: dict[Node, str] = {}
    ontology = load_files((project_dir / "ontology").glob("*.ttl"), project_dir, origins)
    if len(ontology) == 0:
        raise BuildError(f"{project_dir / 'ontology'}: no ontology Turtle found")
    data: dict[str, Graph] = {}
    for folder in source_folders(project_dir):
        data[folder.name] = load_files(folder.rglob("*.ttl"), project_dir, origins)
        if on_source is not None:
            on_source(folder.name)
    shapes = load_files((project_dir / "shapes").glob("*.ttl"), project_dir, {})
    return Sources(ontology=ontology, data=data, shapes=shapes, origins=origins)


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
