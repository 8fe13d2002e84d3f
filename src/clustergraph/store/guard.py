"""Checks on untrusted SPARQL text, made before any SPARQL parser sees it.

Oxigraph's parser and evaluator recurse on nesting, and a query of a few kilobytes with thousands of
nested brackets takes the whole process down (DESIGN.md, "Known hazards"); rdflib's parser hits
Python's recursion limit at about 40 nested groups. So the text is first *lexed* here, by a
small scanner that knows SPARQL's strings, IRIs, comments, variables and prefixed names, and
refused when it is too long or nested too deep.

The same tokens tell what the query asks for. SPARQL Update (`INSERT`, `LOAD`, ...) and `SERVICE`
are bare keywords: they cannot be spelt inside a string, an IRI, a variable or a prefixed name, so
refusing them on the token stream does what refusing them on the algebra would, in microseconds
rather than rdflib's milliseconds. The real parse happens in the query worker, which in addition
has no network to reach (`worker.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from clustergraph.errors import QueryRefused, UpdateRefused
from clustergraph.queries import QueryForm

_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+)
  | (?P<pname>(?:[^\W\d_][\w.\-\u00B7]*)?:(?:[\w:%\-.\u00B7]|\\[_~.\-!$&'()*+,;=/?\#@%])*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>[^\sA-Za-z_:{}()\[\]<'"\#?$]+|.)
    """,
    re.VERBOSE | re.DOTALL,
)
_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
_UPDATES = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
_PROLOGUE = frozenset({"BASE", "PREFIX"})


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_depth: int


@dataclass(frozen=True)
class QueryInfo:
    """What the scanner learned: the query form (None if it found none: the parser will say why),
    whether the text names its own dataset (FROM / FROM NAMED) and ends with a VALUES clause."""

    form: QueryForm | None
    has_dataset: bool
    has_trailing_values: bool


def inspect_query(text: str, limits: Limits) -> QueryInfo:
    """Refuse what must not run, or say what the query is; raises QueryRefused / UpdateRefused."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise QueryRefused(f"the query is {size} bytes long; this service accepts at most {limits.max_bytes}")
    return _scan(text, limits.max_depth)


@lru_cache(maxsize=256)
def _scan(text: str, max_depth: int) -> QueryInfo:
    form: QueryForm | None = None
    first_keyword: str | None = None
    has_dataset = has_trailing_values = False
    depth = braces = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            braces += match.group() == "{"
            if depth > max_depth:
                raise QueryRefused(
                    f"the query nests brackets deeper than {max_depth} levels (at {_position(text, match.start())})"
                )
        elif kind == "close":
            depth -= 1
            braces -= match.group() == "}"
        elif kind == "word":
            word = match.group().upper()
            _refuse(word, text, match.start())
            if first_keyword is None and word not in _PROLOGUE:
                first_keyword = word
                form = word if word in _FORMS else None  # type: ignore[assignment]
            has_dataset = has_dataset or word == "FROM"
            has_trailing_values = has_trailing_values or (word == "VALUES" and braces == 0)
    if first_keyword in _UPDATES:
        raise UpdateRefused("this is a read-only service: SPARQL Update is not accepted")
    return QueryInfo(form, has_dataset, has_trailing_values)


def _refuse(word: str, text: str, offset: int) -> None:
    if word == "SERVICE":
        raise QueryRefused(
            "SERVICE (federated query) is not allowed here: this service fetches nothing from "
            "the network "
            f"(at {_position(text, offset)})"
        )
    if word == "LOAD":
        raise UpdateRefused("this is a read-only service: LOAD (SPARQL Update) is not accepted")


def _position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"
