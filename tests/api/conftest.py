"""API fixtures: a small hand-made graph served by the real app, once per session.

`data/source.ttl` holds the asserted facts (the shape of `data/`), `data/moved.ttl` where its IRIs of 0.2.0
moved (as `data/<source>/moved.ttl` does); the real ontology and the real
reasoner (`clustergraph.compile.reason.infer`) complete it into a release like the one `clustergraph build`
writes. The app's named queries are the test queries of `data/queries/*.rq`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from clustergraph.api.app import create_app
from clustergraph.compile.load import parse_turtle
from clustergraph.compile.reason import infer
from clustergraph.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, source_graph
from clustergraph.release_format import DATASET_FILE
from clustergraph.settings import Settings

PROJECT_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = Path(__file__).parent / "data"
FIXTURE_SOURCE = "test-source"


def write_fixture_release(target: Path) -> Path:
    ontology = parse_turtle(PROJECT_DIR / "ontology" / "clustergraph.ttl")
    data = parse_turtle(DATA_DIR / "source.ttl")
    parse_turtle(DATA_DIR / "moved.ttl", into=data)
    graphs = {
        str(ONTOLOGY_GRAPH): ontology,
        source_graph(FIXTURE_SOURCE): data,
        str(INFERRED_GRAPH): infer(ontology, data),
    }
    dataset = ox.Store()
    for name, graph in graphs.items():
        triples = graph.serialize(format="nt", encoding="utf-8")
        dataset.load(triples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
    target.mkdir(parents=True, exist_ok=True)
    dataset.dump(target / DATASET_FILE, format=ox.RdfFormat.N_QUADS)
    return target


@pytest.fixture(scope="session")
def fixture_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fixture_release(tmp_path_factory.mktemp("fixture") / "release")


@pytest.fixture(scope="session")
def fixture_settings(fixture_release: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The app reads its named queries from a project folder whose `queries/` are the test queries."""
    root = tmp_path_factory.mktemp("fixture-project")
    shutil.copytree(DATA_DIR / "queries", root / "project" / "queries")
    return Settings(project_dir=root / "project", release_dir=fixture_release, store_dir=root / "store")


@pytest.fixture(scope="session")
def client(fixture_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(fixture_settings)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def release_client(release_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The article's release, as the real `clustergraph build` writes it, with the real queries."""
    store_dir = tmp_path_factory.mktemp("release-store") / "store"
    settings = Settings(project_dir=PROJECT_DIR, release_dir=release_dir, store_dir=store_dir)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


class _WellFormed(HTMLParser):
    """Checks that every non-void element is closed, in order, and that ids are unique."""

    VOID = frozenset(
        {
            "area",
            "base",
            "br",
            "col",
            "embed",
            "hr",
            "img",
            "input",
            "link",
            "meta",
            "source",
            "wbr",
        }
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, tuple[int, int]]] = []
        self.problems: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value is not None:
                if value in self.ids:
                    self.problems.append(f"duplicate id {value!r} at {self.getpos()}")
                self.ids.add(value)
        if tag not in self.VOID:
            self.stack.append((tag, self.getpos()))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.problems.append(f"</{tag}> at {self.getpos()} closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()


def _assert_well_formed(html: str) -> None:
    assert html.lstrip().lower().startswith("<!doctype html>")
    parser = _WellFormed()
    parser.feed(html)
    parser.close()
    assert not parser.problems, parser.problems
    assert not parser.stack, f"unclosed elements: {parser.stack}"


@pytest.fixture(scope="session")
def assert_well_formed() -> Callable[[str], None]:
    """`assert_well_formed(html)`: a doctype, every element closed in order, no duplicate id."""
    return _assert_well_formed
