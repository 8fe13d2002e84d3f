"""Real SPARQL servers for the remote store's tests and benchmarks, each started in a temporary folder
on free ports of 127.0.0.1 and stopped at the end: Oxigraph's server (`oxigraph serve`, PyPI package
`oxigraph`) and OpenLink Virtuoso (`virtuoso-t`, Debian package `virtuoso-opensource`, which `.ci/run`
installs).

Virtuoso gets a `virtuoso.ini` of its own (`VIRTUOSO_INI`): no file access outside its folder
(`DirsAllowed`), no operating-system calls, no HTTP proxy, bounded answers (`ResultSetMaxRows`) and
query time (`MaxQueryExecutionTime`). Its public `/sparql` endpoint runs as the SQL user `SPARQL`,
which may only read (`READ_ONLY_SPARQL`): no federation (`SERVICE`), no update or `LOAD`, no
sponging of remote graphs. The release is loaded through the authenticated
Graph Store endpoint `/sparql-graph-crud-auth` as `dba`, whose password is set afresh for each server.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks.servers import free_port, stop

# A query a server stops by itself: a client that gave up on one (the service's runaway tests) must not
# leave the server busy for the rest of a session on a 2-core machine.
QUERY_TIMEOUT_S = 10
START_TIMEOUT_S = 180.0  # Virtuoso creates its database on first start: 10-20 s on a busy 2-core machine
VIRTUOSO = "/usr/bin/virtuoso-t"
ISQL = "/usr/bin/isql-vt"
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {dir}
AllowOSCalls = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 8
EnabledDavVSP = 0
HTTPProxyEnabled = 0

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = {query_timeout_s}
MaxQueryCostEstimationTime = 400
"""
# `/sparql` runs as the disabled SQL user SPARQL, which on a fresh database holds neither
# SPARQL_UPDATE (update, LOAD) nor SPARQL_SPONGE (fetching a FROM graph) nor the right to invoke
# SERVICE (the view DB.DBA.SPARQL_SINV_2): the tests check that each is refused. Graph-level
# permissions for anonymous clients are set to read only (1) as well.
READ_ONLY_SPARQL = ["DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 1)"]


@dataclass(frozen=True)
class Engine:
    """A running SPARQL server: its query and Graph Store endpoints and the loader's credentials."""

    name: str
    query_url: str
    store_url: str
    process: subprocess.Popen[bytes]
    user: str | None = None
    password: str | None = None

    def remote_settings(self) -> dict[str, object]:
        """The settings that point the remote store (and `load-remote`) at this server."""
        return {
            "store": "remote",
            "remote_query_url": self.query_url,
            "remote_store_url": self.store_url,
            "remote_store_user": self.user,
            "remote_store_password": self.password,
        }


class EngineMissing(RuntimeError):
    """The engine's server is not installed here."""


@contextmanager
def running_oxigraph(tmp: Path) -> Iterator[Engine]:
    """A fresh, in-memory `oxigraph serve`."""
    executable = shutil.which("oxigraph", path=str(Path(sys.executable).parent))
    if executable is None:
        raise EngineMissing("the `oxigraph` server (PyPI package `oxigraph`) is not installed")
    base = f"http://127.0.0.1:{free_port()}"
    command = [executable, "serve", "--bind", base.removeprefix("http://"), "--timeout-s", str(QUERY_TIMEOUT_S)]
    with _process(command, tmp, f"{base}/query") as process:
        yield Engine("oxigraph", f"{base}/query", f"{base}/store", process)


@contextmanager
def running_virtuoso(tmp: Path) -> Iterator[Engine]:
    """A fresh Virtuoso with its own database in `tmp`, its SPARQL endpoint read-only."""
    if not Path(VIRTUOSO).is_file():
        raise EngineMissing("Virtuoso (Debian package virtuoso-opensource) is not installed")
    sql_port, http_port = free_port(), free_port()
    ini = VIRTUOSO_INI.format(dir=tmp, sql_port=sql_port, http_port=http_port, query_timeout_s=QUERY_TIMEOUT_S)
    (tmp / "virtuoso.ini").write_text(ini)
    base = f"http://127.0.0.1:{http_port}"
    command = [VIRTUOSO, "+foreground", "+configfile", str(tmp / "virtuoso.ini")]
    with _process(command, tmp, f"{base}/sparql") as process:
        password = secrets.token_hex(12)
        isql(sql_port, "dba", [f'SET PASSWORD "dba" "{password}"'])
        isql(sql_port, "dba", READ_ONLY_SPARQL, password=password)
        yield Engine("virtuoso", f"{base}/sparql", f"{base}/sparql-graph-crud-auth", process, "dba", password)


ENGINES: dict[str, Callable[[Path], AbstractContextManager[Engine]]] = {
    "oxigraph": running_oxigraph,
    "virtuoso": running_virtuoso,
}


def isql(port: int, user: str, statements: list[str], password: str = "dba") -> str:
    """Run SQL statements on Virtuoso's SQL port with its command-line client; fail on any error."""
    script = "".join(f"{statement};\n" for statement in statements)
    done = subprocess.run(
        [ISQL, f"127.0.0.1:{port}", user, password, "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF"],
        input=script.encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    output = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
    if done.returncode != 0 or "*** Error" in output:
        raise RuntimeError(f"isql failed ({done.returncode}): {output[-2000:]}")
    return output


@contextmanager
def _process(command: list[str], tmp: Path, probe_url: str) -> Iterator[subprocess.Popen[bytes]]:
    with (tmp / "server.log").open("w") as log:
        process = subprocess.Popen(command, cwd=tmp, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_until_up(probe_url, process)
            yield process
        finally:
            stop(process)


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with status {process.returncode}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=1).status_code == httpx.codes.OK:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{process.args!r} did not answer at {url} within {START_TIMEOUT_S:g} s")
