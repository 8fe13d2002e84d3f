"""Full-text search over labels, descriptions, definitions and quoted passages, in Russian and English.

Each word a user types is cut to a stem by a light stemmer (Russian and English endings, ё read as е),
so "волонтёры", "волонтеров" and "волонт" find the same text, and "volunteers" finds "volunteer".
The store is asked for the text that contains the longest stem; the other words must appear too.
Hits are ranked: a label before a description before a quote, then the shorter matching text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Literal

from clustergraph.api.linking import Linker
from clustergraph.api.models import SearchHit, SearchResults
from clustergraph.api.reading import Row, labels, select, text
from clustergraph.store.base import GraphStore

# Longest first; an ending is cut only when a stem of at least MIN_STEM letters is left.
_RUSSIAN_ENDINGS = sorted(
    {
        "ыми", "ими", "ого", "его", "ому", "ему", "ая", "яя", "ое", "ее", "ые", "ие", "ый", "ий", "ой", "ей",
        "ую", "юю", "ам", "ям", "ами", "ями", "ах", "ях", "ов", "ев", "ом", "ем", "ью", "ия", "ии", "а", "я",
        "о", "е", "ы", "и", "у", "ю", "ь", "ть", "ться", "ет", "ут", "ют", "ит", "ат", "ят", "ешь", "ишь", "им",
        "ете", "ите", "ал", "ала", "али", "ило", "или", "ение", "ения", "ению", "ением", "ений", "ость", "ости",
        "остью", "ство", "ства", "стве", "ством",
    },
    key=lambda ending: (-len(ending), ending),
)  # fmt: skip
_ENGLISH_ENDINGS = ("ies", "es", "s", "ing", "ed", "ly")
MIN_STEM = 4
_FIELD_RANK = {"label": 0, "definition": 1, "description": 2, "quote": 3}
_WORD = re.compile(r"\w+", re.UNICODE)


def stem(word: str) -> str:
    """The lower-case stem of one word: `кластерного` → `кластерн`, `volunteers` → `volunteer`."""
    word = word.lower().replace("ё", "е")
    endings = _RUSSIAN_ENDINGS if re.search("[а-я]", word) else _ENGLISH_ENDINGS
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


def stems(query: str) -> list[str]:
    """The distinct stems of the words in a query, longest first (the most selective one leads)."""
    return sorted(dict.fromkeys(stem(word) for word in _WORD.findall(query)), key=len, reverse=True)


@dataclass(frozen=True)
class _Match:
    row: Row
    rank: tuple[int, int, str]


def search(store: GraphStore, linker: Linker, q: str, lang: str | None, limit: int, offset: int) -> SearchResults:
    words = stems(q)
    best: dict[str, _Match] = {}
    if words:
        bindings = {"stem": Literal(words[0])} | ({} if lang is None else {"lang": Literal(lang)})
        for row in select(store, "search", bindings):
            found = (text(row, "text") or "").lower().replace("ё", "е")
            if not all(word in found for word in words[1:]):
                continue
            match = _Match(row, (_FIELD_RANK.get(text(row, "field") or "", 9), len(found), found))
            iri = text(row, "resource") or ""
            if iri not in best or match.rank < best[iri].rank:
                best[iri] = match
    ranked = sorted(best.items(), key=lambda item: (item[1].rank, item[0]))
    hits = [_hit(linker, iri, match.row) for iri, match in ranked[offset : offset + limit]]
    return SearchResults(q=q, lang=lang, stems=words, total=len(ranked), limit=limit, offset=offset, results=hits)


def _hit(linker: Linker, iri: str, row: Row) -> SearchHit:
    return SearchHit(
        **linker.ref(iri, labels(row)).model_dump(),
        matched=text(row, "text") or "",
        matched_lang=text(row, "text_lang") or None,
        field=text(row, "field") or "label",
    )
