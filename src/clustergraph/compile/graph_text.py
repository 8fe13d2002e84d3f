"""A release's named graph as the release writes it (`GraphText`): made once from its sorted lines, or read
back from the build cache.

A graph's N-Quads are its sorted N-Triples lines (`serialize.ntriples_lines`), each followed by the
graph's name: the same triples give the same bytes, and their digest names the graph's content (the
release's digest is made of the graphs'). Beside them a graph keeps what the release's other files
need of it: how many triples, its typing pairs (the manifest's counts per class) and its Turtle
blocks (`turtle.Blocks`). All of it is bytes or small, so that an unchanged source's is read from the
build cache and written into the release as it is, never decoded into lines (`summary`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rdflib import RDF

from clustergraph.compile.serialize import triples_of
from clustergraph.compile.turtle import Blocks
from clustergraph.release_format import DIGEST_LENGTH

_SLICE = 50_000  # lines joined at once: a few MB, whatever the graph's size


@dataclass(frozen=True)
class GraphText:
    """A named graph's digest, triples, typing pairs (subject and class, as N-Triples tokens), Turtle
    blocks, and what its N-Quads are made from: its sorted lines where this build made them (the N-Quads
    are made again when written, not kept: at a million triples the room counts), or the N-Quads
    themselves where read from the cache."""

    name: str
    digest: str
    triples: int
    typed: Sequence[tuple[str, str]]
    blocks: Blocks
    content: Sequence[str] | bytes | memoryview

    @classmethod
    def of(cls, name: str, lines: Sequence[str], prefixes: Mapping[str, str]) -> GraphText:
        """The graph `name` of the sorted lines `lines`, its Turtle shortened by `prefixes`."""
        sha = hashlib.sha256()
        for chunk in _nquads(name, lines):
            sha.update(chunk)
        typed = sorted(set(triples_of(lines, str(RDF.type))))
        return cls(name, sha.hexdigest()[:DIGEST_LENGTH], len(lines), typed, Blocks.of(lines, prefixes), lines)

    def nquads(self) -> Iterator[bytes | memoryview]:
        """The N-Quads, a few MB at a time."""
        if isinstance(self.content, bytes | memoryview):
            yield self.content
        else:
            yield from _nquads(self.name, self.content)

    def lines(self) -> Sequence[str]:
        """The sorted N-Triples lines."""
        if not isinstance(self.content, bytes | memoryview):
            return self.content
        cut = len(f" <{self.name}> .")
        return [line[:-cut] for line in str(self.content, "utf-8").split("\n")[:-1]]

    def encode(self) -> tuple[dict[str, Any], list[bytes | memoryview]]:
        """A header (JSON) and a body: what `decode` takes back."""
        nquads = b"".join(self.nquads())
        header = {
            "name": self.name,
            "digest": self.digest,
            "triples": self.triples,
            "typed": list(self.typed),
            "nquads": len(nquads),
            "blocks": self.blocks.header(),
        }
        return header, [nquads, self.blocks.text]

    @classmethod
    def decode(cls, header: Mapping[str, Any], body: memoryview) -> GraphText:
        """The graph `encode` gave `header` and `body` of (its N-Quads and its blocks' text one after the
        other: they stay in `body`, not copied); ValueError if they do not fit."""
        cut = int(header["nquads"])
        if not 0 <= cut <= len(body):
            raise ValueError("N-Quads longer than what holds them")
        blocks = Blocks.from_header(header["blocks"], body[cut:], int(header["triples"]))
        typed = [(str(s), str(o)) for s, o in header["typed"]]
        return cls(str(header["name"]), str(header["digest"]), int(header["triples"]), typed, blocks, body[:cut])


def _nquads(name: str, lines: Sequence[str]) -> Iterator[bytes]:
    end = f" <{name}> .\n"
    for start in range(0, len(lines), _SLICE):
        yield (end.join(lines[start : start + _SLICE]) + end).encode("utf-8")
