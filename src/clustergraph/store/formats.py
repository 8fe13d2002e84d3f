"""The media types the stores produce, and the pyoxigraph formats behind them.

Results of SELECT and ASK come as SPARQL results (JSON, XML, CSV, TSV); CONSTRUCT, DESCRIBE and
graph downloads as RDF (Turtle, N-Triples, JSON-LD, RDF/XML). The first of each is the default.
"""

from __future__ import annotations

import pyoxigraph as ox

from clustergraph.errors import NotAcceptable

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
N_TRIPLES = "application/n-triples"
JSON_LD = "application/ld+json"
RDF_XML = "application/rdf+xml"

RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    SPARQL_JSON: ox.QueryResultsFormat.JSON,
    SPARQL_XML: ox.QueryResultsFormat.XML,
    CSV: ox.QueryResultsFormat.CSV,
    TSV: ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    TURTLE: ox.RdfFormat.TURTLE,
    N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    JSON_LD: ox.RdfFormat.JSON_LD,
    RDF_XML: ox.RdfFormat.RDF_XML,
}


def results_format(media_type: str) -> ox.QueryResultsFormat:
    try:
        return RESULT_FORMATS[media_type]
    except KeyError:
        raise NotAcceptable(
            f"{media_type} is not a format for SELECT or ASK answers; use one of {', '.join(RESULT_FORMATS)}"
        ) from None


def graph_format(media_type: str) -> ox.RdfFormat:
    try:
        return GRAPH_FORMATS[media_type]
    except KeyError:
        raise NotAcceptable(
            f"{media_type} is not an RDF format for graphs; use one of {', '.join(GRAPH_FORMATS)}"
        ) from None
