"""How the analysts' answers are written: tables as JSON or CSV, graphs as Turtle, JSON-LD,
N-Triples or RDF/XML, chosen by `?format=` or by the Accept header (q-values: `api.negotiation`)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi.responses import Response
from rdflib.namespace import XSD

from clustergraph.api.negotiation import negotiate
from clustergraph.store.base import GraphStore, QueryRequest, Term
from clustergraph.store.formats import CSV, JSON_LD, N_TRIPLES, RDF_XML, TURTLE

ANSWER_TYPES = {"json": "application/json", "csv": CSV}
RDF_TYPES = {"ttl": TURTLE, "jsonld": JSON_LD, "nt": N_TRIPLES, "rdf": RDF_XML}
_INTEGERS = {
    str(XSD[name])
    for name in (
        "integer", "long", "int", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
        "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    )
}  # fmt: skip
_DECIMALS = {str(XSD.decimal), str(XSD.double), str(XSD.float)}


def choose(format_name: str | None, accept: str | None, offered: Mapping[str, str]) -> str:
    """The media type to answer in: `?format=` wins over Accept; NotAcceptable when nothing fits."""
    if format_name is not None:
        return offered[format_name]
    return negotiate(accept, list(offered.values()))


def render_csv(variables: Sequence[str], rows: Sequence[Mapping[str, Term]], boolean: bool | None) -> str:
    """SPARQL 1.1 CSV: a header of variable names, then each value's lexical form; CRLF ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if boolean is not None:
        writer.writerows([["boolean"], ["true" if boolean else "false"]])
        return buffer.getvalue()
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(row.get(name)) for name in variables])
    return buffer.getvalue()


def json_rows(variables: Sequence[str], rows: Sequence[Mapping[str, Term]]) -> list[dict[str, Any]]:
    """Each row as {column: plain value}: numbers and booleans typed, the rest as lexical forms."""
    return [{name: plain(row.get(name)) for name in variables} for row in rows]


def plain(term: Term | None) -> Any:
    if term is None:
        return None
    if term.type != "literal" or term.datatype is None:
        return term.value
    try:
        if term.datatype in _INTEGERS:
            return int(term.value)
        if term.datatype in _DECIMALS and math.isfinite(float(term.value)):
            return float(term.value)
    except ValueError:
        return term.value
    if term.datatype == str(XSD.boolean):
        return term.value in ("true", "1")
    return term.value


def rdf_response(store: GraphStore, request: QueryRequest, media_type: str) -> Response:
    result = store.serialized(request, media_type)
    return Response(result.body, media_type=result.media_type, headers={"Vary": "Accept"})


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    return f"_:{term.value}" if term.type == "bnode" else term.value
