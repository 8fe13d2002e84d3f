"""The tiny release the store and SPARQL tests share (`data/release`), what it holds, and settings
for a store over it. Imported by the tests beside it (pytest puts this folder on sys.path)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import NamedTuple

from clustergraph.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, source_graph
from clustergraph.settings import Settings
from clustergraph.store.remote import RemoteStore

SMALL_RELEASE = Path(__file__).parent / "data" / "release"
TEST = "http://example.org/test#"
CASE = "http://example.org/test/case/"
ONTOLOGY = str(ONTOLOGY_GRAPH)
SOURCE = source_graph("creative-economy-2017-07")
INFERRED = str(INFERRED_GRAPH)
GRAPHS = (INFERRED, ONTOLOGY, SOURCE)
QUADS = {ONTOLOGY: 8, SOURCE: 14, INFERRED: 2}
MAX_RESULTS = 5
NOTE_TEXT = 'line one\nline two\t"quoted", with a comma'  # the one plain string of the release
TIMEOUT_S = 3.0


class Loaded(NamedTuple):
    """A remote store loaded with the tiny release, and its settings."""

    settings: Settings
    store: RemoteStore


def store_settings(tmp: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "project_dir": tmp,
        "release_dir": SMALL_RELEASE,
        "store_dir": tmp / "store",
        "max_results": MAX_RESULTS,
        "query_timeout_s": TIMEOUT_S,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
