"""The build cache: what an incremental build takes instead of redoing, each entry checked before use.

Every entry is a function of the files its key covers (see `incremental` for the digests), under
`cache_dir`:

- `<component digest>/inferred`: a component's inferred triples, sorted N-Triples lines;
  `<component digest>/conforms`: that its sources passed SHACL and the quality checks;
- `sources/<source key>`: what a build needs of an unchanged source instead of parsing it (`summary`),
  its graph as the release writes it included;
- `schema/<schema digest>`: what the ontology alone gives, its downloads and its SHACL report.

An entry is written beside, then renamed: a build stopped half-way leaves no half-written entry. It
starts with the SHA-256 of the rest, checked on every read, so an entry cut short or altered on disk
afterwards is ignored (then redone and written again), never used. A missing folder is an empty cache.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

from clustergraph.compile.incremental import Component
from clustergraph.compile.summary import SourceSummary
from clustergraph.compile.validate import ValidationReport, Violation

T = TypeVar("T")

_MAGIC = b"clustergraph-cache 2 "
_HEADER_LENGTH = len(_MAGIC) + 64  # the magic, then the content's SHA-256 in hex, then a line break


@dataclass(frozen=True)
class OntologyWork:
    """What depends on the ontology and the shapes alone: the ontology's downloads (`release.ontology_texts`)
    and the ontology checked against its shapes (`validate.validate_ontology`)."""

    texts: Mapping[str, str]
    report: ValidationReport

    def encode(self) -> bytes:
        violations = [asdict(violation) for violation in self.report.violations]
        return json.dumps({"texts": dict(self.texts), "violations": violations}).encode("utf-8")

    @classmethod
    def decode(cls, content: memoryview) -> OntologyWork:
        found = json.loads(content.tobytes())
        return cls(dict(found["texts"]), ValidationReport(tuple(Violation(**v) for v in found["violations"])))


class Cache:
    """The entries above, by digest; without a folder, a cache that holds nothing and keeps nothing."""

    def __init__(self, folder: Path | None) -> None:
        self._folder = folder

    @property
    def enabled(self) -> bool:
        return self._folder is not None

    def inferred(self, component: Component) -> list[str] | None:
        """The component's cached inferred triples (sorted N-Triples lines), None if not cached."""
        content = self._read(component.digest, "inferred")
        return None if content is None else _lines(content)

    def keep_inferred(self, component: Component, lines: Sequence[str]) -> None:
        self._write(component.digest, "inferred", "\n".join(lines).encode("utf-8"))

    def conforms(self, component: Component) -> bool:
        content = self._read(component.digest, "conforms")
        return content is not None and content == component.digest.encode("ascii")

    def keep_conforms(self, component: Component) -> None:
        self._write(component.digest, "conforms", component.digest.encode("ascii"))

    def source(self, key: str) -> SourceSummary | None:
        """An unchanged source's summary (`incremental.source_key`), None if not cached."""
        return self._decoded("sources", key, SourceSummary.decode)

    def keep_source(self, key: str, summary: SourceSummary) -> None:
        self._write("sources", key, summary.encode())

    def ontology(self, schema: str) -> OntologyWork | None:
        return self._decoded("schema", schema, OntologyWork.decode)

    def keep_ontology(self, schema: str, work: OntologyWork) -> None:
        self._write("schema", schema, work.encode())

    def _decoded(self, folder: str, name: str, decode: Callable[[memoryview], T]) -> T | None:
        """An entry decoded; None if it is missing, damaged, or written by an older layout of its kind."""
        content = self._read(folder, name)
        if content is None:
            return None
        try:
            return decode(content)
        except (ValueError, KeyError, TypeError):
            return None

    def _read(self, folder: str, name: str) -> memoryview | None:
        """An entry's content if it is there whole and unaltered, None otherwise (a view of what was read:
        a source's graph is written into the release from it, not copied)."""
        if self._folder is None:
            return None
        try:
            stored = memoryview((self._folder / folder / name).read_bytes())
        except OSError:
            return None
        header, content = stored[:_HEADER_LENGTH], stored[_HEADER_LENGTH + 1 :]
        if header != _MAGIC + hashlib.sha256(content).hexdigest().encode("ascii"):
            return None
        return content

    def _write(self, folder: str, name: str, content: bytes) -> None:
        """Write beside, then rename: a build stopped half-way leaves no half-written entry."""
        if self._folder is None:
            return
        path = self._folder / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(_MAGIC + hashlib.sha256(content).hexdigest().encode("ascii") + b"\n" + content)
        partial.replace(path)


def _lines(content: memoryview) -> list[str]:
    return str(content, "utf-8").split("\n") if content else []
