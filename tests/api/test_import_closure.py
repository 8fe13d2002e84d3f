"""The serving side never loads the compile side: the app, `clustergraph serve` and the query workers
import neither owlrl, pyshacl nor any module of `clustergraph.compile`.

Checked three ways: in the source, where no module outside `compile/` but the CLI (whose build
commands import it when they run) names the compile side, even in a function; in fresh interpreters
that import each entry point (what a module pulls in when it is imported); and on a real
`clustergraph serve` in which every process, the query workers included, reports each module it
imports (`PYTHONPROFILEIMPORTTIME`, which child processes inherit) while it starts and answers queries.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import httpx
import pytest
from served import live_server

import clustergraph

COMPILE_SIDE = ("owlrl", "pyshacl", "clustergraph.compile")
# A query worker is a spawned process: multiprocessing imports the parent's main module (the CLI, for
# `clustergraph serve`) and then the module of the worker's target, `store/worker.py`.
ENTRY_POINTS = {
    "app factory": ("clustergraph.api.app", "clustergraph.main"),
    "clustergraph serve": ("clustergraph.cli", "clustergraph.serve"),
    "query worker": ("multiprocessing.spawn", "clustergraph.cli", "clustergraph.store.worker"),
    "remote store": ("clustergraph.store.remote",),
}
_IMPORTS = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""
_IMPORT_TIME_HEADER = "import time: self [us] | cumulative | imported package"


PACKAGE = Path(clustergraph.__file__).parent
# The only module outside compile/ that may name it: `clustergraph build`, `fmt`, … import it as they run.
COMMANDS = PACKAGE / "cli.py"


def compile_side(modules: Iterable[str]) -> list[str]:
    return sorted(m for m in modules if any(m == side or m.startswith(f"{side}.") for side in COMPILE_SIDE))


def named_imports(path: Path) -> set[str]:
    """Every module an import statement of `path` names, at any depth (a function's imports too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_module_outside_the_compile_side_imports_it() -> None:
    outside = [p for p in PACKAGE.rglob("*.py") if (PACKAGE / "compile") not in p.parents and p != COMMANDS]
    assert PACKAGE / "store" / "worker.py" in outside
    offenders = {str(p.relative_to(PACKAGE)): compile_side(named_imports(p)) for p in outside}
    assert {path: names for path, names in offenders.items() if names} == {}
    assert compile_side(named_imports(COMMANDS))  # the check sees an import inside a function


def imported_by(*modules: str) -> set[str]:
    """`sys.modules` of a fresh interpreter once it has imported `modules`."""
    command = [sys.executable, "-c", _IMPORTS, *modules]
    answer = subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)
    return set(json.loads(answer.stdout))


@pytest.mark.parametrize("entry", ENTRY_POINTS.values(), ids=ENTRY_POINTS.keys())
def test_an_entry_point_of_the_service_imports_nothing_of_the_compile_side(entry: tuple[str, ...]) -> None:
    modules = imported_by(*entry)
    assert set(entry) <= modules
    assert compile_side(modules) == []


def test_the_check_sees_the_compile_side_where_it_is_loaded() -> None:
    found = compile_side(imported_by("clustergraph.compile.build"))
    assert {"pyshacl", "clustergraph.compile", "clustergraph.compile.build"} <= set(found)


def imports_reported(log: str) -> tuple[int, list[str]]:
    """From a log of processes run with PYTHONPROFILEIMPORTTIME: how many processes reported, and
    every module any of them imported (once per process that imported it)."""
    lines = [line for line in log.splitlines() if line.startswith("import time:")]
    processes = sum(1 for line in lines if line == _IMPORT_TIME_HEADER)
    modules = [line.rpartition("|")[2].strip() for line in lines if line != _IMPORT_TIME_HEADER]
    return processes, modules


@pytest.mark.slow
def test_a_running_server_and_its_query_workers_import_nothing_of_the_compile_side(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPROFILEIMPORTTIME", "1")
    with live_server(tmp_path, query_workers=2) as server:
        for query in ("ASK { ?s ?p ?o }", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"):
            response = httpx.get(f"{server.base}/sparql", params={"query": query}, timeout=60)
            assert response.status_code == 200, response.text
        assert httpx.get(f"{server.base}/health", timeout=60).status_code == 200
    processes, modules = imports_reported(server.log.read_text(encoding="utf-8", errors="replace"))
    # The server imports store/worker.py, and so does each query worker it spawned: more than one
    # process reporting that module shows the workers' imports are in the log too.
    assert processes >= 3
    assert modules.count("clustergraph.store.worker") >= 3
    assert "clustergraph.api.app" in modules
    assert compile_side(modules) == []
