"""The guard against the engine it protects: token soups built to hide a `SERVICE` from a lexer
(`<` that may be less-than, comments, quotes, keywords glued to numbers, booleans and prefixed
names, brackets) are run through the guard, and what it lets pass is evaluated by Oxigraph over a
small store whose every `SERVICE` target is a canary on 127.0.0.1. The canary must see no request.

The same soups evaluated without the guard must reach the canary often, or the soups prove nothing.
"""

from __future__ import annotations

import http.server
import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
import pytest

from clustergraph.errors import QueryRefused, QuerySyntaxError
from clustergraph.store.guard import Limits, inspect_query

SOUPS = 3000
SEED = 20261203
LIMITS = Limits(max_bytes=4000, max_depth=16)
EMPTY_RESULTS = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass
class Canary:
    url: str
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    seen: list[str] = []

    class Answer(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def _answer(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(EMPTY_RESULTS)))
            self.end_headers()
            self.wfile.write(EMPTY_RESULTS)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Canary(f"http://127.0.0.1:{server.server_address[1]}/", seen)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def engine() -> ox.Store:
    """Every kind of object a soup may glue a keyword to, so that its triple pattern has a match."""
    store = ox.Store()
    subject, predicate = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p")
    for value in (
        ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
        ox.Literal("1.5e3", datatype=ox.NamedNode(XSD + "double")),
        ox.Literal("1", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("x", language="en"),
        ox.NamedNode("http://e/"),
        ox.NamedNode("http://e/o"),
    ):
        store.add(ox.Quad(subject, predicate, value))
    return store


# Group-pattern pieces that Oxigraph accepts right before a SERVICE, glued to it or not; the ones
# that end in a token a lexer may misread are the point.
STATEMENTS = (
    "FILTER(1<2)",
    "FILTER(?o<3)",
    "FILTER(true<?o)",
    "FILTER(?o<?o||?o>?o)",
    "FILTER(1<2)#>\n",
    "FILTER(1<2)#",
    "?s ?p 1.5e3",
    "?s ?p 1e3",
    "?s ?p 1",
    "?s ?p true",
    "?s ?p false",
    "?s ?p ex:",
    "?s ?p ex:.",
    "?s ?p ?o .",
    "?s ?p 'x'@en",
    "?s a ?o",
    "?s ?p [ ?q ?r ]",
    "?s ?p (1 2)",
    "{}",
    "OPTIONAL{}",
    "MINUS{}",
    "VALUES ?v {1}",
    "BIND(1 AS ?z)",
    "# a comment\n",
)
# What a soup may slip in anywhere, to make a lexer lose its place.
HIDERS = ("<", ">", "#", "'", '"', "(", ")", "[", "]", "\\", "%20", ":", ".", "_:b", "e3")
KEYWORDS = ("SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "service silent")
GAPS = ("", "", " ", "\n")


def soup(rng: random.Random, canary: str) -> str:
    """`?s ?p ?o .`, group-pattern pieces, a SERVICE to the canary, more pieces; glued or spaced at
    random, sometimes with a stray character slipped in."""
    pieces = [rng.choice(STATEMENTS) + rng.choice(GAPS) for _ in range(rng.randint(1, 3))]
    pieces += [rng.choice(KEYWORDS), rng.choice(GAPS), rng.choice((f"<{canary}x>", ":x", "?o"))]
    pieces += [rng.choice(GAPS), "{", rng.choice(("", " ?a ?b ?c ")), "}"]
    pieces += [rng.choice(GAPS) + rng.choice(STATEMENTS) for _ in range(rng.randint(0, 2))]
    for _ in range(rng.choice((0, 0, 1, 2))):
        pieces.insert(rng.randrange(len(pieces) + 1), rng.choice(HIDERS))
    body = "".join(pieces)
    return f"PREFIX : <{canary}> PREFIX ex: <http://e/>\nSELECT * WHERE {{ ?s ?p ?o . {body} }}"


def fetches(engine: ox.Store, canary: Canary, text: str) -> bool:
    """Whether Oxigraph, evaluating `text`, asked the canary for anything."""
    before = len(canary.requests)
    try:
        result = engine.query(text)
        if isinstance(result, ox.QuerySolutions):
            for _ in result:
                pass
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass
    return len(canary.requests) > before


def test_no_soup_the_guard_passes_reaches_the_network(engine: ox.Store, canary: Canary) -> None:
    rng = random.Random(SEED)
    soups = [soup(rng, canary.url) for _ in range(SOUPS)]
    passed, leaked, reached_unguarded = [], [], 0
    for text in soups:
        reached_unguarded += fetches(engine, canary, text)
        try:
            inspect_query(text, LIMITS)
        except (QueryRefused, QuerySyntaxError):
            continue
        passed.append(text)
        if fetches(engine, canary, text):
            leaked.append(text)
    assert not leaked, f"{len(leaked)} queries passed the guard and reached the canary, e.g.:\n" + "\n---\n".join(
        leaked[:5]
    )
    assert reached_unguarded >= SOUPS // 10, "the soups hardly ever reach the canary: they test nothing"
    assert passed, "the guard refused every soup: it would refuse legitimate queries too"
