"""The SPARQL 1.1 Service Description of `/sparql`: a Turtle file beside this module, read with the
endpoint's URL as its base, plus one `sd:namedGraph` per graph in the store."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from rdflib import RDF, BNode, Graph, Namespace, URIRef

from clustergraph.store.formats import JSON_LD, N_TRIPLES, RDF_XML, TURTLE

TEMPLATE = Path(__file__).with_name("service-description.ttl")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
RDFLIB_FORMATS = {TURTLE: "turtle", N_TRIPLES: "nt", JSON_LD: "json-ld", RDF_XML: "xml"}


@lru_cache(maxsize=16)
def service_description(endpoint: str, graph_names: Sequence[str], media_type: str) -> bytes:
    """The description serialized as `media_type` (one of RDFLIB_FORMATS); cached per endpoint URL."""
    graph = Graph().parse(TEMPLATE, format="turtle", publicID=endpoint)
    dataset = URIRef(f"{endpoint}#dataset")
    for name in graph_names:
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
    return graph.serialize(format=RDFLIB_FORMATS[media_type], encoding="utf-8")
