"""Native OWL 2 RL: the W3C profile's rule tables as SPARQL updates, run to a fixpoint inside Oxigraph.

Every rule is generic (`entail/*.ru`, named after the rule in the OWL 2 RL profile): it reads the axioms
from the graph it runs on, so no rule names a term of the ontology and a new axiom needs no new code.
The one exception the rules cannot express, property chains longer than two, is rewritten into chains of
two over helper properties before the fixpoint (`_binary_chains`). `inconsistent/*.rq` list what
OWL 2 RL finds impossible; `published.rq` is what a release keeps of the closure.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from clustergraph.namespaces import PREFIXES

RULES_DIR = Path(__file__).parent
SCRATCH = "urn:x-clustergraph:reasoning:"
ASSERTED = ox.NamedNode(SCRATCH + "asserted")
_PREFIXES = {**PREFIXES, "reasoning": SCRATCH}
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_FIRST, _REST, _NIL = (ox.NamedNode(_RDF + name) for name in ("first", "rest", "nil"))
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
TermTriple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]
_CHAIN = ox.NamedNode("http://www.w3.org/2002/07/owl#propertyChainAxiom")


@dataclass(frozen=True)
class RuleSet:
    entailments: tuple[tuple[str, str], ...]
    inconsistencies: tuple[tuple[str, str], ...]
    published: str


@cache
def rule_set() -> RuleSet:
    def read(folder: str, suffix: str) -> tuple[tuple[str, str], ...]:
        files = sorted((RULES_DIR / folder).glob(f"*{suffix}"))
        return tuple((path.stem, path.read_text(encoding="utf-8")) for path in files)

    return RuleSet(
        entailments=read("entail", ".ru"),
        inconsistencies=read("inconsistent", ".rq"),
        published=(RULES_DIR / "published.rq").read_text(encoding="utf-8"),
    )


class Closure:
    """An in-memory Oxigraph store holding asserted triples (also kept in a scratch graph) and their closure."""

    def __init__(self) -> None:
        self.store = ox.Store()
        self.rounds = 0

    def assert_triples(self, triples: Iterable[TermTriple]) -> None:
        """Into the default graph the rules run on, and into the graph of what was asserted."""
        quads = [ox.Quad(s, p, o) for s, p, o in triples]
        self.store.extend(quads)
        self.store.extend(ox.Quad(q.subject, q.predicate, q.object, ASSERTED) for q in quads)

    def add_triples(self, triples: Iterable[TermTriple]) -> None:
        """Into the default graph only: a closure computed elsewhere (the reference reasoner's)."""
        self.store.extend(ox.Quad(s, p, o) for s, p, o in triples)

    def saturate(self) -> None:
        """Apply every rule until a whole round adds nothing."""
        self._binary_chains()
        rules = rule_set().entailments
        size = -1
        while size != len(self.store):
            size = len(self.store)
            self.rounds += 1
            for _, text in rules:
                self.store.update(text, prefixes=_PREFIXES)

    def inconsistencies(self) -> list[str]:
        messages: set[str] = set()
        for name, text in rule_set().inconsistencies:
            solutions = self.store.query(text, prefixes=_PREFIXES)
            assert isinstance(solutions, ox.QuerySolutions)
            for row in solutions:
                messages.add(f"{row['message'].value} ({name})")
        return sorted(messages)

    def published(self) -> ox.QueryTriples:
        """The inferred triples worth publishing."""
        results = self.store.query(rule_set().published, prefixes=_PREFIXES)
        assert isinstance(results, ox.QueryTriples)
        return results

    def _binary_chains(self) -> None:
        """Rewrite each chain (p1 … pn), n > 2, as ((…(p1 p2) …) pn) over helper properties named by the chain."""
        for quad in list(self.store.quads_for_pattern(None, _CHAIN, None, ox.DefaultGraph())):
            members = [m for m in self._list(quad.object) if isinstance(m, ox.NamedNode)]
            if not isinstance(quad.subject, ox.NamedNode) or len(members) <= 2:
                continue
            if len(members) != len(list(self._list(quad.object))):
                continue  # an inverse in the chain: outside what the rules cover, and what owlrl covers
            digest = hashlib.sha256(" ".join(m.value for m in [quad.subject, *members]).encode()).hexdigest()[:16]
            prefix = members[0]
            for index, member in enumerate(members[1:], start=1):
                last = index == len(members) - 1
                head = quad.subject if last else ox.NamedNode(f"{SCRATCH}chain/{digest}/{index}")
                self._add_chain(head, prefix, member)
                prefix = head

    def _add_chain(self, head: ox.NamedNode, first: ox.NamedNode, second: ox.NamedNode) -> None:
        cell, rest = ox.BlankNode(), ox.BlankNode()
        self.store.extend(
            [
                ox.Quad(head, _CHAIN, cell),
                ox.Quad(cell, _FIRST, first),
                ox.Quad(cell, _REST, rest),
                ox.Quad(rest, _FIRST, second),
                ox.Quad(rest, _REST, _NIL),
            ]
        )

    def _list(self, cell: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> Iterator[OxTerm]:
        seen: set[ox.NamedNode | ox.BlankNode] = set()
        while isinstance(cell, ox.BlankNode | ox.NamedNode) and cell != _NIL and cell not in seen:
            seen.add(cell)
            yield from (q.object for q in self.store.quads_for_pattern(cell, _FIRST, None, ox.DefaultGraph()))
            cell = next((q.object for q in self.store.quads_for_pattern(cell, _REST, None, ox.DefaultGraph())), None)
