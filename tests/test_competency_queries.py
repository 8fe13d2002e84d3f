"""Every named query in queries/ answers exactly what the article says (tests/expected/<name>.yaml)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import yaml

from clustergraph.dataset import query_release
from clustergraph.namespaces import PREFIXES, source_base
from clustergraph.queries import NamedQuery, load_catalog

PROJECT_DIR = Path(__file__).resolve().parents[1]
EXPECTED_DIR = Path(__file__).parent / "expected"
CATALOG = load_catalog(PROJECT_DIR / "queries")
SOURCE = "creative-economy-2017-07"  # the expected answers are the article's


def _cases() -> list[Any]:
    cases = []
    for name in sorted(CATALOG):
        path = EXPECTED_DIR / f"{name}.yaml"
        expectations = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else []
        for index, expected in enumerate(expectations):
            cases.append(pytest.param(CATALOG[name], expected, id=f"{name}-{index}"))
    return cases


def _expand(cell: Any) -> str | None:
    """`region:oregon` by the project's prefixes; `<case/oregon>`, a resource of the article's own, by its base."""
    if cell is None:
        return None
    text = str(cell)
    if text.startswith("<") and text.endswith(">"):
        return source_base(SOURCE) + text[1:-1]
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return text


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str | None:
    return None if term is None else term.value


def test_every_named_query_has_expected_answers() -> None:
    missing = sorted(name for name in CATALOG if not (EXPECTED_DIR / f"{name}.yaml").is_file())
    assert not missing, f"named queries without tests/expected/<name>.yaml: {missing}"


def test_there_are_at_least_25_competency_questions() -> None:
    assert len(CATALOG) >= 25


@pytest.mark.parametrize(("query", "expected"), _cases())
def test_named_query_answers_what_the_article_says(
    query: NamedQuery, expected: dict[str, Any], release_store: ox.Store
) -> None:
    bindings = query.bindings({k: str(v) for k, v in (expected.get("params") or {}).items()})
    result = query_release(release_store, query.text, bindings)
    if "boolean" in expected:
        assert bool(result) is expected["boolean"]
        return
    columns = expected["columns"]
    actual = [tuple(_value(solution[c]) for c in columns) for solution in result]
    wanted = [tuple(_expand(cell) for cell in row) for row in expected["rows"]]
    if expected.get("ordered", False):
        assert actual == wanted
    else:
        only_expected = Counter(wanted) - Counter(actual)
        only_actual = Counter(actual) - Counter(wanted)
        assert not only_expected and not only_actual, (
            f"only in expected: {sorted(only_expected, key=str)}\nonly in actual: {sorted(only_actual, key=str)}"
        )
