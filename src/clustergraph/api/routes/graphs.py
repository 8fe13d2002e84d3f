"""`/graphs`: the read side of the SPARQL 1.1 Graph Store Protocol, to download the graphs.

`GET /graphs?graph=<IRI>` gives one named graph, `GET /graphs?default` the default graph (the union
of the named graphs; `&entailment=none` leaves the inferred one out), as Turtle, N-Triples, JSON-LD
or RDF/XML by Accept.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from clustergraph.api.deps import StoreDep
from clustergraph.api.negotiation import GRAPH_OFFERS, negotiate

router = APIRouter(tags=["downloads"])


@router.get(
    "/graphs",
    summary="Download a named graph (?graph=IRI) or the default graph (?default)",
    response_class=Response,
)
def get_graph(
    request: Request,
    store: StoreDep,
    graph: Annotated[str | None, Query(description="The IRI of a named graph.")] = None,
    default: Annotated[str | None, Query(description="Present (no value): the default graph.")] = None,
    entailment: Annotated[
        Literal["owl-rl", "none"], Query(description="With ?default, `none` leaves out the inferred graph.")
    ] = "owl-rl",
) -> Response:
    if (graph is None) == (default is None):
        names = ", ".join(store.graph_names())
        raise HTTPException(400, f"ask for ?default or for ?graph=IRI (one of: {names})")
    media_type = negotiate(request.headers.get("accept"), list(GRAPH_OFFERS))
    body = store.graph(graph, GRAPH_OFFERS[media_type], entailment=entailment != "none")
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})
