"""CITATION.cff and the licence files agree with the ontology they describe."""

from __future__ import annotations

from pathlib import Path

import yaml
from rdflib import OWL, Graph, URIRef

PROJECT_DIR = Path(__file__).resolve().parents[1]


def test_citation_names_the_ontology_s_version_and_version_iri() -> None:
    citation = yaml.safe_load((PROJECT_DIR / "CITATION.cff").read_text(encoding="utf-8"))
    ontology = Graph().parse(PROJECT_DIR / "ontology" / "clustergraph.ttl")
    header = URIRef("https://w3id.org/clustergraph/ontology")
    assert citation["version"] == str(ontology.value(header, OWL.versionInfo))
    assert citation["identifiers"][0]["value"] == str(ontology.value(header, OWL.versionIRI))
    assert set(citation["license"]) == {"MIT", "CC-BY-4.0"}


def test_the_licence_files_are_there() -> None:
    assert (PROJECT_DIR / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert "Attribution 4.0 International Public License" in (PROJECT_DIR / "LICENSE-DATA").read_text(encoding="utf-8")
    assert "MIT License" in (PROJECT_DIR / "src/clustergraph/static/vendor/yasgui/LICENSE").read_text(encoding="utf-8")
