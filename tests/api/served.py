"""`clustergraph serve` as deployed: a uvicorn process on a free port of 127.0.0.1, configured by
environment variables, stopped when the `with` block ends. Imported by the tests beside it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

SMALL_RELEASE = Path(__file__).parents[1] / "store" / "data" / "release"  # see its README
STARTUP_S = 60


@dataclass(frozen=True)
class LiveServer:
    base: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def port(self) -> int:
        return int(self.base.rpartition(":")[2])

    def memory_kb(self, field: str) -> int:
        """A field of the server process's /proc status, in kB (`VmRSS`, `VmHWM`: its peak so far)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="ascii")
        return next(int(line.split()[1]) for line in status.splitlines() if line.startswith(f"{field}:"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(tmp: Path, **settings: object) -> Iterator[str]:
    """The base URL of a server over the small release, once its /health answers; `settings` are
    `CLUSTERGRAPH_*` variables without their prefix (`query_workers=2`)."""
    with live_server(tmp, **settings) as server:
        yield server.base


@contextmanager
def live_server(tmp: Path, **settings: object) -> Iterator[LiveServer]:
    """`served`, for tests that also look at the server's process (its memory, its port)."""
    port = free_port()
    env = {
        **os.environ,
        "CLUSTERGRAPH_PROJECT_DIR": str(tmp),
        "CLUSTERGRAPH_RELEASE_DIR": str(SMALL_RELEASE),
        "CLUSTERGRAPH_STORE_DIR": str(tmp / "store"),
        **{f"CLUSTERGRAPH_{name.upper()}": str(value) for name, value in settings.items()},
    }
    log_path = tmp / "server.log"
    with log_path.open("w") as log:
        command = [sys.executable, "-m", "clustergraph.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        server = LiveServer(f"http://127.0.0.1:{port}", process, log_path)
        try:
            _wait_for(server)
            yield server
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_for(server: LiveServer) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.process.returncode}:\n{server.log.read_text()}")
        try:
            if httpx.get(f"{server.base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {STARTUP_S} s:\n{server.log.read_text()}")
