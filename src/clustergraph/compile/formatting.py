"""`clustergraph fmt`: rewrite hand-edited Turtle in canonical form (see canonical.py), keeping its comments.

Comments on their own lines survive (comments.py); a file with a comment after Turtle on the same line
is not rewritten: `fmt` stops and names the lines, since putting that comment elsewhere would be a guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from clustergraph.compile.canonical import canonical_turtle, file_base
from clustergraph.compile.comments import end_of_line_comments, read_comments, with_comments
from clustergraph.compile.load import parse_turtle
from clustergraph.errors import BuildError


def turtle_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(path.rglob("*.ttl"))
        else:
            yield path


def canonical_text(path: Path) -> str:
    """The canonical form of one file, with its full-line comments where they belong."""
    text = path.read_text(encoding="utf-8")
    trailing = end_of_line_comments(text)
    if trailing:
        lines = ", ".join(map(str, trailing))
        raise BuildError(
            f"{path}: line(s) {lines} end with a comment, which `fmt` cannot place without guessing: put each "
            "on a line of its own (fmt keeps those), or into skos:editorialNote (Protégé keeps that too)"
        )
    graph = parse_turtle(path)
    return with_comments(canonical_turtle(graph, file_base(path, graph)), read_comments(text))


def format_paths(paths: Iterable[Path], *, check: bool = False) -> list[Path]:
    """The files whose text is not canonical; rewritten unless `check`. A file that does not parse is an error."""
    changed = []
    for path in turtle_files(paths):
        canonical = canonical_text(path)
        if path.read_text(encoding="utf-8") != canonical:
            changed.append(path)
            if not check:
                path.write_text(canonical, encoding="utf-8")
    return changed
