"""Stores behind one interface (`GraphStore`), chosen by the `store` setting and imported only when
chosen, so that a remote deployment never loads the embedded machinery and the reverse."""

from __future__ import annotations

from importlib import import_module

from clustergraph.settings import Settings
from clustergraph.store.base import (
    Dataset,
    GraphStore,
    QueryRequest,
    SerializedResult,
    Solutions,
    Term,
)

BACKENDS: dict[str, str] = {
    "embedded": "clustergraph.store.embedded:EmbeddedStore",
    "remote": "clustergraph.store.remote:RemoteStore",
}


def open_store(settings: Settings) -> GraphStore:
    """The store the settings name, opened (the embedded one loads the release first if it changed)."""
    module_name, _, class_name = BACKENDS[settings.store].partition(":")
    backend = getattr(import_module(module_name), class_name)
    store: GraphStore = backend(settings)
    return store


__all__ = [
    "BACKENDS",
    "Dataset",
    "GraphStore",
    "QueryRequest",
    "SerializedResult",
    "Solutions",
    "Term",
    "open_store",
]
