"""Session fixtures: the article built alone into a temporary release, every source built together, and the article.

Expectations that belong to one source (`tests/expected/`, the article's quotes) are evaluated on a build
of the ontology with that source alone, reasoning included, so that adding a source to `data/` cannot
change them; invariants that hold for every source use `built_all`, the build of everything in `data/`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from clustergraph.build import BuildResult, build
from clustergraph.dataset import load_release

PROJECT_DIR = Path(__file__).resolve().parents[1]
ARTICLE = PROJECT_DIR.parent / "shared" / "seed" / "000_28e98c03ca20fcf4.txt"
ARTICLE_SOURCE = "creative-economy-2017-07"


def source_alone(project: Path, source: str, into: Path) -> Path:
    """A copy of `project` with its ontology, shapes and queries and only one source in `data/`."""
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(project / folder, into / folder)
    shutil.copytree(project / "data" / source, into / "data" / source)
    return into


@pytest.fixture(scope="session")
def project_dir() -> Path:
    return PROJECT_DIR


@pytest.fixture
def article_alone(tmp_path: Path) -> Path:
    """A copy of the project with the article as its only source: for tests that count its sources."""
    return source_alone(PROJECT_DIR, ARTICLE_SOURCE, tmp_path / "article-alone")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The article alone: what `tests/expected/` describes, whatever else `data/` holds."""
    root = tmp_path_factory.mktemp("article")
    return build(source_alone(PROJECT_DIR, ARTICLE_SOURCE, root / "project"), root / "release")


@pytest.fixture(scope="session")
def built_all(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """Every source in `data/`, as `clustergraph build` writes the release."""
    return build(PROJECT_DIR, tmp_path_factory.mktemp("build") / "release")


@pytest.fixture(scope="session")
def release_dir(built: BuildResult) -> Path:
    return built.release_dir


@pytest.fixture(scope="session")
def release_store(release_dir: Path) -> ox.Store:
    return load_release(release_dir)


@pytest.fixture(scope="session")
def article_text() -> str:
    if not ARTICLE.is_file():
        pytest.skip(f"the article is not beside the repository ({ARTICLE})")
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def huge_answer_query() -> str:
    """A query of about 1 KB whose answer is 10 000 rows (within the default row limit) of one
    10 KB string each: 100 MB in all."""
    values = " ".join(str(i) for i in range(100))
    binds = " ".join(f"BIND(CONCAT(?c{i}, ?c{i}) AS ?c{i + 1})" for i in range(10))
    rows = f"VALUES ?a {{ {values} }} VALUES ?b {{ {values} }}"
    return f'SELECT ?c10 WHERE {{ {rows} BIND("0123456789" AS ?c0) {binds} }}'
