"""The native OWL 2 RL reasoner against owlrl, the reference: the same published closure, the same refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.synthetic import generate_project
from rdflib import Graph, URIRef

from clustergraph.compile.load import Sources, load_project, parse_turtle
from clustergraph.compile.reason import infer
from clustergraph.errors import BuildError

AXIOMS = Path(__file__).parent / "data" / "reasoning"
EX = "https://example.org/axioms#"


def assert_same_closure(ontology: Graph, data: Graph) -> Graph:
    native = infer(ontology, data, engine="native")
    reference = infer(ontology, data, engine="owlrl")
    only_native, only_owlrl = set(native) - set(reference), set(reference) - set(native)
    assert not only_native and not only_owlrl, (
        f"only native: {sorted(only_native)[:20]}\nonly owlrl: {sorted(only_owlrl)[:20]}"
    )
    return native


def test_the_article_gets_the_reference_closure(project_dir: Path) -> None:
    sources = load_project(project_dir)
    assert len(assert_same_closure(sources.ontology, sources.all_data())) > 0


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Sources:
    project = tmp_path_factory.mktemp("synthetic") / "project"
    manifest = generate_project(10_000, project)
    assert manifest.triples >= 10_000
    return load_project(project)


def test_a_synthetic_graph_of_ten_thousand_triples_gets_the_reference_closure(synthetic: Sources) -> None:
    data = synthetic.all_data()
    assert len(data) >= 10_000
    assert len(assert_same_closure(synthetic.ontology, data)) > 0


def test_every_kind_of_axiom_gets_the_reference_closure() -> None:
    axioms = parse_turtle(AXIOMS / "axioms.ttl")
    inferred = assert_same_closure(axioms, Graph())
    expected = [
        ("rex", "type", "Mammal"),  # equivalence, then the hierarchy
        ("rex", "type", "PetDog"),  # intersection
        ("rex", "type", "Creature"),  # union
        ("rex", "type", "Owned"),  # someValuesFrom, through the range of ex:owner
        ("ann", "owns", "rex"),  # inverse
        ("rexAgain", "type", "Dog"),  # inverse-functional: the same individual
        ("fido", "sound", "bark"),  # hasValue
        ("rex", "friend", "fido"),  # symmetric
        ("fido", "ancestor", "oldest"),  # sub-properties, equivalent properties, transitivity
        ("fido", "grandparent", "old"),  # chain of two
        ("fido", "greatGrandparent", "older"),  # chain of three
        ("drWho", "type", "Licensed"),  # allValuesFrom
        ("red", "type", "Colour"),  # enumeration
    ]
    for subject, predicate, obj in expected:
        p = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type" if predicate == "type" else EX + predicate)
        assert (URIRef(EX + subject), p, URIRef(EX + obj)) in inferred, (subject, predicate, obj)


@pytest.mark.parametrize("engine", ["native", "owlrl"])
def test_an_individual_in_disjoint_classes_is_refused(engine: str) -> None:
    with pytest.raises(BuildError, match="felix"):
        infer(parse_turtle(AXIOMS / "disjoint.ttl"), Graph(), engine=engine)  # type: ignore[arg-type]
