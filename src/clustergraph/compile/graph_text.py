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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rdflib import RDF

from clustergraph.compile.serialize import triples_of
from clustergraph.compile.turtle import Blocks
from clustergraph.release_format import DIGEST_LENGTH

_SLICE = 50_000  # lines joined at once: a few MB, whatever the graph's size


@dataclass(frozen=True)
class GraphText:
    """A named graph's N-Quads (UTF-8), their digest, its triples, typing pairs (subject and class, as
    N-Triples tokens) and Turtle blocks."""

    name: str
    nquads: bytes | memoryview
    digest: str
    triples: int
    typed: Sequence[tuple[str, str]]
    blocks: Blocks

    @classmethod
    def of(cls, name: str, lines: Sequence[str], prefixes: Mapping[str, str]) -> GraphText:
        """The graph `name` of the sorted lines `lines`, its Turtle shortened by `prefixes`."""
        end = f" <{name}> .\n"
        nquads = b"".join(
            (end.join(lines[start : start + _SLICE]) + end).encode("utf-8") for start in range(0, len(lines), _SLICE)
        )
        digest = hashlib.sha256(nquads).hexdigest()[:DIGEST_LENGTH]
        typed = sorted(set(triples_of(lines, str(RDF.type))))
        return cls(name, nquads, digest, len(lines), typed, Blocks.of(lines, prefixes))

    def lines(self) -> list[str]:
        """The sorted N-Triples lines, read back from the N-Quads."""
        cut = len(f" <{self.name}> .")
        return [line[:-cut] for line in str(self.nquads, "utf-8").split("\n")[:-1]]

    def header(self) -> dict[str, Any]:
        """What, beside the N-Quads and the blocks' text, `from_header` takes back."""
        return {
            "name": self.name,
            "digest": self.digest,
            "triples": self.triples,
            "typed": list(self.typed),
            "nquads": len(self.nquads),
            "blocks": self.blocks.header(),
        }

    def body(self) -> tuple[bytes | memoryview, bytes | memoryview]:
        return self.nquads, self.blocks.text

    @classmethod
    def from_header(cls, header: Mapping[str, Any], body: memoryview) -> GraphText:
        """The graph `header` describes, its N-Quads and its blocks' text one after the other in `body`;
        ValueError if they do not fit."""
        cut = int(header["nquads"])
        if not 0 <= cut <= len(body):
            raise ValueError("N-Quads longer than what holds them")
        nquads = body[:cut]
        blocks = Blocks.from_header(header["blocks"], body[cut:], int(header["triples"]))
        typed = [(str(s), str(o)) for s, o in header["typed"]]
        return cls(str(header["name"]), nquads, str(header["digest"]), int(header["triples"]), typed, blocks)
