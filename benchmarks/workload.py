"""The queries every benchmark runs: the named queries of `queries/*.rq` with example parameters, and the raw
SPARQL of `benchmarks/queries/*.rq` (a full scan, an aggregate over the region hierarchy, a provenance join
that needs the reasoner's graph, a CONSTRUCT).

Parameters come from a query's front-matter examples, or, on a synthetic graph, from resources of the kind
the parameter names (the generator's manifest lists some of each kind), given as slugs as the examples are.
Our store binds them as RDF terms; the peers (rdflib-endpoint, Oxigraph server) only take query text, so they
get the same binding as an inline `VALUES` block at the head of the query's WHERE clause, written from the
RDF terms (`Identifier.n3()`), never from raw text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib.term import Identifier

from clustergraph.namespaces import kind_and_slug
from clustergraph.queries import NamedQuery, Parameter, load_catalog

RAW_QUERIES_DIR = Path(__file__).resolve().parent / "queries"
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


@dataclass(frozen=True)
class WorkItem:
    """One query with its parameters: `raw` as a user types them, `bindings` as the RDF terms they mean."""

    name: str
    origin: str  # "named" (queries/*.rq, also served at /api/queries/{name}) or "raw" (benchmarks/queries)
    query: NamedQuery
    raw: Mapping[str, str] = field(default_factory=dict)
    bindings: Mapping[str, Identifier] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.name if self.origin == "named" else f"raw:{self.name}"

    def concrete_text(self) -> str:
        """The query text with the bindings written in, for servers that cannot bind parameters."""
        return bind_inline(self.query.text, self.bindings)


def build_workload(
    queries_dir: Path, examples: Mapping[str, Sequence[str]] | None = None, *, raw_dir: Path = RAW_QUERIES_DIR
) -> tuple[list[WorkItem], list[str]]:
    """Every named and raw query that can be given its required parameters, and the names of those that cannot."""
    items: list[WorkItem] = []
    skipped: list[str] = []
    for origin, directory in (("named", queries_dir), ("raw", raw_dir)):
        for query in load_catalog(directory).values():
            raw = example_parameters(query, examples or {})
            if raw is None:
                skipped.append(query.name)
                continue
            items.append(WorkItem(query.name, origin, query, raw, query.bindings(raw)))
    return items, skipped


def example_parameters(query: NamedQuery, examples: Mapping[str, Sequence[str]]) -> dict[str, str] | None:
    """A value for every parameter that has one; None when a required parameter has none."""
    used: dict[str, int] = {}
    raw: dict[str, str] = {}
    for parameter in query.parameters:
        value = _example(parameter, examples, used)
        if value is not None:
            raw[parameter.name] = value
        elif parameter.required:
            return None
    return raw


def _example(parameter: Parameter, examples: Mapping[str, Sequence[str]], used: dict[str, int]) -> str | None:
    """Two parameters of one kind (compare-cases) get two different resources where there are two. A
    parameter that declares its kind gets the resource's slug, as a user types it (`{source}/{slug}` for a
    source's own resource: namespaces.kind_iri), others its IRI."""
    kind = _kind(parameter)
    candidates = examples.get(kind, ()) if parameter.type == "iri" and kind else ()
    if not candidates:
        return parameter.example
    index = used.get(kind, 0)
    used[kind] = index + 1
    iri = candidates[min(index, len(candidates) - 1)]
    named = kind_and_slug(iri)
    return named[1] if parameter.kind and named and named[0] == parameter.kind else iri


def _kind(parameter: Parameter) -> str:
    """The parameter's kind, or the kind in its example IRI (`…/id/institution/new-carolina`,
    `…/id/source/creative-economy-2017-07/case/oregon`)."""
    if parameter.kind:
        return parameter.kind
    named = kind_and_slug(parameter.example or "")
    return named[0] if named else ""


def bind_inline(text: str, bindings: Mapping[str, Identifier]) -> str:
    """`text` with `VALUES (?a ?b) { (<x> "y") }` opening its WHERE clause: one row, so it acts as a binding."""
    if not bindings:
        return text
    match = _WHERE.search(_blank_comments(text))
    if match is None:
        raise ValueError("the query has no WHERE clause to bind parameters in")
    names = sorted(bindings)
    block = f"\n  VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(bindings[n].n3() for n in names)}) }}\n"
    return text[: match.end()] + block + text[match.end() :]


def _blank_comments(text: str) -> str:
    """`text` with comment lines blanked out, keeping every offset, so a WHERE in a comment is not matched."""
    return "".join(
        " " * len(line) if line.lstrip().startswith("#") else line for line in text.splitlines(keepends=True)
    )
