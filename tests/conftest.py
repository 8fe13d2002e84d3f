"""Session fixtures: the real project built once into a temporary release, and that release loaded."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from clustergraph.build import BuildResult, build
from clustergraph.dataset import load_release

PROJECT_DIR = Path(__file__).resolve().parents[1]
ARTICLE = PROJECT_DIR.parent / "shared" / "seed" / "000_28e98c03ca20fcf4.txt"


@pytest.fixture(scope="session")
def project_dir() -> Path:
    return PROJECT_DIR


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
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
