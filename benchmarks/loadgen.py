"""A small closed-loop HTTP/1.1 load generator on asyncio streams.

`concurrency` connections each send a request, wait for the whole answer, and send the next, over one
kept-alive connection, until `max_requests` were sent in all or `max_seconds` passed, whichever comes
first. It speaks just enough HTTP/1.1 (Content-Length and chunked bodies) to read what uvicorn and
Oxigraph send. httpx would do, but on this two-core machine the client shares the CPU with the server,
and a lighter client takes less of it; the client's own CPU time per request is reported, so a reader can
see how much of the machine it took.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from benchmarks.stats import latency_summary

_REQUEST_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Target:
    url: str
    accept: str = "application/sparql-results+json"

    def request_bytes(self) -> bytes:
        parts = urlsplit(self.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return (
            f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nAccept: {self.accept}\r\n"
            "User-Agent: clustergraph-bench\r\n\r\n"
        ).encode("ascii")

    @property
    def address(self) -> tuple[str, int]:
        parts = urlsplit(self.url)
        return parts.hostname or "127.0.0.1", parts.port or 80


@dataclass
class Response:
    status: int
    body: bytes
    keep_alive: bool


@dataclass
class LoadResult:
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    client_cpu_s: float = 0.0

    def summary(self) -> dict[str, Any]:
        ok = self.statuses.get(200, 0)
        out: dict[str, Any] = {
            "concurrency": self.concurrency,
            "requests": len(self.latencies),
            "ok": ok,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": self.errors[:5],
            "elapsed_s": round(self.elapsed_s, 3),
            "throughput_rps": round(ok / self.elapsed_s, 1) if self.elapsed_s else 0.0,
            "client_cpu_ms_per_request": round(self.client_cpu_s / max(1, len(self.latencies)) * 1000, 3),
        }
        if self.latencies:
            out.update(latency_summary(self.latencies))
        return out


async def fetch(target: Target) -> Response:
    """One request on a fresh connection: for checking an answer before measuring."""
    reader, writer = await asyncio.open_connection(*target.address)
    try:
        writer.write(target.request_bytes())
        return await asyncio.wait_for(_read_response(reader), _REQUEST_TIMEOUT_S)
    finally:
        writer.close()


def run_load(target: Target, *, concurrency: int, max_requests: int, max_seconds: float) -> LoadResult:
    result = LoadResult(concurrency)
    cpu = time.process_time()
    start = time.perf_counter()
    asyncio.run(_load(target, result, concurrency, max_requests, start + max_seconds))
    result.elapsed_s = time.perf_counter() - start
    result.client_cpu_s = time.process_time() - cpu
    return result


async def _load(target: Target, result: LoadResult, concurrency: int, max_requests: int, deadline: float) -> None:
    tickets = iter(range(max_requests))
    await asyncio.gather(*(_connection(target, result, tickets, deadline) for _ in range(concurrency)))


async def _connection(target: Target, result: LoadResult, tickets: Any, deadline: float) -> None:
    request = target.request_bytes()
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    try:
        while time.perf_counter() < deadline and next(tickets, None) is not None:
            if writer is None:
                reader, writer = await asyncio.open_connection(*target.address)
            assert reader is not None
            start = time.perf_counter()
            try:
                writer.write(request)
                response = await asyncio.wait_for(_read_response(reader), _REQUEST_TIMEOUT_S)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
                result.errors.append(f"{type(error).__name__}: {error}")
                writer.close()
                reader = writer = None
                continue
            result.latencies.append(time.perf_counter() - start)
            result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
            if not response.keep_alive:
                writer.close()
                reader = writer = None
    finally:
        if writer is not None:
            writer.close()


async def _read_response(reader: asyncio.StreamReader) -> Response:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in head[1:] if ":" in line)}
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
    else:
        body = await reader.read()
        return Response(status, body, keep_alive=False)
    return Response(status, body, keep_alive=headers.get("connection", "").lower() != "close")


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers, then the empty line
                pass
            return b"".join(chunks)
        chunks.append((await reader.readexactly(size + 2))[:-2])
