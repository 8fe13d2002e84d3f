"""Bounded answers, serialized by Oxigraph.

pyoxigraph serializes a whole result or nothing, and Python-side serialization costs several times
more. But two of Oxigraph's formats are line-based — SPARQL TSV (a header, then one solution
per line) and N-Triples (one triple per line) — so an answer is bounded by letting Oxigraph write
one of them into a writer that stops it after N lines or M bytes (at the end of a line), and then,
when another format was asked for, having Oxigraph re-read and re-write those lines, dropping rows
from the end while the rewritten answer is still over M bytes. Both steps run in Rust; a remote
store's answer is bounded the same way as it streams in.

For SPARQL JSON and TSV answers there is a quicker way, taken first (`solutions_answer`): Oxigraph
writes the asked format straight into a sink that counts bytes and row boundaries, and if the answer
stays within both limits it is the answer — the same bytes the rewrite would give, without it. With
it, a worker's CPU per type lookup fell from 120–135 to 100–110 µs (`benchmarks/server_cost.py`,
benchmarks/README.md, "A cheaper trip through the store"). An answer that
may not fit is evaluated again and written the long way, so a truncated answer costs a little more
than before, never a different answer.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO

import pyoxigraph as ox

from clustergraph.errors import ResultTooLarge
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
_FIT_ROUNDS = 8
_FIT_MARGIN = 0.9  # rows differ in size: aim a little under the limit


class _Full(Exception):
    """Raised inside Oxigraph's serializer to stop it: the line budget is spent."""


class LineBudget(io.RawIOBase):
    """A binary sink keeping at most `lines` complete lines and `max_bytes` bytes; it notes whether
    more was offered. A cut always falls at the end of a line."""

    def __init__(self, lines: int | None, max_bytes: int | None = None) -> None:
        super().__init__()
        self._parts: list[bytes] = []
        self._lines_left = lines
        self._bytes_left = max_bytes
        self.truncated = False

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = bytes(data)
        kept = chunk if self._lines_left is None else chunk[: _after_lines(chunk, self._lines_left)]
        if self._bytes_left is not None:
            kept = kept[: self._bytes_left]
            self._bytes_left -= len(kept)
        if self._lines_left is not None:
            self._lines_left -= kept.count(b"\n")
        self._parts.append(kept)
        if len(kept) < len(chunk):
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
        body = b"".join(self._parts)
        return body[: body.rfind(b"\n") + 1] if self.truncated else body


class InputCut(Exception):
    """Raised by a bounded input (a remote answer) whose byte budget is spent: what was written so far
    is the answer, truncated."""


def bounded(write: Callable[[IO[bytes]], object], lines: int | None, max_bytes: int | None) -> tuple[bytes, bool]:
    """Run `write(sink)` (an Oxigraph serializer) keeping `lines` lines within `max_bytes`;
    (bytes, truncated)."""
    sink = LineBudget(lines, max_bytes)
    try:
        write(sink)  # type: ignore[arg-type]
    except _Full:
        pass
    except InputCut:
        sink.truncated = True
    except OSError:
        if not sink.truncated:
            raise
    return sink.value(), sink.truncated


def fitted(
    lines: bytes, header_lines: int, convert: Callable[[bytes], bytes], max_bytes: int | None, truncated: bool
) -> tuple[bytes, bool]:
    """`convert(lines)`, dropping lines from the end until the converted answer fits in `max_bytes`
    (another format can be larger than the line-based one that was bounded)."""
    body = convert(lines)
    for _ in range(_FIT_ROUNDS):
        if max_bytes is None or len(body) <= max_bytes:
            return body, truncated
        rows = lines.count(b"\n") - header_lines
        keep = min(rows - 1, int(rows * max_bytes / len(body) * _FIT_MARGIN))
        lines = lines[: _after_lines(lines, header_lines + max(keep, 0))]
        body, truncated = convert(lines), True
    if max_bytes is not None and len(body) > max_bytes:
        raise ResultTooLarge(f"even an empty answer in this format is larger than {max_bytes} bytes")
    return body, truncated


def solutions_as(tsv: bytes, media_type: str, truncated: bool, max_bytes: int | None = None) -> SerializedResult:
    """Bounded TSV solutions, rewritten by Oxigraph as `media_type` in at most `max_bytes`."""

    def convert(lines: bytes) -> bytes:
        body = lines
        if media_type != TSV:
            solutions = ox.parse_query_results(lines, format=ox.QueryResultsFormat.TSV)
            body = solutions.serialize(format=results_format(media_type)) or b""
        return _mark_truncated(body, media_type, truncated or len(lines) < len(tsv))

    body, cut = fitted(tsv, 1, convert, max_bytes, truncated)
    return SerializedResult(body, media_type, cut)


