"""The apps the service is measured against, as uvicorn factories (`uvicorn benchmarks.peers:floor_app --factory`).

- `floor_app`: a bare FastAPI app that answers every `/sparql` request with the same small constant, so the
  time it takes is the HTTP stack's floor (uvicorn + Starlette + FastAPI routing), with no query at all.
- `rdflib_endpoint_app`: rdflib-endpoint, the usual rdflib + FastAPI SPARQL endpoint, over the same release
  (`dataset.nq` in an rdflib Dataset whose default graph is the union of its graphs, as ours is by default).

Both read the release folder from `CLUSTERGRAPH_BENCH_RELEASE` when uvicorn calls them, never at import.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI, Response

from clustergraph.release_format import DATASET_FILE

RELEASE_ENV = "CLUSTERGRAPH_BENCH_RELEASE"
_EMPTY_RESULTS = b'{"head":{"vars":[]},"results":{"bindings":[]}}'


def floor_app() -> FastAPI:
    app = FastAPI(title="HTTP floor")

    @app.get("/sparql")
    async def constant() -> Response:
        return Response(_EMPTY_RESULTS, media_type="application/sparql-results+json")

    return app


def rdflib_endpoint_app() -> FastAPI:
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    dataset = Dataset(default_union=True)
    dataset.parse(Path(os.environ[RELEASE_ENV]) / DATASET_FILE, format="nquads")
    app: FastAPI = SparqlEndpoint(graph=dataset, path="/sparql", cors_enabled=False, title="rdflib-endpoint")
    return app
