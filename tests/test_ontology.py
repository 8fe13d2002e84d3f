"""The ontology: consistent under HermiT, loads offline, declares every term anything uses."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from clustergraph.compile import vocabgen
from clustergraph.compile.formatting import format_paths
from clustergraph.compile.load import EDIT_FILE, load_project, parse_turtle
from clustergraph.namespaces import CG, ONTOLOGY_IRI, PREFIXES
from owlreasoning import hermit_inconsistencies

PROJECT_DIR = Path(__file__).resolve().parents[1]
ONTOLOGY_FILES = sorted(p for p in (PROJECT_DIR / "ontology").glob("*.ttl") if p.name != EDIT_FILE)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in ONTOLOGY_FILES:
        parse_turtle(path, graph)
    return graph


def _declared(ontology: Graph) -> set[str]:
    return set(vocabgen.declared_terms(ontology))


def test_header_names_the_ontology_its_version_and_licence(ontology: Graph) -> None:
    header = URIRef(ONTOLOGY_IRI)
    assert (header, RDF.type, OWL.Ontology) in ontology
    version = ontology.value(header, OWL.versionInfo)
    assert ontology.value(header, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{version}")
    assert ontology.value(header, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert {t.language for t in ontology.objects(header, DCTERMS.title) if isinstance(t, Literal)} == {"en", "ru"}


def test_nothing_is_imported_that_cannot_be_resolved_offline(ontology: Graph) -> None:
    catalog = ET.parse(PROJECT_DIR / "ontology" / "catalog-v001.xml").getroot()
    entries = {e.get("name"): e.get("uri") for e in catalog.iter() if e.tag.endswith("uri")}
    assert len(entries) == len(list(e for e in catalog.iter() if e.tag.endswith("uri"))), "duplicate catalog entries"
    for name, local in entries.items():
        assert (PROJECT_DIR / "ontology" / str(local)).is_file(), f"catalog maps {name} to a missing file"
    for imported in ontology.objects(None, OWL.imports):
        assert str(imported) in entries, f"owl:imports {imported} has no local copy in the catalog"


def _terms_used_in_turtle(folder: str) -> set[str]:
    used: set[str] = set()
    for path in sorted((PROJECT_DIR / folder).rglob("*.ttl")):
        for triple in parse_turtle(path):
            used.update(str(t)[len(str(CG)) :] for t in triple if isinstance(t, URIRef) and str(t).startswith(str(CG)))
    return used


def _terms_used_in_queries() -> set[str]:
    used: set[str] = set()
    for path in sorted((PROJECT_DIR / "queries").rglob("*.rq")) + sorted((PROJECT_DIR / "src").rglob("*.rq")):
        lines = path.read_text(encoding="utf-8").splitlines()
        text = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
        used.update(re.findall(r"\bcg:([A-Za-z_][\w-]*)", text))
    return used


@pytest.mark.parametrize(
    "where",
    [
        pytest.param(lambda: _terms_used_in_turtle("data"), id="data"),
        pytest.param(lambda: _terms_used_in_turtle("shapes"), id="shapes"),
        pytest.param(_terms_used_in_queries, id="queries"),
    ],
)
def test_every_term_used_is_declared_in_the_ontology(where, ontology: Graph) -> None:  # type: ignore[no-untyped-def]
    undeclared = sorted(where() - _declared(ontology))
    assert not undeclared, f"cg: terms used but not declared (a typo makes a new term): {undeclared}"


def test_query_prefixes_agree_with_the_package() -> None:
    for path in sorted((PROJECT_DIR / "queries").rglob("*.rq")):
        for prefix, iri in re.findall(r"(?im)^\s*PREFIX\s+([\w-]*):\s*<([^>]*)>", path.read_text(encoding="utf-8")):
            if prefix in PREFIXES:
                assert iri == PREFIXES[prefix], f"{path.name}: PREFIX {prefix}: <{iri}> differs from namespaces.py"


def test_generated_vocabulary_is_up_to_date(ontology: Graph) -> None:
    assert vocabgen.VOCAB_FILE.read_text(encoding="utf-8") == vocabgen.render(ontology), (
        "src/clustergraph/vocab.py is stale: run `python -m clustergraph.compile.vocabgen`"
    )


def test_hand_edited_turtle_is_in_canonical_form() -> None:
    paths = [PROJECT_DIR / d for d in ("ontology", "shapes", "data")]
    assert format_paths(paths, check=True) == [], "run `make fmt`"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a Java runtime")
def test_hermit_finds_the_ontology_consistent_with_no_unsatisfiable_class(ontology: Graph, tmp_path: Path) -> None:
    assert hermit_inconsistencies(ontology, tmp_path) == []


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a Java runtime")
def test_hermit_finds_the_ontology_with_all_the_data_consistent(tmp_path: Path) -> None:
    """What Protégé's reasoner sees when the data is open: every source, in OWL 2 datatypes only."""
    sources = load_project(PROJECT_DIR)
    assert hermit_inconsistencies(sources.ontology + sources.all_data(), tmp_path) == []
