"""The JSON shapes of the analysts' API: stable, documented in the OpenAPI schema.

Every resource is referred to the same way (`Ref`): its canonical IRI, the URL at which this service
dereferences it, its kind and slug when it is one of ours, and its labels in English and Russian.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Labels(BaseModel):
    en: str | None = None
    ru: str | None = None


class Ref(BaseModel):
    iri: str = Field(description="The canonical IRI, under https://w3id.org/clustergraph/ for our resources.")
    url: str = Field(description="Where this service dereferences the IRI (HTML or RDF by content negotiation).")
    kind: str | None = Field(default=None, description="The IRI's kind, e.g. `case`; `ontology` for a term.")
    slug: str | None = Field(default=None, description="The last part of the IRI, e.g. `oregon`.")
    label: Labels = Field(default_factory=Labels)


class Kind(BaseModel):
    """A most specific class of a resource (an institution may have two)."""

    iri: str
    name: str = Field(description="The class's local name, e.g. `CoordinatingInstitute`.")
    label: Labels = Field(default_factory=Labels)


class Region(Ref):
    wikidata: str | None = Field(default=None, description="The Wikidata item (skos:exactMatch), where verified.")


class Institution(Ref):
    kinds: list[Kind] = Field(default_factory=list)
    lead: bool = Field(default=False, description="Whether the source credits it with the key role in the case.")


class Instrument(Ref):
    kinds: list[Kind] = Field(default_factory=list)


class Positioned(Ref):
    position: int | None = Field(default=None, description="Its place in the source's list or table column, from 1.")


class Source(Ref):
    title: str | None = None
    reference_number: int | None = Field(default=None, description="Its number in the article's reference list.")
    citation: str | None = None


class Passage(Ref):
    quote: str | None = Field(default=None, description="The source's own words, in Russian.")
    section: str | None = None
    quoted_from: list[Source] = Field(default_factory=list)
    cites: list[Source] = Field(default_factory=list)


class CaseSummary(Ref):
    regions: list[Region] = Field(default_factory=list)


class CaseList(BaseModel):
    cases: list[CaseSummary]


class Case(CaseSummary):
    description: Labels = Field(default_factory=Labels)
    institutions: list[Institution] = Field(default_factory=list)
    instruments: list[Instrument] = Field(default_factory=list)
    clusters: list[Ref] = Field(default_factory=list)
    initial_focus: list[Ref] = Field(default_factory=list)
    later_focus: list[Ref] = Field(default_factory=list)
    lessons: list[Positioned] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)


class Shared(BaseModel):
    """What every compared case has in common."""

    institution_kinds: list[Kind] = Field(default_factory=list)
    instrument_kinds: list[Kind] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)


class Comparison(BaseModel):
    cases: list[Case]
    shared: Shared


class TableItem(Positioned):
    table: str | None = Field(default=None, description="The IRI of the table whose entry places the item here.")


class Stage(Ref):
    order: int | None = None
    next: str | None = Field(default=None, description="The IRI of the stage that follows this one.")
    next_label: Labels = Field(default_factory=Labels, description="The labels of the stage that follows.")
    functions: list[TableItem] = Field(default_factory=list)
    competences: list[TableItem] = Field(default_factory=list)


class SourceTable(Ref):
    number: int | None = Field(default=None, description="The number its source gives it (1 for Table 1).")
    title: Labels = Field(default_factory=Labels, description="Its title: the source's words and a translation.")
    source: str | None = Field(default=None, description="The IRI of the source it is printed in.")


class Lifecycle(BaseModel):
    tables: list[SourceTable] = Field(default_factory=list, description="The tables the stages' items come from.")
    stages: list[Stage]


class Role(Ref):
    number: str | None = Field(default=None, description="The number the source gives the role, e.g. `2.1`.")
    kinds: list[Kind] = Field(default_factory=list)
    children: list[Role] = Field(default_factory=list)


class RoleTree(BaseModel):
    roles: list[Role]


class Listed(Ref):
    """An institution or instrument in a list: where it is, which cases it takes part in."""

    kinds: list[Kind] = Field(default_factory=list)
    regions: list[Ref] = Field(default_factory=list)
    cases: list[Ref] = Field(default_factory=list)


class Listing(BaseModel):
    items: list[Listed]


class SearchHit(Ref):
    matched: str = Field(description="The text that contains the words: a label, description, definition or quote.")
    matched_lang: str | None = None
    field: str = Field(description="Where the words were found: `label`, `definition`, `description` or `quote`.")


class SearchResults(BaseModel):
    q: str
    lang: str | None
    stems: list[str] = Field(description="The word stems searched for, after Russian and English endings are cut.")
    total: int = Field(description="How many resources match, over all pages.")
    limit: int
    offset: int
    results: list[SearchHit]


class Provenance(BaseModel):
    resource: Ref
    passages: list[Passage]
    sources: list[Source]


class NamedQueryInfo(BaseModel):
    name: str
    summary: str
    description: str
    tags: list[str]
    url: str
    parameters: list[dict[str, Any]]


class NamedQueryList(BaseModel):
    queries: list[NamedQueryInfo]


class NamedQueryAnswer(BaseModel):
    """One page of a named query's answer; `next`: the exact URL of the next page, or null."""

    query: str
    parameters: dict[str, str]
    columns: list[str]
    rows: list[dict[str, Any]]
    limit: int
    offset: int
    next: str | None
    truncated: bool = Field(description="True when the service's result limit cut the answer short.")
    boolean: bool | None = Field(default=None, description="The answer of an ASK query.")
