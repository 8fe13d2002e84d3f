"""A second source as a unit: the fictional Ruritania example driven through validate, fmt, build and the API.

`tests/data/sources/ruritania-example/` is a small, clearly fictional source (manifest, one case file and
the text its passages quote). It is a fixture, never data: the tests copy it into a throw-away project
beside the article, as an editor would drop a new folder into `data/`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clustergraph.api.app import create_app
from clustergraph.cli import main
from clustergraph.compile.build import BuildResult, build
from clustergraph.compile.formatting import format_paths
from clustergraph.namespaces import ID, source_graph
from clustergraph.settings import Settings

EXAMPLE = Path(__file__).parent / "data" / "sources" / "ruritania-example"
NAME = EXAMPLE.name
CHILD_RUN = "CLUSTERGRAPH_TEST_NESTED"  # set in a copy's own run: no suite inside a suite
CHILD_TIMEOUT_S = 900
# the copy's run: what reads `data/` as a whole (see the test below), on every core
WHAT_READS_DATA = (
    *("--ignore=tests/store", "--ignore=tests/api", "--ignore=tests/browser"),
    *("-m", "not own_projects", "-n", "auto"),
)


def _project_with_example(project_dir: Path, into: Path, folders: tuple[str, ...]) -> Path:
    for folder in folders:
        shutil.copytree(project_dir / folder, into / folder)
    shutil.copytree(EXAMPLE, into / "data" / NAME, dirs_exist_ok=True)  # it may be in data/ already
    return into


@pytest.fixture(scope="module")
def example_build(project_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    root = tmp_path_factory.mktemp("second-source")
    project = _project_with_example(project_dir, root / "project", ("ontology", "data", "shapes", "queries"))
    return build(project, root / "release")


@pytest.fixture(scope="module")
def example_client(example_build: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    project = example_build.release_dir.parent / "project"
    store_dir = tmp_path_factory.mktemp("second-source-store") / "store"
    settings = Settings(project_dir=project, release_dir=example_build.release_dir, store_dir=store_dir)
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_example_validates_against_the_project_and_is_canonical(
    project_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [str(p) for p in sorted(EXAMPLE.glob("*.ttl"))]
    assert main(["--project", str(project_dir), "validate", *files]) == 0, capsys.readouterr().err
    assert format_paths([EXAMPLE], check=True) == []


def test_the_example_builds_as_its_own_named_graph_beside_the_article(example_build: BuildResult) -> None:
    graphs = example_build.report["graphs"]
    assert graphs[source_graph(NAME)]["triples"] > 0
    assert graphs[source_graph("creative-economy-2017-07")]["triples"] > 0
    assert example_build.warnings == ()  # it has a manifest
    assert example_build.contested == ()  # it says nothing the article says differently


def test_search_finds_the_examples_resources(example_client: TestClient) -> None:
    found = example_client.get("/api/search", params={"q": "Ruritania"}).json()["results"]
    assert {r["iri"] for r in found} >= {
        str(ID["region/ruritania"]),
        str(ID["source/ruritania-example/case/ruritania"]),
    }


def test_provenance_leads_to_the_examples_own_source(example_client: TestClient) -> None:
    answer = example_client.get("/api/resources/institution/ruritanian-cluster-bureau/provenance").json()
    (passage,) = answer["passages"]
    assert passage["quote"].startswith("In the Kingdom of Ruritania")
    assert [s["iri"] for s in passage["quoted_from"]] == [str(ID["source/ruritania-example-report"])]


def test_cases_of_two_sources_can_be_compared(example_client: TestClient) -> None:
    answer = example_client.get(
        "/api/compare", params=[("case", "creative-economy-2017-07/oregon"), ("case", f"{NAME}/ruritania")]
    ).json()
    assert [c["slug"] for c in answer["cases"]] == ["creative-economy-2017-07/oregon", f"{NAME}/ruritania"]
    ruritania = answer["cases"][1]
    assert [i["slug"] for i in ruritania["institutions"]] == ["ruritanian-cluster-bureau"]
    assert [r["slug"] for r in ruritania["regions"]] == ["ruritania"]


def test_the_examples_graph_downloads_on_its_own(example_client: TestClient) -> None:
    response = example_client.get(
        "/graphs", params={"graph": source_graph(NAME)}, headers={"Accept": "application/n-triples"}
    )
    assert response.status_code == 200
    assert str(ID["source/ruritania-example/case/ruritania"]) in response.text
    assert str(ID["source/creative-economy-2017-07/case/oregon"]) not in response.text


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get(CHILD_RUN) == "1", reason="already the copy's own run")
def test_dropping_the_example_into_data_leaves_the_test_suite_green(project_dir: Path, tmp_path: Path) -> None:
    """An editor's loop in a copy of the repository: drop the folder in, validate, `make fmt`, `make test`.

    The copy's run leaves out what a source in `data/` cannot reach: `tests/store`, `tests/api` and
    `tests/browser` serve the article built alone (`release_dir`) or fixture releases of their own, and
    the modules marked `own_projects` build only projects of their own, never `data/` as a whole; their
    answers are the same with the example as without it, and they run once, in this suite. What reads
    `data/` — the invariants over every source (`built_all`, the quotes, the canonical form, Protégé's
    view with the data), the per-source expectations and the tools — runs again with the example in it,
    spread over the machine's cores (pytest-xdist), as this suite waits meanwhile."""
    folders = ("ontology", "data", "shapes", "queries", "tests", "src", "benchmarks")
    copy = _project_with_example(project_dir, tmp_path / "repo", folders)
    files = [str(p) for p in sorted((copy / "data" / NAME).glob("*.ttl"))]
    assert main(["--project", str(copy), "validate", *files]) == 0
    assert main(["--project", str(copy), "modules"]) == 0  # what `make fmt` runs first
    assert main(["fmt", str(copy / "ontology"), str(copy / "shapes"), str(copy / "data")]) == 0
    shared = project_dir.parent / "shared"
    if shared.is_dir():  # the article's text, which the quote tests read from beside the repository
        (tmp_path / "shared").symlink_to(shared)
    for top_level in project_dir.iterdir():  # pyproject.toml, CONTRIBUTING.md, LICENSE, CITATION.cff …
        if top_level.is_file() and not top_level.name.startswith("."):
            shutil.copy2(top_level, copy / top_level.name)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *WHAT_READS_DATA, "tests"],
        cwd=copy,
        env={**os.environ, CHILD_RUN: "1"},
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
