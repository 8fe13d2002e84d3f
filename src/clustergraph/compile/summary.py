"""What a build needs of a source, so that an unchanged source is read from the cache, not parsed.

A rebuild that parses every source into rdflib spends most of its time on the sources it does not redo
(at 60 sources, the load phase took 4.2 s of a 7.9 s rebuild after one change, benchmarks/README.md).
All the build needs of such a source is:

- its graph as the release writes it (`graph_text`: its N-Quads, and its Turtle subject by subject,
  which `data.ttl` merges with the other sources');
- how many triples it has (the batches are cut by it);
- the resources it mentions, each linked or only pointed at (`incremental.resources`: which sources it
  is grouped with);
- its values of the properties allowed once per source (`contested.single_values`);
- whether it has a manifest (the build warns when not).

Each is a function of the source's files, the ontology, the shapes and the project's prefixes, which
the source's cache key covers (`incremental.source_key`). Where its subjects were defined (file and
line) is not kept: only a validation report names them, and a source validated again is parsed again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, URIRef

from clustergraph.compile.contested import SingleValue, single_values
from clustergraph.compile.graph_text import GraphText
from clustergraph.compile.incremental import Resources, Vocabulary, resources
from clustergraph.compile.load import has_manifest


@dataclass(frozen=True)
class SourceFacts:
    """A source's summary but its lines, known as soon as it is parsed (its lines may come from a worker)."""

    triples: int
    resources: Resources | None  # None: the source states axioms (it joins every source)
    single_values: tuple[SingleValue, ...]
    has_manifest: bool


def facts_of(name: str, graph: Graph, vocabulary: Vocabulary, properties: Sequence[URIRef]) -> SourceFacts:
    return SourceFacts(
        triples=len(graph),
        resources=resources(graph, vocabulary),
        single_values=single_values(graph, properties),
        has_manifest=has_manifest(graph, name),
    )


@dataclass(frozen=True)
class SourceSummary:
    """A source's facts, and its graph as the release writes it (N-Quads, Turtle blocks: `GraphText`)."""

    facts: SourceFacts
    graph: GraphText

    def encode(self) -> bytes:
        """The length of a header, the header (JSON: the facts, the graph's), the graph's N-Quads and Turtle."""
        facts = self.facts
        header: dict[str, Any] = {
            "triples": facts.triples,
            "resources": None if facts.resources is None else sorted(facts.resources.items()),
            "single_values": facts.single_values,
            "has_manifest": facts.has_manifest,
        }
        header["graph"], body = self.graph.encode()
        text = json.dumps(header, ensure_ascii=False).encode("utf-8")
        return b"".join([b"%d\n" % len(text), text, *body])

    @classmethod
    def decode(cls, content: memoryview) -> SourceSummary:
        """The summary `encode` wrote; ValueError if the content is not one. The graph's bytes stay in
        `content`, not copied."""
        first = content[:20].tobytes()
        start = first.index(b"\n") + 1
        cut = start + int(first[: start - 1])
        header = json.loads(content[start:cut].tobytes())
        found = header["resources"]
        facts = SourceFacts(
            triples=int(header["triples"]),
            resources=None if found is None else {str(term): bool(linked) for term, linked in found},
            single_values=tuple((str(p), str(s), str(v)) for p, s, v in header["single_values"]),
            has_manifest=bool(header["has_manifest"]),
        )
        return cls(facts, GraphText.decode(header["graph"], content[cut:]))
