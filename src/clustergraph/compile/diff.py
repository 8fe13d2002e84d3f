"""`clustergraph diff OLD NEW`: what one release version added and removed, graph by graph.

Graphs whose digests agree in the two manifests are not read at all; the others are compared as sets
of N-Triples lines (blank nodes are labelled by content in a release, so equal graphs give equal lines).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from clustergraph.release_format import DATASET_FILE, MANIFEST_FILE, read_manifest


@dataclass(frozen=True)
class GraphDiff:
    graph: str
    added: tuple[str, ...]
    removed: tuple[str, ...]


def diff_versions(old: Path, new: Path) -> list[GraphDiff]:
    """Per graph of either version, the triples only in `new` (added) and only in `old` (removed), sorted."""
    old_digests, new_digests = _graph_digests(old), _graph_digests(new)
    changed = sorted(
        name
        for name in old_digests.keys() | new_digests.keys()
        if old_digests.get(name) is None or old_digests.get(name) != new_digests.get(name)
    )
    before, after = _triples(old / DATASET_FILE, set(changed)), _triples(new / DATASET_FILE, set(changed))
    diffs = []
    for name in changed:
        was, now = before.get(name, set()), after.get(name, set())
        if was != now:
            diffs.append(GraphDiff(name, tuple(sorted(now - was)), tuple(sorted(was - now))))
    return diffs


def render(diffs: list[GraphDiff], *, summary: bool = False) -> Iterator[str]:
    if not diffs:
        yield "no differences"
    for diff in diffs:
        yield f"{diff.graph}: {len(diff.added)} added, {len(diff.removed)} removed"
        if not summary:
            yield from (f"+ {triple}" for triple in diff.added)
            yield from (f"- {triple}" for triple in diff.removed)


def _graph_digests(version: Path) -> dict[str, str | None]:
    """Each graph's digest from the manifest; None (always compared) for a release without one."""
    if not (version / MANIFEST_FILE).is_file():
        return dict.fromkeys(_triples(version / DATASET_FILE, None))
    return {name: str(graph["digest"]) for name, graph in read_manifest(version)["graphs"].items()}


def _triples(dataset: Path, graphs: set[str] | None) -> dict[str, set[str]]:
    """The triples of `graphs` (every graph for None), as N-Triples lines, from a release's N-Quads."""
    found: dict[str, set[str]] = {}
    with dataset.open(encoding="utf-8") as lines:
        for line in lines:
            triple, _, graph = line.rstrip(" .\n").rpartition(" <")
            name = graph.rstrip(">")
            if triple and (graphs is None or name in graphs):
                found.setdefault(name, set()).add(triple + " .")
    return found
