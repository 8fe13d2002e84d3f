"""Where in a Turtle file: the line of a syntax error with the parser's reason, the line of each subject.

An editor acts on `data/x/oregon.ttl:17:5: Prefix "bibo:" not bound`, not on "does not parse". rdflib's
`BadSyntax` keeps the text it read and the offset where it stopped; the line and column come from
those, not from its message (whose line number is off by one or more). A subject's line is where its
block starts: a line that begins, in column one, with the subject's IRI or prefixed name — the layout
of the canonical form, and of almost every hand-written file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

_PREFIX_DECLARATION = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_BASE_DECLARATION = re.compile(r"^\s*(?:@base|BASE)\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT_AT_LINE_START = re.compile(r"^(<[^>\s]*>|[A-Za-z][\w.-]*:[\w.-]*|:[\w.-]*)(?=[\s;,]|$)")


@dataclass(frozen=True)
class SyntaxErrorPlace:
    line: int
    column: int
    reason: str
    text: str  # the whole line the parser stopped on

    def render(self, path: object) -> str:
        """`file:line:column: does not parse as Turtle: reason`, then the line with a caret under the spot."""
        where = f"{path}:{self.line}:{self.column}"
        caret = " " * (self.column - 1) + "^"
        return f"{where}: does not parse as Turtle: {self.reason}\n    {self.text}\n    {caret}"


def syntax_error_place(error: Exception) -> SyntaxErrorPlace | None:
    """Where rdflib's BadSyntax stopped, and why; None for any other error."""
    text, offset, reason = getattr(error, "_str", None), getattr(error, "_i", None), getattr(error, "_why", None)
    if not isinstance(text, bytes) or not isinstance(offset, int) or not isinstance(reason, str):
        return None
    before = text[:offset]
    line_start = before.rfind(b"\n") + 1
    line_end = text.find(b"\n", offset)
    return SyntaxErrorPlace(
        line=before.count(b"\n") + 1,
        column=len(before[line_start:].decode("utf-8", errors="replace")) + 1,
        reason=reason,
        text=text[line_start : line_end if line_end >= 0 else len(text)].decode("utf-8", errors="replace"),
    )


def subject_lines(text: str) -> dict[str, int]:
    """The line on which each subject's block starts, keyed by the subject's full IRI."""
    prefixes: dict[str, str] = {}
    lines: dict[str, int] = {}
    base = ""
    for number, line in enumerate(text.splitlines(), start=1):
        declared = _PREFIX_DECLARATION.match(line)
        if declared:
            prefixes[declared.group(1) or ""] = declared.group(2)
            continue
        declared_base = _BASE_DECLARATION.match(line)
        if declared_base:
            base = urljoin(base, declared_base.group(1))
            continue
        subject = _SUBJECT_AT_LINE_START.match(line)
        iri = _expand(subject.group(1), prefixes, base) if subject else None
        if iri is not None:
            lines.setdefault(iri, number)
    return lines


def _expand(name: str, prefixes: dict[str, str], base: str) -> str | None:
    if name.startswith("<"):
        return urljoin(base, name[1:-1])
    prefix, _, local = name.partition(":")
    namespace = prefixes.get(prefix)
    return None if namespace is None else namespace + local
