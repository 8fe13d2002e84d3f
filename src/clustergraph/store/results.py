"""Bounded answers, serialized by Oxigraph.

pyoxigraph serializes a whole result or nothing, and Python-side serialization costs several times
more. But two of Oxigraph's formats are line-based — SPARQL TSV (a header, then one solution
per line) and N-Triples (one triple per line) — so an answer is bounded by letting Oxigraph write
one of them into a writer that stops it after N lines, and then, when another format was asked for,
having Oxigraph re-read and re-write those lines. Both steps run in Rust; a remote store's answer
is bounded the same way as it streams in.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import IO

import pyoxigraph as ox

from clustergraph.namespaces import PREFIXES
from clustergraph.store.base import SerializedResult
from clustergraph.store.formats import (
    JSON_LD,
    N_TRIPLES,
    SPARQL_JSON,
    TSV,
    graph_format,
    results_format,
)

TRIPLES_NOT_ROWS = "a CONSTRUCT or DESCRIBE query answers with triples, not rows: ask for an RDF format"
_TRUNCATED_JSON_FIELD = b'{"truncated":true,'


class _Full(Exception):
    """Raised inside Oxigraph's serializer to stop it: the line budget is spent."""


class LineBudget(io.RawIOBase):
    """A binary sink keeping at most `lines` complete lines; it notes whether more was offered."""

    def __init__(self, lines: int | None) -> None:
        super().__init__()
        self._parts: list[bytes] = []
        self._left = lines
        self.truncated = False

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = bytes(data)
        if not chunk:
            return 0
        if self._left is None:
            self._parts.append(chunk)
            return len(chunk)
        if self._left == 0:
            self.truncated = True
            raise _Full
        newlines = chunk.count(b"\n")
        if newlines < self._left:
            self._parts.append(chunk)
            self._left -= newlines
            return len(chunk)
        cut = _after_nth_newline(chunk, self._left)
        self._parts.append(chunk[:cut])
        self._left = 0
        if cut < len(chunk):
            self.truncated = True
            raise _Full
        return len(chunk)

    def feed(self, chunks: Iterable[bytes]) -> None:
        """Take chunks until the budget is spent (for answers streaming in over HTTP)."""
        try:
            for chunk in chunks:
                self.write(chunk)
        except _Full:
            return

    def value(self) -> bytes:
        return b"".join(self._parts)


def bounded(write: Callable[[IO[bytes]], object], lines: int | None) -> tuple[bytes, bool]:
    """Run `write(sink)` (an Oxigraph serializer) keeping `lines` lines; (bytes, truncated)."""
    sink = LineBudget(lines)
    try:
        write(sink)  # type: ignore[arg-type]
    except _Full:
        pass
    except OSError:
        if not sink.truncated:
            raise
    return sink.value(), sink.truncated


def solutions_as(tsv: bytes, media_type: str, truncated: bool) -> SerializedResult:
    """Bounded TSV solutions, rewritten by Oxigraph as `media_type`."""
    body = tsv
    if media_type != TSV:
        solutions = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
        body = solutions.serialize(format=results_format(media_type)) or b""
    return SerializedResult(_mark_truncated(body, media_type, truncated), media_type, truncated)


def triples_as(ntriples: bytes, media_type: str, truncated: bool) -> SerializedResult:
    """Bounded N-Triples, rewritten by Oxigraph as `media_type` with the project's prefixes."""
    if media_type == N_TRIPLES:
        return SerializedResult(ntriples, media_type, truncated)
    body = ox.serialize(
        ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES),
        format=graph_format(media_type),
        prefixes=None if media_type == JSON_LD else PREFIXES,
    )
    return SerializedResult(body or b"", media_type, truncated)


def boolean_as(answer: ox.QueryBoolean, media_type: str) -> SerializedResult:
    return SerializedResult(answer.serialize(format=results_format(media_type)) or b"", media_type)


def _mark_truncated(body: bytes, media_type: str, truncated: bool) -> bytes:
    """SPARQL JSON results get a top-level `"truncated": true` (clients ignore unknown members)."""
    if truncated and media_type == SPARQL_JSON and body.startswith(b"{"):
        return _TRUNCATED_JSON_FIELD + body[1:]
    return body


def _after_nth_newline(chunk: bytes, n: int) -> int:
    position = -1
    for _ in range(n):
        position = chunk.index(b"\n", position + 1)
    return position + 1
