"""The Turtle downloads (`data.ttl`, `inferred.ttl`) from sorted N-Triples lines, one subject block at a time.

Sorted lines keep a subject's triples together, so one pass groups them under the subject and their
predicate, IRIs shortened by the project's prefixes. A subject's block depends on its own lines alone,
and blocks come in the order of their subjects, so the Turtle of several graphs together is their
blocks merged by subject; only a subject that more than one graph describes is written again, from
the union of its lines. A build keeps each source's blocks (`Blocks`) in its cache with the source's
summary, so a rebuild writes the data's Turtle without formatting the unchanged sources' triples again.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from clustergraph.compile.serialize import union

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
# A local name every Turtle parser reads after a prefix, without escapes (a safe part of PN_LOCAL).
_LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_INDENT = "    "
_SEPARATOR = b" .\n\n"


@dataclass(frozen=True)
class Blocks:
    """A graph's Turtle, block by block, in UTF-8: block k is about `subjects[k]` (an N-Triples token), made
    of the graph's sorted lines from `ends[k - 1]` (0 for the first) to `ends[k]`, and written as
    `text[bounds[k]:bounds[k + 1]]`, without its final ` .`; `used`: the prefixes the blocks use."""

    subjects: Sequence[str]
    ends: Sequence[int]
    bounds: Sequence[int]
    text: bytes | memoryview
    used: frozenset[str]

    @classmethod
    def of(cls, lines: Sequence[str], prefixes: Mapping[str, str]) -> Blocks:
        shorten = _Shortener(prefixes)
        subjects: list[str] = []
        ends: list[int] = []
        texts: list[bytes] = []
        for subject, end, block in _blocks(lines, shorten):
            subjects.append(subject)
            ends.append(end)
            texts.append(block.encode("utf-8"))
        bounds = [0]
        for text in texts:
            bounds.append(bounds[-1] + len(text))
        return cls(subjects, ends, bounds, b"".join(texts), frozenset(shorten.used))

    def start(self, index: int) -> int:
        """The index of block `index`'s first line."""
        return self.ends[index - 1] if index else 0

    def block(self, index: int) -> bytes | memoryview:
        return memoryview(self.text)[self.bounds[index] : self.bounds[index + 1]]

    def header(self) -> dict[str, Any]:
        """What, beside `text`, `from_header` takes back."""
        return {
            "subjects": list(self.subjects),
            "ends": list(self.ends),
            "bounds": list(self.bounds),
            "used": sorted(self.used),
        }

    @classmethod
    def from_header(cls, header: Mapping[str, Any], text: bytes | memoryview, lines: int) -> Blocks:
        """The blocks `header` describes of a graph of `lines` lines; ValueError if they do not fit."""
        subjects, ends, bounds = [str(s) for s in header["subjects"]], header["ends"], header["bounds"]
        if not (len(subjects) == len(ends) == len(bounds) - 1 and (ends[-1] if ends else 0) == lines):
            raise ValueError("blocks that do not fit their lines")
        if bounds[0] != 0 or bounds[-1] != len(text):
            raise ValueError("blocks that do not fit their text")
        return cls(subjects, [int(e) for e in ends], [int(b) for b in bounds], text, frozenset(header["used"]))


def write_turtle(
    graphs: Sequence[Blocks], lines: Callable[[int], Sequence[str]], path: Path, prefixes: Mapping[str, str]
) -> int:
    """Turtle of the union of `graphs`, with the prefixes it uses declared first; the number of triples.
    `lines(g)` gives graph g's sorted lines, wanted only for a subject more than one graph describes."""
    shorten = _Shortener(prefixes)
    count = 0
    order = heapq.merge(*([(s, g, k) for k, s in enumerate(graph.subjects)] for g, graph in enumerate(graphs)))
    body: list[bytes | memoryview] = []
    for _, group in groupby(order, key=itemgetter(0)):
        members = list(group)
        if len(members) == 1:  # one graph describes the subject: its block as it is
            _, g, k = members[0]
            body.append(graphs[g].block(k))
            count += graphs[g].ends[k] - graphs[g].start(k)
            continue
        merged = list(union(*(lines(g)[graphs[g].start(k) : graphs[g].ends[k]] for _, g, k in members)))
        body.extend(block.encode("utf-8") for _, _, block in _blocks(merged, shorten))
        count += len(merged)
    used = shorten.used.union(*(graph.used for graph in graphs))
    with path.open("wb") as turtle:
        turtle.writelines(f"@prefix {name}: <{prefixes[name]}> .\n".encode() for name in sorted(used))
        turtle.write(b"\n" if used else b"")
        for index, block in enumerate(body):
            if index:
                turtle.write(_SEPARATOR)
            turtle.write(block)
        turtle.write(b" .\n" if body else b"")
    return count


def _blocks(lines: Sequence[str], shorten: _Shortener) -> Iterator[tuple[str, int, str]]:
    """Each subject's block of Turtle: the subject, the index in `lines` after its last line, the block."""
    parts: list[str] = []
    subject = predicate = None
    for index, line in enumerate(lines):
        s, p, o = line.split(" ", 2)
        if s != subject:
            if subject is not None:
                yield subject, index, "".join(parts)
                parts = []
            parts.append(f"{shorten.resource(s)}\n{_INDENT}{shorten.predicate(p)} {shorten.object(o)}")
        elif p != predicate:
            parts.append(f" ;\n{_INDENT}{shorten.predicate(p)} {shorten.object(o)}")
        else:
            parts.append(f" ,\n{_INDENT * 2}{shorten.object(o)}")
        subject, predicate = s, p
    if subject is not None:
        yield subject, len(lines), "".join(parts)


class _Shortener:
    """IRIs as prefixed names where a prefix's namespace ends at the IRI's last `/` or `#`."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self._names = {namespace: name for name, namespace in sorted(prefixes.items(), reverse=True)}
        self._short: dict[str, str] = {}
        self.used: set[str] = set()

    def resource(self, token: str) -> str:
        """An N-Triples IRI (`<…>`) shortened if it can be; a blank node as it is."""
        found = self._short.get(token)
        if found is None:
            found = self._short[token] = self._shorten(token)
        return found

    def predicate(self, token: str) -> str:
        return "a" if token == _RDF_TYPE else self.resource(token)

    def object(self, token: str) -> str:
        if not token.startswith('"'):
            return self.resource(token)
        quote = token.rfind('"^^<')
        return token if quote < 0 else token[: quote + 3] + self.resource(token[quote + 3 :])

    def _shorten(self, token: str) -> str:
        if not token.startswith("<"):
            return token
        iri = token[1:-1]
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        name = self._names.get(iri[:cut])
        if name is None or not _LOCAL_NAME.fullmatch(iri[cut:]):
            return token
        self.used.add(name)
        return f"{name}:{iri[cut:]}"
