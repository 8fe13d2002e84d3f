"""Running the API's own queries (`api/queries/*.rq`) and reading their rows as plain values.

The API's resource endpoints and pages ask the store only through these files, with parameters
bound as RDF terms; rows come back as `Term`s, and the helpers here turn them into refs and numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from rdflib.term import Identifier

from clustergraph.api.linking import Linker
from clustergraph.api.models import Kind, Labels, Ref
from clustergraph.queries import NamedQuery, load_catalog
from clustergraph.store.base import Dataset, GraphStore, QueryRequest, Term

QUERY_DIR = Path(__file__).parent / "queries"
Row = Mapping[str, Term]
T = TypeVar("T")


@lru_cache(maxsize=1)
def api_queries() -> dict[str, NamedQuery]:
    """The API's internal queries, read once, on first use."""
    return load_catalog(QUERY_DIR)


def select(
    store: GraphStore,
    name: str,
    bindings: Mapping[str, Identifier] | None = None,
    *,
    entailment: bool = True,
    limit: int | None = None,
) -> tuple[Row, ...]:
    request = QueryRequest(
        api_queries()[name].text,
        bindings=dict(bindings or {}),
        dataset=Dataset(entailment=entailment),
        limit=limit,
        trusted=True,
    )
    return store.solutions(request).rows


def text(row: Row, column: str) -> str | None:
    term = row.get(column)
    return None if term is None else term.value


def integer(row: Row, column: str) -> int | None:
    value = text(row, column)
    try:
        return None if value is None else int(value)
    except ValueError:
        return None


def labels(row: Row, prefix: str = "") -> Labels:
    return Labels(en=text(row, f"{prefix}label_en"), ru=text(row, f"{prefix}label_ru"))


def row_ref(linker: Linker, row: Row, column: str, label_prefix: str | None = None) -> Ref | None:
    """The resource in `column`, labelled by `{column}_label_en/_ru` or `{label_prefix}label_…`."""
    iri = text(row, column)
    prefix = f"{column}_" if label_prefix is None else label_prefix
    return None if iri is None else linker.ref(iri, labels(row, prefix))


def kind_of(row: Row, column: str = "kind") -> Kind | None:
    iri = text(row, column)
    if iri is None:
        return None
    return Kind(iri=iri, name=iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1], label=labels(row, f"{column}_"))


def unique(items: Iterable[T], key: str = "iri") -> list[T]:
    """Items in first-seen order, one per `key`: a query's rows repeat a resource once per value."""
    seen: dict[object, T] = {}
    for item in items:
        seen.setdefault(getattr(item, key), item)
    return list(seen.values())
