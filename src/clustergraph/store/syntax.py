"""Oxigraph's parse errors, made readable: where, what was expected (keywords, not character
classes), and for an undeclared prefix, which one and the PREFIX line that declares it.

Oxigraph says `error at 1:38: expected one of Prefix not found, ['%'], ['-' | '0' ..= '9' ...`;
this says `line 1, column 38: the prefix "foo:" is not declared: add "PREFIX foo: <...>" ...`.
Nothing of the query is repeated beyond a short excerpt near the error.
"""

from __future__ import annotations

import re

from clustergraph.namespaces import PREFIXES

_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)
_PNAME_BEFORE = re.compile(r"([A-Za-z][\w.-]*)?:[^\s:]*$")
_KEYWORD = re.compile(r"^[A-Z][A-Z_]*$")
_COMMENTS = re.compile(r"#[^\r\n]*")
_RELATIVE_IRI = re.compile(r"<(?![A-Za-z][A-Za-z0-9+.-]*:)[^<>\s]*>")
EXCERPT = 30
_MAX_EXPECTED = 12


def is_empty(text: str) -> bool:
    """Whether the text holds no query at all: only white space and comments."""
    return not _COMMENTS.sub("", text).strip()


def may_have_relative_iris(text: str) -> bool:
    """Whether the text may hold a relative IRI (`<s>`): only then is a base IRI worth passing, which
    costs Oxigraph some 30 µs a query. An IRI holds no white space, so none is missed."""
    return _RELATIVE_IRI.search(text) is not None


def readable(message: str, text: str) -> str:
    """The message for Oxigraph's `SyntaxError(message)` about the query `text`."""
    if is_empty(text):
        return "the query is empty: send a SPARQL query such as `SELECT * WHERE { ?s ?p ?o } LIMIT 10`"
    match = _POSITION.match(message)
    if match is None:
        return message[:200]
    line, column, reason = int(match[1]), int(match[2]), match[3]
    where = f"line {line}, column {column}"
    lines = text.splitlines() or [""]
    before = lines[line - 1][: column - 1] if 0 < line <= len(lines) else ""
    if "Prefix not found" in reason:
        pname = _PNAME_BEFORE.search(before)
        return f"{where}: {undeclared(pname[1] or '' if pname else '')}"
    near = before[-EXCERPT:].lstrip()
    return f"{where}, after {near!r}: {_expected(reason)}" if near else f"{where}: {_expected(reason)}"


def undeclared(prefix: str) -> str:
    """What to say about a prefix the query uses without declaring it."""
    known = ", ".join(f"{p}:" for p in PREFIXES)
    return (
        f'the prefix "{prefix[:EXCERPT]}:" is not declared: add a line "PREFIX {prefix[:EXCERPT]}: <...>" '
        f"(with its namespace IRI) before the query; these are declared already: {known}"
    )


def _expected(reason: str) -> str:
    """`expected one of A, B, ['x' ..= 'y'], [_]` → `expected A or B` (keywords only)."""
    if not reason.startswith("expected"):
        return reason[:200]
    items = [item.strip() for item in reason.removeprefix("expected one of").removeprefix("expected").split(",")]
    keywords = [item for item in items if _KEYWORD.fullmatch(item)]
    if not keywords:
        return "the query is not valid SPARQL here"
    shown = keywords[:_MAX_EXPECTED] + (["..."] if len(keywords) > _MAX_EXPECTED else [])
    return "expected " + (shown[0] if len(shown) == 1 else f"one of {', '.join(shown)}")