def triples_as(ntriples: bytes, media_type: str, truncated: bool, max_bytes: int | None = None) -> SerializedResult:
    """Bounded N-Triples, rewritten by Oxigraph as `media_type` with the project's prefixes, in at
    most `max_bytes`."""

    def convert(lines: bytes) -> bytes:
        if media_type == N_TRIPLES:
            return lines
        body = ox.serialize(
            ox.parse(lines, format=ox.RdfFormat.N_TRIPLES),
            format=graph_format(media_type),
            prefixes=None if media_type == JSON_LD else PREFIXES,
        )
        return body or b""

    body, cut = fitted(ntriples, 0, convert, max_bytes, truncated)
    return SerializedResult(body, media_type, cut)


@dataclass(frozen=True)
class _Rows:
    """How a format's rows can be counted from its bytes: `boundary` occurs at least once between two
    rows, and the answer holds at most `boundaries + extra` rows; `slack_per_value` bounds how many
    bytes per value its TSV (the long way's budget) may take beyond it."""

    boundary: bytes
    extra: int
    slack_per_value: int


# SPARQL JSON as Oxigraph writes it has no white space, so rows are `{...},{...}` (the same three bytes
# may also occur inside a string, which only overcounts); each character of a value takes no more
# bytes in TSV than in JSON, but an unbound value takes a tab in TSV and nothing in JSON. TSV rows are
# its lines after the header (newlines inside values are escaped).
_COUNTED: dict[str, _Rows] = {SPARQL_JSON: _Rows(b"},{", 1, 1), TSV: _Rows(b"\n", -1, 0)}


class _Within:
    """A sink that stops its writer (`_Full`) once the answer may hold more than `limit` rows or its
    TSV may exceed `max_bytes`: past either, the answer would be truncated, which the long way does."""

    def __init__(self, rows: _Rows, values_per_row: int, limit: int | None, max_bytes: int | None) -> None:
        self._parts: list[bytes] = []
        self._boundary = rows.boundary
        self._rows = rows.extra  # at most this many rows so far: boundaries seen, and the format's extra
        self._slack = rows.slack_per_value * values_per_row
        self._limit = math.inf if limit is None else limit
        self._max_bytes = math.inf if max_bytes is None else max_bytes
        self._size = 0
        self._tail = b""  # the last bytes written, where a boundary may have begun
        self.stopped = False

    def write(self, data: bytes | bytearray | memoryview) -> int:
        chunk = bytes(data)
        self._parts.append(chunk)
        self._size += len(chunk)
        boundary = self._boundary
        self._rows += chunk.count(boundary)
        if len(boundary) > 1:
            if self._tail:  # one that began in the last chunk and ends in this one
                self._rows += (self._tail + chunk[: len(boundary) - 1]).count(boundary)
            self._tail = chunk[1 - len(boundary) :]
        if self._rows > self._limit or self._size + self._rows * self._slack > self._max_bytes:
            self.stopped = True
            raise _Full
        return len(chunk)

    def flush(self) -> None:
        pass

    def value(self) -> bytes:
        return b"".join(self._parts)


def solutions_answer(
    solutions: ox.QuerySolutions,
    again: Callable[[], ox.QuerySolutions],
    media_type: str,
    limit: int | None,
    max_bytes: int | None,
) -> SerializedResult:
    """At most `limit` rows of `solutions` in at most `max_bytes` of `media_type`: written straight in
    that format when its rows can be counted and the answer fits, else (evaluated `again`, if the
    first try spent them) bounded as TSV and rewritten. Both ways give the same bytes."""
    rows = _COUNTED.get(media_type)
    if rows is not None:
        sink = _Within(rows, len(solutions.variables), limit, max_bytes)
        try:
            solutions.serialize(sink, format=results_format(media_type))  # type: ignore[arg-type]
            return SerializedResult(sink.value(), media_type)
        except _Full:
            pass
        except OSError:
            if not sink.stopped:
                raise
        solutions = again()
    spent = solutions
    tsv, truncated = bounded(
        lambda sink: spent.serialize(sink, format=ox.QueryResultsFormat.TSV),
        None if limit is None else limit + 1,
        max_bytes,
    )
    return solutions_as(tsv, media_type, truncated, max_bytes)


def boolean_as(answer: ox.QueryBoolean, media_type: str) -> SerializedResult:
    return SerializedResult(answer.serialize(format=results_format(media_type)) or b"", media_type)


def _mark_truncated(body: bytes, media_type: str, truncated: bool) -> bytes:
    """SPARQL JSON results get a top-level `"truncated": true` (clients ignore unknown members)."""
    if truncated and media_type == SPARQL_JSON and body.startswith(b"{"):
        return _TRUNCATED_JSON_FIELD + body[1:]
    return body


def _after_lines(chunk: bytes, n: int) -> int:
    """Where the `n`th line of `chunk` ends (its length if it has fewer)."""
    position = -1
    for _ in range(n):
        position = chunk.find(b"\n", position + 1)
        if position < 0:
            return len(chunk)
    return position + 1
