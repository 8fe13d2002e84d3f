"""The article's reference tables: life cycle (Table 1), roles, institutions, instruments."""

from __future__ import annotations

import re
from typing import TypeVar

from rdflib import URIRef

from clustergraph.api.linking import Linker
from clustergraph.api.models import (
    Kind,
    Labels,
    Lifecycle,
    Listed,
    Listing,
    Ref,
    Role,
    RoleTree,
    SourceTable,
    Stage,
    TableItem,
)
from clustergraph.api.reading import integer, kind_of, labels, row_ref, select, text
from clustergraph.store.base import GraphStore
from clustergraph.vocab import CG_TERMS as CG

_R = TypeVar("_R", Kind, Ref)


def lifecycle(store: GraphStore, linker: Linker) -> Lifecycle:
    """Stages in the order the query gives (by cg:stageOrder), items in table-row order, read from the
    tables' entries; with the tables themselves, so a page can show their titles from the data."""
    stages: dict[str, Stage] = {}
    for row in select(store, "lifecycle"):
        iri = text(row, "stage") or ""
        stage = stages.get(iri)
        if stage is None:
            stage = stages[iri] = Stage(
                **linker.ref(iri, labels(row, "stage_")).model_dump(),
                order=integer(row, "order"),
                next=text(row, "next"),
                next_label=labels(row, "next_"),
            )
        item = row_ref(linker, row, "item", "")
        if item is not None:
            column = stage.functions if text(row, "aspect") == "function" else stage.competences
            column.append(TableItem(**item.model_dump(), position=integer(row, "position"), table=text(row, "table")))
    return Lifecycle(tables=source_tables(store, linker), stages=list(stages.values()))


def source_tables(store: GraphStore, linker: Linker) -> list[SourceTable]:
    """The sources' tables (cg:SourceTable) with their numbers and titles."""
    return [
        SourceTable(
            **linker.ref(text(row, "table") or "", labels(row)).model_dump(),
            number=integer(row, "number"),
            title=Labels(en=text(row, "title_en"), ru=text(row, "title_ru")),
            source=text(row, "source"),
        )
        for row in select(store, "source-tables")
    ]


def roles(store: GraphStore, linker: Linker) -> RoleTree:
    """The hierarchy of roles: a role's parent is the role whose classes are the largest strict
    subset of its own (with entailment, a role belongs to its class's superclasses too)."""
    found: dict[str, Role] = {}
    classes: dict[str, set[str]] = {}
    for row in select(store, "roles"):
        iri = text(row, "role") or ""
        role = found.setdefault(iri, Role(**linker.ref(iri, labels(row)).model_dump(), number=text(row, "number")))
        classes.setdefault(iri, set()).add(text(row, "class") or "")
        kind = kind_of(row, "class")
        if kind is not None and integer(row, "specific") == 1:
            role.kinds.append(kind)
    top: list[Role] = []
    for iri, role in sorted(found.items(), key=lambda item: _number_key(item[1])):
        ancestors = [other for other in found if classes[other] < classes[iri]]
        if ancestors:
            found[max(ancestors, key=lambda other: len(classes[other]))].children.append(role)
        else:
            top.append(role)
    return RoleTree(roles=top)


def institutions(store: GraphStore, linker: Linker) -> Listing:
    return listing(store, linker, CG.Institution)


def instruments(store: GraphStore, linker: Linker) -> Listing:
    return listing(store, linker, CG.PolicyInstrument)


def listing(store: GraphStore, linker: Linker, cls: URIRef) -> Listing:
    """The members of a class (with entailment, so members of its subclasses too)."""
    items: dict[str, Listed] = {}
    for row in select(store, "instances", {"class": cls}):
        iri = text(row, "item") or ""
        item = items.setdefault(iri, Listed(**linker.ref(iri, labels(row)).model_dump()))
        _add(item.kinds, kind_of(row))
        _add(item.regions, row_ref(linker, row, "region"))
        _add(item.cases, row_ref(linker, row, "case"))
    return Listing(items=list(items.values()))


def _add(items: list[_R], item: _R | None) -> None:
    if item is not None and all(existing.iri != item.iri for existing in items):
        items.append(item)


def _number_key(role: Role) -> tuple[tuple[int, ...], str]:
    """`2.1` sorts after `2` and before `10`; roles without a number come last, by label."""
    digits = tuple(int(part) for part in re.findall(r"\d+", role.number or "")) or (1 << 30,)
    return digits, role.label.en or role.iri
