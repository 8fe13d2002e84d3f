"""The analysts' answers as flat tables, for CSV: one row per item of an answer's main list, each
nested resource spread into columns (`region` → `region`, `region_label_en`, `region_label_ru`) and
each list of resources joined into one cell (`; `), so that `pandas.read_csv` gets a proper frame.

`answer(model, …)` is what a resource endpoint returns: the model as JSON, or its table as CSV (or
Excel-friendly CSV: UTF-8 with a byte-order mark, so Cyrillic survives a double-click), or 406.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from clustergraph.api.models import (
    Case,
    CaseList,
    Comparison,
    Lifecycle,
    Listing,
    Provenance,
    Role,
    RoleTree,
    SearchResults,
)
from clustergraph.api.representations import choose
from clustergraph.store.formats import CSV

TableFormat = Literal["json", "csv", "excel"]
TABLE_TYPES = {"json": "application/json", "csv": CSV}
EXCEL_BOM = "\ufeff"
JOIN = "; "
Rows = list[dict[str, Any]]


def answer(model: BaseModel, request: Request, format: TableFormat | None, name: str) -> Response:
    """JSON, CSV or Excel-friendly CSV of one answer; `format` wins over Accept, NotAcceptable if neither fits."""
    media_type = CSV if format == "excel" else choose(format, request.headers.get("accept"), TABLE_TYPES)
    if media_type != CSV:
        return JSONResponse(model.model_dump(mode="json"), headers={"Vary": "Accept"})
    body = write_csv(table(model))
    headers = {"Vary": "Accept", "Content-Disposition": f'inline; filename="{name}.csv"'}
    if format == "excel":
        body = EXCEL_BOM + body
        headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return Response(body, media_type=f"{CSV}; charset=utf-8", headers=headers)


def table(model: BaseModel) -> Rows:
    for kind, rows in _TABLES.items():
        if isinstance(model, kind):
            return rows(model)
    raise TypeError(f"no table for {type(model).__name__}")


def write_csv(rows: Rows) -> str:
    columns = list(dict.fromkeys(column for row in rows for column in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def flat(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """One record as cells: a resource gives its IRI and labels; a list gives its items' names."""
    cells: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if key in ("url", "children"):
            continue
        if isinstance(value, Mapping):
            cells.update(_resource(value, name) if "iri" in value else flat(value, f"{name}_"))
        elif isinstance(value, list):
            cells[name] = JOIN.join(_name(item) for item in value)
        else:
            cells[name] = value
    return cells


def _resource(value: Mapping[str, Any], name: str) -> dict[str, Any]:
    label = value.get("label") or {}
    return {name: value["iri"], f"{name}_label_en": label.get("en"), f"{name}_label_ru": label.get("ru")}


def _name(item: Any) -> str:
    if isinstance(item, Mapping):
        label = item.get("label") or {}
        return str(label.get("en") or label.get("ru") or item.get("name") or item.get("iri") or "")
    return str(item)


def _each(items: Iterable[BaseModel]) -> Rows:
    return [flat(item.model_dump(mode="json")) for item in items]


def _lifecycle(model: Lifecycle) -> Rows:
    """Table 1 row by row: a stage, a column (function or competence), a position, an item."""
    rows: Rows = []
    for stage in model.stages:
        head = {
            "order": stage.order,
            **_resource(stage.model_dump(), "stage"),
            "next": stage.next,
            "next_label_en": stage.next_label.en,
            "next_label_ru": stage.next_label.ru,
        }
        for aspect, items in (("function", stage.functions), ("competence", stage.competences)):
            rows.extend({**head, "aspect": aspect, **flat(item.model_dump(mode="json"))} for item in items)
    return rows


def _roles(model: RoleTree) -> Rows:
    def walk(roles: list[Role], parent: str | None) -> Rows:
        rows: Rows = []
        for role in roles:
            rows.append({"number": role.number, "parent": parent, **flat(role.model_dump(mode="json"))})
            rows.extend(walk(role.children, role.number))
        return rows

    return walk(model.roles, None)


def _comparison(model: Comparison) -> Rows:
    """One row per item of any compared case, with a yes/no column per case."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for case in model.cases:
        for aspect, items in (
            ("institution", case.institutions),
            ("instrument", case.instruments),
            ("lesson", case.lessons),
            ("source", case.sources),
        ):
            for item in items:
                row = rows.setdefault((aspect, item.iri), {"aspect": aspect, **_resource(item.model_dump(), "item")})
                row[case.slug or case.iri] = True
    for row in rows.values():
        for case in model.cases:
            row.setdefault(case.slug or case.iri, False)
    return list(rows.values())


_TABLES: dict[type[BaseModel], Callable[[Any], Rows]] = {
    CaseList: lambda m: _each(m.cases),
    Case: lambda m: _each([m]),
    Comparison: _comparison,
    Lifecycle: _lifecycle,
    RoleTree: _roles,
    Listing: lambda m: _each(m.items),
    SearchResults: lambda m: [{"rank": m.offset + i + 1, **row} for i, row in enumerate(_each(m.results))],
    Provenance: lambda m: _each(m.passages),
}
