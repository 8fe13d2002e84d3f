"""Policy cases: the list, one case with its parts, and several cases side by side."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from rdflib import URIRef

from clustergraph.api.linking import Linker, slug_iri
from clustergraph.api.models import (
    Case,
    CaseList,
    CaseSummary,
    Comparison,
    Institution,
    Instrument,
    Kind,
    Labels,
    Positioned,
    Ref,
    Region,
    Shared,
    Source,
)
from clustergraph.api.reading import integer, kind_of, labels, row_ref, select, text
from clustergraph.api.views.lookup import current, is_a, provenance, require
from clustergraph.errors import QueryParameterError, ResourceNotFound
from clustergraph.store.base import GraphStore
from clustergraph.vocab import CG_TERMS as CG

_Item = TypeVar("_Item", Kind, Source)


@dataclass
class _Linked:
    """One resource a case links to, gathered over the rows that repeat it once per kind."""

    ref: Ref
    kinds: list[Kind] = field(default_factory=list)
    position: int | None = None
    match: str | None = None


def list_cases(store: GraphStore, linker: Linker) -> CaseList:
    summaries: dict[str, CaseSummary] = {}
    for row in select(store, "instances", {"class": CG.PolicyCase}):
        iri = text(row, "item") or ""
        summary = summaries.setdefault(iri, CaseSummary(**linker.ref(iri, labels(row)).model_dump()))
        region = row_ref(linker, row, "region")
        if region is not None and all(r.iri != region.iri for r in summary.regions):
            summary.regions.append(Region(**region.model_dump()))
    return CaseList(cases=list(summaries.values()))


def case_detail(store: GraphStore, linker: Linker, slug: str) -> Case:
    """One case: its slug is `{source}/{slug}`; a bare slug cited before cases moved under their source
    (`oregon`) names the case it moved to."""
    iri = current(store, slug_iri("case", slug))
    if not is_a(store, iri, CG.PolicyCase):
        raise ResourceNotFound(f"no case {slug!r}; see /api/cases for the cases there are")
    summary = require(store, iri)
    leads = {item.ref.iri for item in _linked(store, linker, iri, CG.leadInstitution)}
    return Case(
        **linker.ref(str(iri), labels(summary)).model_dump(),
        description=Labels(en=text(summary, "description_en"), ru=text(summary, "description_ru")),
        regions=[Region(**i.ref.model_dump(), wikidata=i.match) for i in _linked(store, linker, iri, CG.inRegion)],
        institutions=[
            Institution(**i.ref.model_dump(), kinds=i.kinds, lead=i.ref.iri in leads)
            for i in _linked(store, linker, iri, CG.involvesInstitution)
        ],
        instruments=[
            Instrument(**i.ref.model_dump(), kinds=i.kinds) for i in _linked(store, linker, iri, CG.usesInstrument)
        ],
        clusters=[i.ref for i in _linked(store, linker, iri, CG.concernsCluster)],
        initial_focus=[i.ref for i in _linked(store, linker, iri, CG.initialFocus)],
        later_focus=[i.ref for i in _linked(store, linker, iri, CG.laterFocus)],
        lessons=[
            Positioned(**i.ref.model_dump(), position=i.position) for i in _linked(store, linker, iri, CG.teachesLesson)
        ],
        sources=provenance(store, linker, iri).sources,
    )


def compare(store: GraphStore, linker: Linker, slugs: Sequence[str]) -> Comparison:
    distinct = list(dict.fromkeys(slugs))
    if len(distinct) < 2:
        raise QueryParameterError("compare needs at least two different cases: ?case=oregon&case=massachusetts")
    cases = [case_detail(store, linker, slug) for slug in distinct]
    return Comparison(
        cases=cases,
        shared=Shared(
            institution_kinds=_common(cases, lambda c: [k for i in c.institutions for k in i.kinds]),
            instrument_kinds=_common(cases, lambda c: [k for i in c.instruments for k in i.kinds]),
            sources=_common(cases, lambda c: c.sources),
        ),
    )


def _common(cases: Sequence[Case], items: Callable[[Case], Iterable[_Item]]) -> list[_Item]:
    """The items that every case has (compared by IRI), in the first case's order."""
    per_case = [{item.iri: item for item in items(case)} for case in cases]
    everywhere = set.intersection(*(set(found) for found in per_case))
    return [item for iri, item in per_case[0].items() if iri in everywhere]


def _linked(store: GraphStore, linker: Linker, subject: URIRef, prop: URIRef) -> list[_Linked]:
    found: dict[str, _Linked] = {}
    for row in select(store, "linked", {"subject": subject, "property": prop}):
        ref = row_ref(linker, row, "item", "")
        if ref is None:
            continue
        item = found.setdefault(ref.iri, _Linked(ref=ref, position=integer(row, "position"), match=text(row, "match")))
        kind = kind_of(row)
        if kind is not None and all(k.iri != kind.iri for k in item.kinds):
            item.kinds.append(kind)
    return list(found.values())
