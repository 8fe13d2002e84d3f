"""Reading a remote server's answers, and the one place for each way an engine's answers differ.

Solutions are asked for as SPARQL JSON results, the format every engine tried writes alike (its
TSV is not: Virtuoso's drops datatypes and language tags and writes IRIs as quoted strings), and
read by pyoxigraph as they stream in, straight into the bounded SPARQL TSV the rest of the store
works with: the read stops, and the connection is dropped, once the row or byte budget is spent.

Where an engine departs from the standards, its answer is mended here, each departure in one
function named after it and tested on the engine that shows it:

- Virtuoso labels blank nodes `nodeID://b10006`, which is no blank-node label (`_virtuoso_blank_nodes`);
- Virtuoso answers an ASK query with a one-column SELECT, `__ASK_RETVAL`, that has the row `1` when
  the answer is true and no row when it is false (`_virtuoso_ask`);
- Virtuoso separates N-Triples terms with tabs (`spaced_ntriples`);
- Virtuoso's syntax errors say `Virtuoso 37000 Error SP030: SPARQL compiler, line 1: ...` and then
  repeat the query as it ran, with the dataset the service chose (`_virtuoso_syntax_error`).

Not mended: Virtuoso (7.2.5) writes the booleans a query computes (`BIND(EXISTS {...} AS ?b)`, even
`true`) as the integers 1 and 0, which no reader can tell from integers; on Virtuoso, /api/roles
lists no role's kinds.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import IO, cast

import pyoxigraph as ox

from clustergraph.errors import StoreError
from clustergraph.store.results import InputCut, bounded
from clustergraph.store.syntax import EXCERPT, readable, undeclared

JSON_RESULTS = ox.QueryResultsFormat.JSON
_VIRTUOSO_BLANK_NODE = b'"bnode", "value": "nodeID://'
_BLANK_NODE = b'"bnode", "value": "'
_VIRTUOSO_ASK = "__ASK_RETVAL"
_VIRTUOSO_ERROR = re.compile(
    r"^Virtuoso \w+ Error SP\d+: SPARQL compiler, line (\d+): (.*?)(?:\n\nSPARQL query:|$)", re.DOTALL
)
_VIRTUOSO_PREFIX = re.compile(r"^Undefined namespace prefix at '([^']*)'")
_BOOLEANS = {  # pyoxigraph makes a QueryBoolean only by parsing one
    value: cast(ox.QueryBoolean, ox.parse_query_results(b'{"head": {}, "boolean": %s}' % text, format=JSON_RESULTS))
    for value, text in ((True, b"true"), (False, b"false"))
}


class AnswerStream(io.RawIOBase):
    """The chunks of an HTTP answer as a binary file for pyoxigraph's parsers, mended by
    `_virtuoso_blank_nodes`; reading past `max_bytes` raises InputCut."""

    def __init__(self, chunks: Iterator[bytes], max_bytes: int) -> None:
        super().__init__()
        self._chunks = _virtuoso_blank_nodes(chunks)
        self._left = max_bytes
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        if self._left == 0:
            raise InputCut
        size = min(len(buffer), len(self._pending), self._left)
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        self._left -= size
        return size


def rows_as_tsv(answer: AnswerStream, lines: int | None, max_bytes: int, server: str) -> tuple[bytes, bool]:
    """SPARQL JSON solutions, read as they come, rewritten by Oxigraph as at most `lines` lines of
    SPARQL TSV (the header included) in at most `max_bytes`; (tsv, truncated)."""
    parsed = _parse(answer, server)
    if not isinstance(parsed, ox.QuerySolutions):
        raise StoreError(f"the remote store at {server} answered a SELECT query with a boolean")

    def write(sink: IO[bytes]) -> object:
        return parsed.serialize(sink, format=ox.QueryResultsFormat.TSV)

    try:
        return bounded(write, lines, max_bytes)
    except SyntaxError as error:
        raise StoreError(f"the remote store at {server} sent an answer that does not parse: {error}") from None


def boolean(answer: bytes, server: str) -> ox.QueryBoolean:
    """An ASK query's answer, from SPARQL JSON results."""
    parsed = _parse(answer, server)
    if isinstance(parsed, ox.QueryBoolean):
        return parsed
    return _virtuoso_ask(parsed, server)


def _parse(answer: AnswerStream | bytes, server: str) -> ox.QuerySolutions | ox.QueryBoolean:
    """The answer's head, read; its solutions are read as they are iterated."""
    try:
        source = answer if isinstance(answer, bytes) else cast(IO[bytes], answer)
        return ox.parse_query_results(source, format=JSON_RESULTS)
    except SyntaxError as error:
        raise StoreError(f"the remote store at {server} sent an answer that does not parse: {error}") from None
    except InputCut:
        raise StoreError(f"the remote store at {server} sent an answer whose head alone is too long") from None


def _virtuoso_blank_nodes(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Virtuoso's blank-node labels `nodeID://b10006` in SPARQL JSON, as `b10006`.

    The pattern (the JSON that Virtuoso writes between a blank node's type and its label) cannot occur
    inside a JSON string, where quotes are escaped; a chunk's last bytes wait for the next chunk in case
    the pattern is split between them."""
    keep = len(_VIRTUOSO_BLANK_NODE) - 1
    held = b""
    for chunk in chunks:
        text = (held + chunk).replace(_VIRTUOSO_BLANK_NODE, _BLANK_NODE)
        held = text[-keep:]
        if text[:-keep]:
            yield text[:-keep]
    if held:
        yield held


def _virtuoso_ask(parsed: ox.QuerySolutions, server: str) -> ox.QueryBoolean:
    """Virtuoso's answer to ASK: solutions of the variable `__ASK_RETVAL`, one row (1) if true, none if false."""
    if [v.value for v in parsed.variables] != [_VIRTUOSO_ASK]:
        raise StoreError(f"the remote store at {server} answered an ASK query with solutions")
    rows = [solution[_VIRTUOSO_ASK] for solution in parsed]
    if rows not in ([], [ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))]):
        raise StoreError(f"the remote store at {server} answered an ASK query with {len(rows)} rows")
    return _BOOLEANS[bool(rows)]


def spaced_ntriples(body: bytes) -> bytes:
    """N-Triples as Oxigraph writes them (one space between terms): Virtuoso separates them with tabs."""
    if b"\t" not in body:
        return body
    return ox.serialize(ox.parse(body, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES) or b""


def syntax_error(message: str, text: str, shift: int) -> str:
    """A server's syntax error about the query `text` (sent `shift` lines further down), made readable."""
    return _virtuoso_syntax_error(message, shift) or readable(message, text)


def _virtuoso_syntax_error(message: str, shift: int) -> str | None:
    """`Virtuoso 37000 Error SP030: SPARQL compiler, line 2: syntax error at '}' before '}'`, then the
    query as it ran: only the line (in the query as the client wrote it) and the reason are kept."""
    match = _VIRTUOSO_ERROR.match(message)
    if match is None:
        return None
    where, reason = f"line {max(int(match[1]) - shift, 1)}", match[2].strip()
    prefix = _VIRTUOSO_PREFIX.match(reason)
    return f"{where}: {undeclared(prefix[1]) if prefix else reason[: EXCERPT * 4]}"
