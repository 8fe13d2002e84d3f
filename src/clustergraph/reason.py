"""OWL 2 RL reasoning with owlrl, kept apart from what was asserted.

owlrl materializes the closure into the graph it is given, including many triples nobody asks for
(every term `owl:sameAs` itself, literals as subjects, facts about OWL's own vocabulary). The release
keeps only entailments about the project's resources and terms, in their own graph, so a user can
query with or without them.
"""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, Namespace
from rdflib.term import Node

from clustergraph.errors import BuildError
from clustergraph.namespaces import bind_prefixes

# owlrl reports what OWL 2 RL finds impossible (e.g. one individual in two disjoint classes) as
# blank nodes of this vocabulary in the closure, not as exceptions.
_OWLRL_ERROR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")

_BUILT_IN = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))
_REFLEXIVE_NOISE = {OWL.sameAs, RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty}
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


def infer(ontology: Graph, data: Graph) -> Graph:
    """The OWL 2 RL entailments of ontology + data that are worth publishing, without the asserted triples.

    Raises BuildError when the closure is inconsistent, quoting owlrl's messages.
    """
    import owlrl  # imported here: a heavy import that only the build needs

    closure = Graph()
    closure += ontology
    closure += data
    asserted = set(closure)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    _refuse_inconsistency(closure)
    inferred = bind_prefixes(Graph())
    for triple in closure:
        if triple not in asserted and _worth_publishing(*triple):
            inferred.add(triple)
    return inferred


def _worth_publishing(subject: Node, predicate: Node, obj: Node) -> bool:
    if isinstance(subject, (Literal, BNode)) or isinstance(obj, BNode):
        return False
    if str(subject).startswith(_BUILT_IN):
        return False
    if predicate in _REFLEXIVE_NOISE and subject == obj:
        return False
    return not (predicate == RDF.type and obj in _TRIVIAL_TYPES)


def _refuse_inconsistency(closure: Graph) -> None:
    messages = sorted(str(m) for m in closure.objects(None, _OWLRL_ERROR.error))
    impossible = sorted(str(s) for s in closure.subjects(RDF.type, OWL.Nothing) if not isinstance(s, BNode))
    messages += [f"{iri} is inferred to be a member of owl:Nothing" for iri in impossible]
    if messages:
        raise BuildError("the data is inconsistent with the ontology (OWL 2 RL):\n  " + "\n  ".join(messages))
