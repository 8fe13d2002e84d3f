"""OWL 2 RL reasoning, kept apart from what was asserted.

Two engines compute the same closure: `native` (the default) runs the profile's rules to a fixpoint
inside Oxigraph (`clustergraph.compile.rules`); `owlrl` is the reference it is tested against, 36 times
slower at 10^5 triples. Either way the release keeps only what `rules/published.rq` lets through,
in its own graph, so a user can query with or without entailment.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

from rdflib import OWL, RDF, BNode, Graph, Literal, Namespace

from clustergraph.compile.rules import Closure
from clustergraph.compile.terms import ToOxigraph, ToRdflib
from clustergraph.errors import Inconsistent
from clustergraph.namespaces import bind_prefixes
from clustergraph.settings import Reasoner

# owlrl reports what OWL 2 RL finds impossible (e.g. one individual in two disjoint classes) as
# blank nodes of this vocabulary in the closure, not as exceptions.
_OWLRL_ERROR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")


def infer(
    ontology: Graph, data: Graph | Sequence[Graph], engine: Reasoner = "native", into: Graph | None = None
) -> Graph:
    """The OWL 2 RL entailments of ontology + data (one graph, or several taken together) that are worth
    publishing, without the asserted triples: added to `into` (a new graph without it), which is returned.

    The triples go into the reasoner's store and the published ones come back term by term (each
    distinct term converted once), with no text in between. Raises BuildError when the closure is
    inconsistent.
    """
    inferred = into if into is not None else bind_prefixes(Graph())
    inferred.addN((s, p, o, inferred) for s, p, o in ToRdflib().triples(_closure(ontology, data, engine).published()))
    return inferred


def _closure(ontology: Graph, data: Graph | Sequence[Graph], engine: Reasoner) -> Closure:
    graphs = [data] if isinstance(data, Graph) else list(data)
    closure = Closure()
    to_oxigraph = ToOxigraph()
    closure.assert_triples(to_oxigraph.triples(chain(ontology, *graphs)))  # type: ignore[arg-type]
    if engine == "native":
        closure.saturate()
        _refuse(closure.inconsistencies())
    else:
        closure.add_triples(to_oxigraph.triples(_owlrl_closure(ontology, graphs)))  # type: ignore[arg-type]
    return closure


def _owlrl_closure(ontology: Graph, data: Sequence[Graph]) -> Graph:
    import owlrl  # imported here: a heavy import that only the reference needs

    closure = Graph()
    for graph in [ontology, *data]:
        closure += graph
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    messages = [str(m) for m in closure.objects(None, _OWLRL_ERROR.error)]
    messages += [f"<{s}> is inferred to be a member of owl:Nothing" for s in _nothing(closure)]
    _refuse(sorted(messages))
    # RDF has no triples about literals; owlrl's (their datatypes) are among the tautologies not published.
    for triple in [t for t in closure if isinstance(t[0], Literal)]:
        closure.remove(triple)
    return closure


def _nothing(closure: Graph) -> list[str]:
    return sorted(str(s) for s in closure.subjects(RDF.type, OWL.Nothing) if not isinstance(s, BNode))


def _refuse(messages: list[str]) -> None:
    if messages:
        raise Inconsistent(messages)
