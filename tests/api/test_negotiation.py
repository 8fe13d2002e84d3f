"""Content negotiation gives the same choice whether a header's decision is remembered or not."""

from __future__ import annotations

import pytest

from clustergraph.api.negotiation import CACHED_ACCEPT, RESULT_OFFERS, negotiate
from clustergraph.errors import NotAcceptable
from clustergraph.store.formats import SPARQL_JSON, SPARQL_XML

OFFERED = list(RESULT_OFFERS)
PADDING = ", ".join(f"application/x-unused-{n}" for n in range(CACHED_ACCEPT // 20))  # longer than CACHED_ACCEPT


@pytest.mark.parametrize("padding", ["", PADDING], ids=["remembered", "too-long-to-remember"])
def test_the_choice_is_the_same_every_time(padding: str) -> None:
    accept = ", ".join(part for part in (padding, "application/sparql-results+xml;q=0.9, */*;q=0.1") if part)
    assert (len(accept) > CACHED_ACCEPT) == bool(padding)
    assert [negotiate(accept, OFFERED) for _ in range(3)] == [SPARQL_XML] * 3


@pytest.mark.parametrize("padding", ["", PADDING], ids=["remembered", "too-long-to-remember"])
def test_nothing_acceptable_is_refused_every_time(padding: str) -> None:
    accept = ", ".join(part for part in (padding, "image/png") if part)
    for _ in range(3):
        with pytest.raises(NotAcceptable, match="image/png" if not padding else "none of the accepted types"):
            negotiate(accept, OFFERED)


def test_a_remembered_header_is_decided_again_for_other_offers() -> None:
    accept = "application/sparql-results+json, application/sparql-results+xml;q=0.5"
    assert negotiate(accept, OFFERED) == SPARQL_JSON
    assert negotiate(accept, [SPARQL_XML]) == SPARQL_XML
    with pytest.raises(NotAcceptable):
        negotiate(accept, ["text/csv"])
