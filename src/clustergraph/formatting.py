"""`clustergraph fmt`: rewrite hand-edited Turtle in canonical form (see canonical.py)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from clustergraph.canonical import canonical_turtle
from clustergraph.load import parse_turtle


def turtle_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(path.rglob("*.ttl"))
        else:
            yield path


def format_paths(paths: Iterable[Path], *, check: bool = False) -> list[Path]:
    """The files whose text is not canonical; rewritten unless `check`. A file that does not parse is an error."""
    changed = []
    for path in turtle_files(paths):
        text = path.read_text(encoding="utf-8")
        canonical = canonical_turtle(parse_turtle(path))
        if text != canonical:
            changed.append(path)
            if not check:
                path.write_text(canonical, encoding="utf-8")
    return changed
