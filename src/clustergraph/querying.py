"""`clustergraph query`: run one .rq file on the built release and print the answer."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from clustergraph.dataset import load_release, query_release
from clustergraph.errors import QuerySyntaxError
from clustergraph.queries import parse_named_query

_RESULT_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
}


def run_query_file(
    path: Path, release_dir: Path, params: Mapping[str, str], output: str, *, entailment: bool = True
) -> str:
    query = parse_named_query(path, require_summary=False)
    bindings = query.bindings(params)
    store = load_release(release_dir)
    try:
        result = query_release(store, query.text, bindings, entailment=entailment)
    except SyntaxError as error:
        raise QuerySyntaxError(f"{path}: {error}") from error
    if isinstance(result, ox.QueryBoolean):
        return ("true" if bool(result) else "false") + "\n"
    if isinstance(result, ox.QueryTriples):
        return bytes(result.serialize(format=ox.RdfFormat.TURTLE) or b"").decode("utf-8")
    if output in _RESULT_FORMATS:
        return bytes(result.serialize(format=_RESULT_FORMATS[output]) or b"").decode("utf-8")
    variables = [v.value for v in result.variables]
    return render_table(variables, [[_cell(s[v]) for v in variables] for s in result])


def render_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value + (f"@{term.language}" if term.language else "")
    return str(getattr(term, "value", term))
