"""The built release as a pyoxigraph dataset: loading it, choosing the default graph, binding terms.

Shared by the CLI, the tests and the embedded store, so that "the union of the asserted graphs, plus the
inferred graph unless entailment is off" means the same thing everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from clustergraph.errors import StoreError
from clustergraph.namespaces import INFERRED_GRAPH
from clustergraph.release import DATASET_FILE


def dataset_path(release_dir: Path) -> Path:
    path = release_dir / DATASET_FILE
    if not path.is_file():
        raise StoreError(f"{path} does not exist: run `clustergraph build` (or `make build`) first")
    return path


def load_release(release_dir: Path, store: ox.Store | None = None) -> ox.Store:
    """Bulk-load the release's N-Quads into `store` (a fresh in-memory store by default)."""
    target = store if store is not None else ox.Store()
    target.bulk_load(path=str(dataset_path(release_dir)), format=ox.RdfFormat.N_QUADS)
    return target


def default_graphs(store: ox.Store, *, entailment: bool) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
    """The graphs whose union is the default graph: every named graph, less the inferred one without entailment."""
    inferred = ox.NamedNode(str(INFERRED_GRAPH))
    names = sorted(
        g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode) and (entailment or g != inferred)
    )
    return [ox.NamedNode(name) for name in names]


def to_oxigraph(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot bind {term!r}")


def query_release(
    store: ox.Store,
    text: str,
    bindings: Mapping[str, Identifier] | None = None,
    *,
    entailment: bool = True,
) -> Any:
    """Run `text` over the release with parameters bound as RDF terms (SEP-0007 substitution).

    With entailment the default graph is the union of every graph of the release, which Oxigraph
    evaluates much faster as its own union than as the same graphs listed.
    """
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(name): to_oxigraph(term) for name, term in (bindings or {}).items()
    }
    if entailment:
        return store.query(text, use_default_graph_as_union=True, substitutions=substitutions)
    return store.query(text, default_graph=default_graphs(store, entailment=False), substitutions=substitutions)
