"""The HTML pages' Jinja2 environment: templates shipped in the package, autoescape always on."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined

from clustergraph.api.linking import Linker
from clustergraph.namespaces import BASE, curie


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("clustergraph", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["curie"] = curie
    return env


def render(template: str, linker: Linker, status_code: int = 200, **context: Any) -> HTMLResponse:
    page = environment().get_template(template).render(base=linker.base, canonical_base=BASE, **context)
    return HTMLResponse(page, status_code=status_code, headers={"Vary": "Accept"})
