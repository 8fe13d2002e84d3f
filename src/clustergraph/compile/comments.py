"""Hand-written `#` comments, carried through `clustergraph fmt` instead of being dropped.

The canonical form is rebuilt from the parsed graph, and a graph has no comments. So `fmt` reads them
from the text first and puts them back: a comment on its own line before a subject's block (or inside
it) is written just before that block; comments before the first block head the file; comments after
the last one end it. The `# -- … ---` banners are the canonical form's own and are regenerated. A comment
at the end of a line of Turtle cannot be placed safely, so `fmt` refuses to rewrite such a file and
names the line. (Protégé drops every comment when it saves: what a reader must keep belongs in
`skos:editorialNote`.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clustergraph.compile.locate import subject_lines

_BANNER = re.compile(r"^# -- .* -{3,}$")
_PREFIX = re.compile(r"^\s*(@prefix|@base|PREFIX|BASE)\b", re.IGNORECASE)


@dataclass
class Comments:
    header: list[str] = field(default_factory=list)
    before: dict[str, list[str]] = field(default_factory=dict)  # keyed by the subject's full IRI
    trailer: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.header) + sum(map(len, self.before.values())) + len(self.trailer)


def read_comments(text: str) -> Comments:
    """Every full-line comment of `text`, attached to the block it belongs to."""
    comments = Comments()
    starts = {line: iri for iri, line in subject_lines(text).items()}
    pending: list[str] = []
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if number in starts:
            current = starts[number]
            comments.before.setdefault(current, []).extend(pending)
            pending = []
        elif stripped.startswith("#") and not _BANNER.match(stripped):
            if line[0].isspace() and current is not None:
                comments.before.setdefault(current, []).append(stripped)
            else:
                pending.append(stripped)
        elif _PREFIX.match(line) and current is None:
            comments.header += pending
            pending = []
    if current is None:
        comments.header += pending
    else:
        comments.trailer += pending
    comments.before = {iri: lines for iri, lines in comments.before.items() if lines}
    return comments


def with_comments(canonical: str, comments: Comments) -> str:
    """`canonical` with the comments put back: header first, each block's before its block, trailer last."""
    starts = {line: iri for iri, line in subject_lines(canonical).items()}
    lines = [*comments.header]
    placed: set[str] = set()
    for number, line in enumerate(canonical.splitlines(), start=1):
        iri = starts.get(number)
        if iri in comments.before:
            lines += comments.before[iri]
            placed.add(iri)
        lines.append(line)
    orphans = [c for iri, block in comments.before.items() if iri not in placed for c in block]
    lines += orphans + comments.trailer
    return "\n".join(lines) + "\n"


def end_of_line_comments(text: str) -> list[int]:
    """Lines with a `#` comment after Turtle on the same line (outside strings and IRIs)."""
    found = []
    for number, line in enumerate(_lines_outside_strings(text), start=1):
        before, sep, _ = line.partition("#")
        if sep and before.strip():
            found.append(number)
    return found


def _lines_outside_strings(text: str) -> list[str]:
    """The text's lines with every string literal and IRI blanked out, so that a `#` in them is not a comment."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if text.startswith(('"""', "'''"), i):
            end = text.find(text[i : i + 3], i + 3)
            end = n if end < 0 else end + 3
            out.append("".join(c if c == "\n" else " " for c in text[i:end]))
            i = end
        elif char in "\"'<":
            close = ">" if char == "<" else char
            j = i + 1
            while j < n and text[j] != close and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(" " * (min(j + 1, n) - i))
            i = j + 1
        elif char == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(text[i:end])
            i = end
        else:
            out.append(char)
            i += 1
    return "".join(out).splitlines()
