"""The quick way of writing an answer (`solutions_answer`: the asked format straight from Oxigraph,
when it fits) gives the same bytes as the long way (bounded TSV, rewritten) for every result format,
row limit and byte limit, truncated or not, around the limits where the two ways could part: values
full of escapes, strings holding the JSON row boundary `},{`, rows of mostly unbound variables
(which take more bytes in TSV than in JSON), no rows, and empty rows."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pyoxigraph as ox
import pytest

from clustergraph.store.formats import RESULT_FORMATS, SPARQL_JSON, TSV
from clustergraph.store.results import bounded, solutions_answer, solutions_as

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
VALUES: list[ox.NamedNode | ox.BlankNode | ox.Literal] = [
    ox.Literal('quote " backslash \\ tab \t newline \n return \r control \x01 end'),
    ox.Literal("кластерная политика", language="ru"),
    ox.Literal("42", datatype=ox.NamedNode(f"{XSD}integer")),
    ox.Literal("3.5e0", datatype=ox.NamedNode(f"{XSD}double")),
    ox.Literal("a row boundary },{ inside a string },{"),
    ox.Literal("</result><result> and <uri>", datatype=ox.NamedNode(f"{EX}datatype")),
    ox.Literal("😀 \u2028 \u2029 \ufeff"),
    ox.BlankNode("b1"),
    ox.NamedNode(f"{EX}a?b=c&d=%3C"),
    ox.Literal(""),
]
QUERIES = {
    "values": f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s",
    "mostly unbound": (  # 60 tabs a row in TSV, where JSON writes nothing: TSV is the larger
        f"SELECT ?s {' '.join(f'?u{i}' for i in range(60))} WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s"
    ),
    "no rows": f"SELECT ?s WHERE {{ ?s <{EX}none> ?o }}",
    "empty rows": "SELECT ?x WHERE { VALUES () { () () () } }",
    "one row of one value": f"SELECT ?o WHERE {{ <{EX}s3> <{EX}p> ?o }}",
    "triple terms": f"SELECT ?t WHERE {{ ?s <{EX}p> ?o BIND(<<( ?s <{EX}p> ?o )>> AS ?t) }} ORDER BY ?s",
}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    for index, value in enumerate(VALUES):
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{index}"), ox.NamedNode(f"{EX}p"), value, ox.DefaultGraph()))
    return store


def the_long_way(store: ox.Store, query: str, media_type: str, limit: int | None, max_bytes: int | None) -> bytes:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    tsv, truncated = bounded(
        lambda sink: solutions.serialize(sink, format=ox.QueryResultsFormat.TSV),
        None if limit is None else limit + 1,
        max_bytes,
    )
    return solutions_as(tsv, media_type, truncated, max_bytes).body


def limits(store: ox.Store, query: str, media_type: str) -> Iterator[tuple[int | None, int | None]]:
    """No limit; each row limit from 1 to one past the rows; and byte limits on both sides of the whole
    answer's size in this format and in TSV (where the two ways could disagree), and every 7 bytes below."""
    whole = len(the_long_way(store, query, media_type, None, None))
    tsv = len(the_long_way(store, query, TSV, None, None))
    rows = len(list(store.query(query)))  # type: ignore[arg-type]
    yield None, None
    for limit in range(1, rows + 2):
        yield limit, None
    sizes = {size + step for size in (whole, tsv) for step in range(-12, 13)} | set(range(7, whole + 1, 7))
    for size in sorted(sizes):
        if size > 0:
            yield None, size
            yield max(1, rows - 1), size


@pytest.mark.parametrize("media_type", list(RESULT_FORMATS))
@pytest.mark.parametrize("name", list(QUERIES))
def test_the_quick_way_gives_the_long_ways_bytes(store: ox.Store, name: str, media_type: str) -> None:
    query = QUERIES[name]
    evaluated = 0

    def evaluate() -> ox.QuerySolutions:
        nonlocal evaluated
        evaluated += 1
        solutions = store.query(query)
        assert isinstance(solutions, ox.QuerySolutions)
        return solutions

    for limit, max_bytes in limits(store, query, media_type):
        try:
            expected: bytes | type[Exception] = the_long_way(store, query, media_type, limit, max_bytes)
        except Exception as error:  # an answer that cannot fit at all: both ways must say so alike
            expected = type(error)
        evaluated = 0
        try:
            got: bytes | type[Exception] = solutions_answer(evaluate(), evaluate, media_type, limit, max_bytes).body
        except Exception as error:
            got = type(error)
        assert got == expected, (name, media_type, limit, max_bytes)
        assert evaluated <= 2


def test_rows_are_counted_across_the_writers_chunks() -> None:
    """Oxigraph hands a long answer to the sink in chunks of 8 KiB, and a JSON row boundary (`},{`) can
    straddle two. Rows of one length, and an unbound variable whose name moves every row by one more
    byte from query to query: some of these queries put a boundary across the first chunk's end."""
    store = ox.Store()
    rows = 400
    for index in range(rows):
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{index:05}"), ox.NamedNode(f"{EX}p"), ox.Literal("x"), ox.DefaultGraph()))
    one_row = f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }} LIMIT 1"
    for shift in range(len(the_long_way(store, one_row, SPARQL_JSON, None, None))):  # more than a row's length
        query = f"SELECT ?s ?o ?unbound{'_' * shift} WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s"
        assert len(the_long_way(store, query, SPARQL_JSON, None, None)) > 8192
        for limit in (rows - 1, rows):
            again = partial(store.query, query)
            answer = solutions_answer(store.query(query), again, SPARQL_JSON, limit, None)  # type: ignore[arg-type]
            assert answer.body == the_long_way(store, query, SPARQL_JSON, limit, None), (shift, limit)
            assert answer.truncated == (limit < rows)


@pytest.mark.parametrize("media_type", [SPARQL_JSON, TSV])
def test_an_answer_that_fits_is_evaluated_once(store: ox.Store, media_type: str) -> None:
    query = QUERIES["values"]
    again: list[int] = []

    def evaluate_again() -> ox.QuerySolutions:
        again.append(1)
        raise AssertionError("evaluated twice")

    answer = solutions_answer(store.query(query), evaluate_again, media_type, 10_000, 2**20)  # type: ignore[arg-type]
    assert (answer.truncated, again) == (False, [])
    assert answer.body == the_long_way(store, query, media_type, None, None)
