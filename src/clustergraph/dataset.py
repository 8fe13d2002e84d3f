"""The built release as a pyoxigraph dataset: loading it, choosing the default graph, binding terms.

The one place for the dataset rule — "the union of the asserted graphs, plus the inferred graph
unless entailment is off", with the same graphs available to GRAPH — used by the embedded store's
workers, the remote store, the CLI and the competency tests alike, so what is tested is what is
served. Terms are converted by `store.terms` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib.term import Identifier

from clustergraph.errors import StoreError
from clustergraph.namespaces import INFERRED_GRAPH, PREFIXES
from clustergraph.release_format import DATASET_FILE
from clustergraph.store.terms import rdflib_to_oxigraph as to_oxigraph


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


def default_graph_names(graphs: Iterable[str], *, entailment: bool) -> list[str]:
    """The graphs whose union is the default graph: every named graph, less the inferred one without entailment."""
    return sorted(g for g in graphs if entailment or g != str(INFERRED_GRAPH))


def default_dataset(graphs: Iterable[str], *, entailment: bool) -> dict[str, Any]:
    """`Store.query`'s dataset arguments for the default dataset of a store holding exactly `graphs`.

    With entailment that is Oxigraph's union of all graphs, which it evaluates far faster than the
    same graphs listed (benchmarks/README.md: 2-270x at 10^5-10^6 triples).
    """
    if entailment:
        return {"use_default_graph_as_union": True}
    named = [ox.NamedNode(g) for g in default_graph_names(graphs, entailment=False)]
    return {"default_graph": named, "named_graphs": named}


def store_graphs(store: ox.Store) -> list[str]:
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def query_release(
    store: ox.Store,
    text: str,
    bindings: Mapping[str, Identifier] | None = None,
    *,
    entailment: bool = True,
) -> Any:
    """Run `text` over the release as `/sparql` would (the default dataset, the project's prefixes),
    with parameters bound as RDF terms (SEP-0007 substitution)."""
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(name): to_oxigraph(term) for name, term in (bindings or {}).items()
    }
    dataset = default_dataset(store_graphs(store), entailment=entailment)
    return store.query(text, prefixes=PREFIXES, substitutions=substitutions, **dataset)
