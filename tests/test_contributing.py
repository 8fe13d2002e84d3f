"""CONTRIBUTING.md's walkthrough, followed command by command in a copy of the repository.

The copy shares this checkout's `.venv` (a symlink), so `.venv/bin/clustergraph` and `make` run as they
would for an editor. Two liberties, both bounded: the server's port is replaced by a free one, and
`make test` runs the compile side's tests that read `data/`, on every core (pytest-xdist): without the
slow tests (this test is one of them), those building only projects of their own (`own_projects`), the
store's, the API's and the browser's — the walkthrough's own `curl` shows the served source, and the
slow ones with a second source in `data/` are `test_second_source.py`'s.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]
GUIDE = PROJECT_DIR / "CONTRIBUTING.md"
STEP_TIMEOUT_S = 600
NESTED = "CLUSTERGRAPH_TEST_NESTED"  # set in a copy's own run: no suite inside a suite
SLUG = "regional-review-2024"


def walkthrough() -> list[str]:
    """The commands of the block that follows the walkthrough marker, without comments."""
    text = GUIDE.read_text(encoding="utf-8")
    block = re.search(r"<!-- walkthrough:.*?-->\s*```sh\n(.*?)```", text, re.DOTALL)
    assert block, "CONTRIBUTING.md has no walkthrough block"
    return [line for line in block.group(1).splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    for folder in ("ontology", "data", "shapes", "queries", "tests", "src", "benchmarks"):
        shutil.copytree(PROJECT_DIR / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for top_level in PROJECT_DIR.iterdir():  # Makefile, pyproject.toml, CONTRIBUTING.md, LICENSE …
        if top_level.is_file() and not top_level.name.startswith("."):
            shutil.copy2(top_level, copy / top_level.name)  # keeps mtimes: make sees the install as current
    (copy / ".venv").symlink_to(PROJECT_DIR / ".venv")
    shared = PROJECT_DIR.parent / "shared"
    if shared.is_dir():
        (tmp_path / "shared").symlink_to(shared)
    return copy


def test_the_walkthrough_names_every_step_of_the_loop() -> None:
    commands = " ".join(walkthrough())
    steps = (
        "clustergraph new-source",
        "clustergraph tabular to-turtle",
        "clustergraph validate",
        "make fmt",
        "clustergraph tabular to-csv",
        "make build",
        "serve",
        "curl",
        "make test",
    )
    assert [step for step in steps if step not in commands] == []


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None or shutil.which("curl") is None, reason="needs make and curl")
@pytest.mark.skipif(os.environ.get(NESTED) == "1", reason="already a copy's own run")
def test_following_the_walkthrough_adds_a_source_the_server_shows(repository: Path) -> None:
    port = str(_free_port())
    compile_side = (
        "-m 'not slow and not own_projects' --ignore=tests/store --ignore=tests/api --ignore=tests/browser"
        " -p no:cacheprovider -n auto"
    )
    env = {**os.environ, NESTED: "1", "PYTEST_ADDOPTS": compile_side}
    servers: list[subprocess.Popen[bytes]] = []
    outputs: dict[str, str] = {}
    try:
        for command in walkthrough():
            line = command.replace("8765", port)
            if line.endswith("&"):
                args = shlex.split(line[:-1])
                servers.append(subprocess.Popen(args, cwd=repository, env=env, stdout=subprocess.DEVNULL,
                                                stderr=subprocess.DEVNULL))  # fmt: skip
                continue
            run = subprocess.run(
                shlex.split(line), cwd=repository, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT_S
            )
            assert run.returncode == 0, f"{command}\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
            outputs[line.split()[0] + " " + line.split()[1]] = run.stdout
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    served = outputs[next(k for k in outputs if k.startswith("curl"))]
    assert f"<https://w3id.org/clustergraph/graph/source/{SLUG}>" in served
    assert f"<https://w3id.org/clustergraph/id/source/{SLUG}>" in served
    assert (repository / "data" / SLUG / "manifest.ttl").is_file()
    assert (repository / "data" / SLUG / "tables" / "passages.csv").read_text(encoding="utf-8").startswith("slug,")
