"""The article's data replicated: copies of `data/<source>/` with fresh IRIs and labels, one source per copy.

The issue's yardstick for compile cost (about 10^5 asserted triples at 60 copies) and, in the tests, a
valid new source to add to a running service. A source's own resources (passages, lessons, its case
descriptions …) are written relative to its `@base <…/id/source/{source}/>`, so the copy's `@base` names
the copy's folder and they move with it; every shared resource IRI of a copy `n` gets the slug prefix
`copy-n-` (the Turtle files name those through `…/id/{kind}/` prefixes), the source's named graph
and its modules (`…/graph/source/{source}…`, written out in full in the manifest and module headers) the
copy's folder name, and every language-tagged literal a ` (copy n)` suffix, so that labels stay unique
across sources.
"""

from __future__ import annotations

import re
from pathlib import Path

from clustergraph.namespaces import ID, source_base, source_graph

_RESOURCE_PREFIX = re.compile(r"(@prefix [a-z-]+: <" + re.escape(str(ID)) + r"[a-z-]+/)>")
_TAGGED_LITERAL = re.compile(r'("(?:[^"\\]|\\.)*)("@(?:en|ru)\b)')


def replicate_source(source: Path, target: Path, copy: int) -> Path:
    """Write copy number `copy` of the source folder `source` as the source folder `target`."""
    for path in sorted(source.rglob("*.ttl")):
        text = _RESOURCE_PREFIX.sub(rf"\1copy-{copy}->", path.read_text(encoding="utf-8"))
        text = _TAGGED_LITERAL.sub(rf"\1 (copy {copy})\2", text)
        text = re.sub(re.escape(source_graph(source.name)) + r"\b", source_graph(target.name), text)
        text = text.replace(f"@base <{source_base(source.name)}>", f"@base <{source_base(target.name)}>")
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(text, encoding="utf-8")
    return target


def replicate_project(data_dir: Path, source: str, copies: int) -> list[Path]:
    """Add `copies` copies of `data_dir/source` beside it, as sources `source-copy-1` …"""
    return [replicate_source(data_dir / source, data_dir / f"{source}-copy-{n}", n) for n in range(1, copies + 1)]
