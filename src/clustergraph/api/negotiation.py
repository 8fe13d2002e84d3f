"""HTTP content negotiation: pick the representation a client prefers among those we can produce.

Follows RFC 9110 §12.5.1: each offered type takes the q-value of the most specific media range that
matches it (`type/subtype` over `type/*` over `*/*`); q=0 means "not this"; ties go to the server's
order of preference. Media-type parameters other than q (e.g. `charset`) do not block a match.

Each request negotiates once or twice (the answer's format, and whether an error becomes a page), and
clients send the same few Accept headers again and again: the choice for a header of up to
`CACHED_ACCEPT` characters and one list of offers is remembered (a bounded LRU of decisions, not of
answers), which takes 9 µs per negotiation off every request (benchmarks/README.md, "Speed as shipped").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from starlette.types import Scope

from clustergraph.errors import NotAcceptable
from clustergraph.store.formats import (
    GRAPH_FORMATS,
    JSON_LD,
    N_TRIPLES,
    RDF_XML,
    RESULT_FORMATS,
    SPARQL_JSON,
    SPARQL_XML,
    TURTLE,
)

_ECHO = 80  # of a client's Accept header, at most this much is repeated in an error
CACHED_ACCEPT = 512  # longer Accept headers are negotiated afresh each time, never remembered


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return self.type in ("*", kind) and self.subtype in ("*", sub)


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed entries are skipped, not fatal."""
    ranges = []
    for entry in header.split(","):
        media, *params = (part.strip() for part in entry.split(";"))
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        ranges.append(MediaRange(kind, sub, _quality(params)))
    return ranges


def negotiate(accept: str | None, offered: Sequence[str]) -> str:
    """The offered type the client likes best; the first offered when it states no preference."""
    if not offered:
        raise ValueError("nothing offered")
    if accept is None or not accept.strip():
        return offered[0]
    choose = _remembered_choice if len(accept) <= CACHED_ACCEPT else _choice
    best = choose(accept, tuple(offered))
    if best is None:
        raise NotAcceptable(
            f"none of the accepted types ({accept[:_ECHO]!r}) can be produced here; available: {', '.join(offered)}"
        )
    return best


def header_of(scope: Scope, name: bytes) -> str | None:
    """A request header's first value, as Starlette's `Headers.get` gives it, read from the ASGI scope
    without making a `Headers` object: 170 ns against 696 ns for `Headers(scope=scope).get("accept")`
    on a scope of three headers (`python -m timeit`), on every request that asks; `name` in lower case."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _choice(accept: str, offered: tuple[str, ...]) -> str | None:
    """The offered type `accept` ranks highest; None if it accepts none of them."""
    ranges = parse_accept(accept)
    if not ranges:
        return offered[0]
    best, best_q = None, 0.0
    for media_type in offered:
        q = _quality_of(media_type.lower(), ranges)
        if q > best_q:
            best, best_q = media_type, q
    return best


_remembered_choice = lru_cache(maxsize=256)(_choice)


def _quality_of(media_type: str, ranges: Sequence[MediaRange]) -> float:
    matching = [r for r in ranges if r.matches(media_type)]
    if not matching:
        return 0.0
    top = max(r.specificity for r in matching)
    return max(r.q for r in matching if r.specificity == top)


def _quality(params: Sequence[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value.strip()), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


def offers(canonical: Sequence[str], aliases: dict[str, str]) -> dict[str, str]:
    """Media type a client may ask for -> the one the store writes; canonical types come first."""
    return {**{media_type: media_type for media_type in canonical}, **aliases}


# What SELECT/ASK answers and graphs (CONSTRUCT, DESCRIBE, downloads) can be asked for as; the
# aliases are the older or generic names clients still send.
RESULT_OFFERS = offers(
    list(RESULT_FORMATS),
    {"application/json": SPARQL_JSON, "application/xml": SPARQL_XML, "text/xml": SPARQL_XML},
)
GRAPH_OFFERS = offers(
    list(GRAPH_FORMATS),
    {
        "application/x-turtle": TURTLE,
        "application/json": JSON_LD,
        "application/xml": RDF_XML,
        "text/plain": N_TRIPLES,
    },
)
