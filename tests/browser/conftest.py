"""A real `clustergraph serve` (uvicorn) on 127.0.0.1 over the article's release, and headless Chromium
(Debian's, at /usr/bin/chromium) driven by Playwright, which downloads no browser of its own.

Every page a test opens is watched: a request to any other host and any console error fail the test,
and a screenshot of each page is kept in build/screenshots/ for a person to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Route, sync_playwright
from watching import MAX_RESULTS, Watched

CHROMIUM = Path("/usr/bin/chromium")
PROJECT_DIR = Path(__file__).resolve().parents[2]

STARTUP_S = 120
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def site(release_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the service, once /health answers."""
    tmp = tmp_path_factory.mktemp("browser-site")
    port = _free_port()
    env = {
        **os.environ,
        "CLUSTERGRAPH_PROJECT_DIR": str(PROJECT_DIR),
        "CLUSTERGRAPH_RELEASE_DIR": str(release_dir),
        "CLUSTERGRAPH_STORE_DIR": str(tmp / "store"),
        "CLUSTERGRAPH_MAX_RESULTS": str(MAX_RESULTS),
    }
    command = [sys.executable, "-m", "clustergraph.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with (tmp / "server.log").open("w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(f"{base}/health", process, tmp / "server.log")
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the server did not answer {url} within {STARTUP_S} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian package `chromium`)")
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def watched(browser: Browser, site: str) -> Iterator[Watched]:
    """A fresh page at desktop width that records outside requests (and blocks them) and console errors;
    each test ends with `watched.assert_clean()`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watched(page=page, site=site)
    host = urlsplit(site).netloc

    def route(request_route: Route) -> None:
        url = request_route.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != host:
            watch.outside.append(url)
            request_route.abort()
        else:
            request_route.continue_()

    context.route("**/*", route)

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watch.errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: watch.errors.append(str(error)))
    yield watch
    context.close()
