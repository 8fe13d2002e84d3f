"""The OpenAPI schema, completed with what only the loaded graph knows: the slugs a slug parameter
accepts (e.g. `case`: minnesota, oregon, …). Computed on each request for /openapi.json, so a new
release shows its own slugs without a restart."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI

from clustergraph.api.routes.queries import slugs
from clustergraph.queries import NamedQuery
from clustergraph.store.base import GraphStore

# Slug parameters of the resource endpoints, beside those the named queries declare with a `kind`.
RESOURCE_SLUGS: dict[tuple[str, str], str] = {("/api/cases/{slug}", "slug"): "case", ("/api/compare", "case"): "case"}


def with_slugs(app: FastAPI, catalog: Mapping[str, NamedQuery]) -> Callable[[], dict[str, Any]]:
    """An `app.openapi` that adds each slug parameter's allowed values to the generated schema."""
    generated = app.openapi
    kinds = dict(RESOURCE_SLUGS)
    for query in catalog.values():
        for parameter in query.parameters:
            if parameter.kind is not None:
                kinds[(f"/api/queries/{query.name}", parameter.name)] = parameter.kind

    def openapi() -> dict[str, Any]:
        schema = copy.deepcopy(generated())
        store: GraphStore | None = getattr(app.state, "store", None)
        if store is None:
            return schema
        allowed = {kind: slugs(store, kind) for kind in set(kinds.values())}
        for (path, name), kind in kinds.items():
            for parameter in schema["paths"].get(path, {}).get("get", {}).get("parameters", []):
                if parameter["name"] == name and allowed[kind]:
                    parameter["schema"]["examples"] = allowed[kind]
                    parameter["description"] = (
                        f"{parameter.get('description', '')} Slugs in the graph: {', '.join(allowed[kind])}."
                    ).strip()
        return schema

    return openapi
