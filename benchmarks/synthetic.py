"""A deterministic synthetic project of the same shape as `data/creative-economy-2017-07/`, at any size.

The article's graph is small, and compile and query cost grow fast with size; this writes a project folder
(ontology, shapes and queries copied from the repository, data generated) that the real `build()` compiles.
Each synthetic source is an "article" with its numbered references, a life-cycle table, a system of roles,
its conclusions and up to forty policy cases; each case has a region (shared with other cases, inside a
country, inside a union), a lead and an involved institution (the latter often shared with other cases of
the region), instruments with outcomes, lessons, a cluster and the Russian passages its facts rest on.
All randomness comes from the seed: the same arguments write the same bytes.

Data files are written one triple per line (N-Triples is Turtle), so that a 10^6-triple project can be
generated without holding it in memory.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from clustergraph.namespaces import BIBO, resource_iri
from clustergraph.vocab import CG_TERMS as CG

REPOSITORY = Path(__file__).resolve().parents[1]
TEMPLATE_FOLDERS = ("ontology", "shapes", "queries")
MANIFEST_FILE = "synthetic.json"
SOURCE_PREFIX = "synthetic"
CASES_PER_SOURCE = 40
CASES_PER_FILE = 10
CASES_PER_REGION = 3
REGIONS_PER_COUNTRY = 8
COUNTRIES_PER_UNION = 6
REFERENCES_PER_SOURCE = 12
TRIPLES_PER_CASE_ESTIMATE = 100  # only sizes the pool of regions before generation starts

Triple = tuple[URIRef, URIRef, Node]

_INSTITUTION_KINDS = (
    CG.Institution,
    CG.PrivateInstitution,
    CG.CompetitivenessCouncil,
    CG.CoordinatingInstitute,
    CG.ClusterSecretariat,
    CG.ClusterNetwork,
    CG.ClusterSupportOrganization,
    CG.OrganizingCommittee,
)
_PARTNER_KINDS = tuple(k for k in _INSTITUTION_KINDS if k != CG.OrganizingCommittee)  # a committee organizes
_INSTRUMENT_KINDS = (
    CG.PolicyInstrument,
    CG.Forum,
    CG.Workshop,
    CG.Interview,
    CG.CEOToCEOInterview,
    CG.FocusGroup,
    CG.Review,
    CG.GrantProgramme,
    CG.TrainingProgramme,
)
_ROLE_SYSTEM = (
    ("1", CG.KnowledgeGeneratorRole),
    ("2", CG.FacilitatorRole),
    ("2.1", CG.GRCoordinatorRole),
    ("3", CG.ClustepreneurRole),
    ("3.1", CG.ProductionEntrepreneurRole),
    ("3.2", CG.ServiceEntrepreneurRole),
    ("3.3", CG.CommercialEntrepreneurRole),
    ("3.4", CG.SocialEntrepreneurRole),
    ("4", CG.MarketerRole),
    ("5", CG.AmbassadorRole),
)
_REFERENCE_KINDS = (BIBO.AcademicArticle, BIBO.Book, BIBO.Report, BIBO.Document)
_EXAMPLES_PER_KIND = 2
_STAGES = ("potential", "growing", "mature")
_FUNCTIONS_PER_STAGE = 5
_COMPETENCES_PER_STAGE = 4
_WORDS = (  # English and Russian side by side, so a sentence reads the same in both
    ("cluster", "кластер"),
    ("policy", "политика"),
    ("region", "регион"),
    ("network", "сеть"),
    ("innovation", "инновации"),
    ("firms", "фирмы"),
    ("university", "университет"),
    ("government", "власть"),
    ("training", "обучение"),
    ("export", "экспорт"),
    ("facilitator", "фасилитатор"),
    ("strategy", "стратегия"),
    ("competitiveness", "конкурентоспособность"),
    ("investment", "инвестиции"),
    ("partnership", "партнерство"),
    ("forum", "форум"),
    ("programme", "программа"),
    ("supply", "поставки"),
    ("chain", "цепочка"),
    ("knowledge", "знания"),
    ("leadership", "лидерство"),
    ("trust", "доверие"),
    ("communication", "коммуникации"),
    ("market", "рынок"),
    ("brand", "бренд"),
    ("stakeholders", "стейкхолдеры"),
    ("cooperation", "кооперация"),
    ("development", "развитие"),
    ("experts", "эксперты"),
    ("practice", "практика"),
)


@dataclass(frozen=True)
class Manifest:
    """What was generated: sizes, and one resource of each kind to bind named-query parameters to."""

    target_triples: int
    seed: int
    triples: int
    sources: int
    cases: int
    examples: dict[str, list[str]] = field(default_factory=dict)

    def write(self, project_dir: Path) -> None:
        (project_dir / MANIFEST_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, project_dir: Path) -> Manifest:
        return cls(**json.loads((project_dir / MANIFEST_FILE).read_text(encoding="utf-8")))


def generate_project(target_triples: int, project_dir: Path, *, seed: int = 0) -> Manifest:
    """Write a project of about `target_triples` asserted data triples (never fewer) into `project_dir`."""
    if project_dir.exists():
        shutil.rmtree(project_dir)
    for folder in TEMPLATE_FOLDERS:
        shutil.copytree(REPOSITORY / folder, project_dir / folder)
    world = _World(random.Random(seed), expected_cases=max(1, target_triples // TRIPLES_PER_CASE_ESTIMATE))
    written = sources = cases = 0
    while written < target_triples:
        source = _SourceWriter(world, sources)
        written += source.write_frame(project_dir / "data")
        while written < target_triples and source.cases < CASES_PER_SOURCE:
            written += source.write_cases(project_dir / "data")
        written += source.write_roles(project_dir / "data")
        sources += 1
        cases += source.cases
    manifest = Manifest(target_triples, seed, written, sources, cases, world.examples)
    manifest.write(project_dir)
    return manifest


def write_triples(path: Path, triples: Iterable[Triple]) -> int:
    """One triple per line; return how many were written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for s, p, o in triples:
            out.write(f"{s.n3()} {p.n3()} {o.n3()} .\n")
            count += 1
    return count


class _Text:
    """Bilingual filler text, reproducible from the world's random generator."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def sentence(self, words: int) -> tuple[Literal, Literal]:
        picks = [_WORDS[self._rng.randrange(len(_WORDS))] for _ in range(words)]
        en = " ".join(e for e, _ in picks).capitalize() + "."
        ru = " ".join(r for _, r in picks).capitalize() + "."
        return Literal(en, lang="en"), Literal(ru, lang="ru")


class _World:
    """What several sources share: the regions (each written once, where first used) and their institutions."""

    def __init__(self, rng: random.Random, expected_cases: int) -> None:
        self.rng = rng
        self.text = _Text(rng)
        self.region_count = max(2, expected_cases // CASES_PER_REGION)
        self.written: set[URIRef] = set()
        self.institutions: dict[URIRef, list[URIRef]] = {}
        self.examples: dict[str, list[str]] = {}

    def example(self, kind: str, iri: URIRef) -> URIRef:
        """Remember the first two resources of each kind (compare-cases takes two cases)."""
        seen = self.examples.setdefault(kind, [])
        if len(seen) < _EXAMPLES_PER_KIND:
            seen.append(str(iri))
        return iri

    def pick_region(self) -> int:
        return self.rng.randrange(self.region_count)

    def region_triples(self, index: int, attested_by: URIRef) -> Iterator[Triple]:
        """The region, its country and union, for whichever of them no earlier file has written."""
        region = _iri("region", f"{SOURCE_PREFIX}-r{index:05d}")
        country_index = index // REGIONS_PER_COUNTRY
        country = _iri("region", f"{SOURCE_PREFIX}-k{country_index:04d}")
        union = _iri("region", f"{SOURCE_PREFIX}-u{country_index // COUNTRIES_PER_UNION:03d}")
        chain = (
            (region, CG.SubnationalRegion, f"region {index}", f"регион {index}", country),
            (country, CG.Country, f"country {country_index}", f"страна {country_index}", union),
            (
                union,
                CG.SupranationalUnion,
                f"union {country_index // COUNTRIES_PER_UNION}",
                f"объединение {country_index // COUNTRIES_PER_UNION}",
                None,
            ),
        )
        for iri, kind, en, ru, part_of in chain:
            if iri in self.written:
                break
            self.written.add(iri)
            self.example("region", iri)
            yield from _individual(iri, kind, f"Synthetic {en}", f"Синтетический {ru}", attested_by)
            if part_of is not None:
                yield iri, CG.partOfRegion, part_of


def _iri(kind: str, slug: str) -> URIRef:
    return URIRef(resource_iri(kind, slug))


def _individual(iri: URIRef, kind: URIRef, en: str, ru: str, attested_by: URIRef | None) -> Iterator[Triple]:
    """Type, labels (made unique by the slug, as the duplicate-label check wants) and the attesting passage."""
    slug = iri.rsplit("/", 1)[1]
    yield iri, RDF.type, kind
    yield iri, RDFS.label, Literal(f"{en} ({slug})", lang="en")
    yield iri, RDFS.label, Literal(f"{ru} ({slug})", lang="ru")
    if attested_by is not None:
        yield iri, CG.attestedBy, attested_by


def _described(iri: URIRef, text: tuple[Literal, Literal]) -> Iterator[Triple]:
    for literal in text:
        yield iri, DCTERMS.description, literal


def _positive(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.positiveInteger)


def _count(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.nonNegativeInteger)


def _year(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.gYear)


class _SourceWriter:
    """One synthetic article: its frame (the article, references, tables, conclusions), then its cases."""

    def __init__(self, world: _World, number: int) -> None:
        self.world = world
        self.rng = world.rng
        self.number = number
        self.slug = f"{SOURCE_PREFIX}-{number:04d}"
        self.folder = self.slug
        self.article = world.example("source", _iri("source", self.slug))
        self.references = [_iri("source", f"{self.slug}-ref-{k:02d}") for k in range(1, REFERENCES_PER_SOURCE + 1)]
        self.clusters: list[URIRef] = []
        self.foci = [_iri("focus", f"{self.slug}-{k}") for k in range(1, 5)]
        self.cases = 0

    def write_frame(self, data_dir: Path) -> int:
        folder = data_dir / self.folder
        return (
            write_triples(folder / "sources.ttl", self._sources())
            + write_triples(folder / "lifecycle.ttl", self._lifecycle())
            + write_triples(folder / "conclusions.ttl", self._conclusions())
            + write_triples(folder / "focus.ttl", self._foci())
        )

    def write_cases(self, data_dir: Path) -> int:
        first = self.cases
        self.cases += CASES_PER_FILE
        return write_triples(
            data_dir / self.folder / f"cases-{first // CASES_PER_FILE:02d}.ttl",
            (t for number in range(first, self.cases) for t in self._case(number)),
        )

    def write_roles(self, data_dir: Path) -> int:
        """Last, because the roles are identified in clusters of the source's cases."""
        return write_triples(data_dir / self.folder / "roles.ttl", self._roles())

    # -- provenance ----------------------------------------------------------------------

    def _passage(self, slug: str, section: str, *, cites: bool) -> tuple[URIRef, list[Triple]]:
        iri = self.world.example("passage", _iri("passage", f"{self.slug}-{slug}"))
        triples = list(_individual(iri, CG.Passage, "Passage", "Фрагмент", None))
        triples += [
            (iri, CG.quote, self.world.text.sentence(self.rng.randint(12, 30))[1]),
            (iri, CG.section, Literal(section, lang="ru")),
            (iri, PROV.wasQuotedFrom, self.article),
        ]
        if cites:
            triples.append((iri, CG.citesSource, self.rng.choice(self.references)))
        return iri, triples

    def _sources(self) -> Iterator[Triple]:
        yield from _individual(
            self.article, CG.Source, f"Synthetic article {self.slug}", f"Синтетическая статья {self.slug}", None
        )
        yield self.article, RDF.type, BIBO.AcademicArticle
        yield self.article, DCTERMS.title, Literal(f"Синтетическая статья {self.slug}", lang="ru")
        yield from _described(self.article, self.world.text.sentence(40))
        yield self.article, CG.venue, Literal("Synthetic Journal of Cluster Policy")
        yield self.article, DCTERMS.issued, _year(2000 + self.rng.randrange(25))
        yield self.article, BIBO.issue, Literal(str(1 + self.rng.randrange(12)))
        yield self.article, DCTERMS.language, Literal("ru", datatype=XSD.language)
        for number, reference in enumerate(self.references, start=1):
            yield self.article, DCTERMS.references, reference
            yield from self._reference(number, reference)

    def _reference(self, number: int, iri: URIRef) -> Iterator[Triple]:
        title = self.world.text.sentence(8)
        yield from _individual(iri, CG.Source, str(title[0]), str(title[1]), None)
        yield iri, RDF.type, self.rng.choice(_REFERENCE_KINDS)
        yield iri, CG.referenceNumber, _positive(number)
        yield iri, CG.authorNames, Literal(f"Автор {self.slug}-{number} и др.")
        yield iri, DCTERMS.title, title[1]
        yield iri, DCTERMS.issued, _year(1990 + self.rng.randrange(30))
        yield iri, CG.venue, Literal("Synthetic Review")
        yield iri, DCTERMS.language, Literal("ru", datatype=XSD.language)

    # -- the life-cycle table, the roles and the conclusions -------------------------------

    def _lifecycle(self) -> Iterator[Triple]:
        """Rows of Table 1. There is one life cycle, written by the first source; later sources add rows to it."""
        stages = [self.world.example("stage", _iri("stage", f"{SOURCE_PREFIX}-{name}")) for name in _STAGES]
        if self.number == 0:
            yield from self._stages(stages)
        for stage in stages:
            yield from self._stage_column(
                stage, "facilitator-function", CG.FacilitatorFunction, CG.functionAtStage, _FUNCTIONS_PER_STAGE
            )
            yield from self._stage_column(
                stage, "competence", CG.Competence, CG.competenceAtStage, _COMPETENCES_PER_STAGE
            )

    def _stages(self, stages: list[URIRef]) -> Iterator[Triple]:
        caption, triples = self._passage("table-1", "Таблица 1", cites=True)
        yield from triples
        scheme = self.world.example("scheme", _iri("scheme", f"{SOURCE_PREFIX}-life-cycle"))
        yield from _individual(
            scheme, SKOS.ConceptScheme, "synthetic life cycle", "синтетический жизненный цикл", caption
        )
        for order, stage in enumerate(stages, start=1):
            yield from _individual(
                stage, CG.LifecycleStage, f"{_STAGES[order - 1]} cluster", f"стадия {order}", caption
            )
            yield stage, SKOS.inScheme, scheme
            yield stage, CG.stageOrder, _positive(order)
            if order < len(stages):
                yield stage, CG.nextStage, stages[order]

    def _stage_column(self, stage: URIRef, kind: str, cls: URIRef, link: URIRef, rows: int) -> Iterator[Triple]:
        stage_name = str(stage).rsplit("-", 1)[1]
        passage, triples = self._passage(f"{stage_name}-{kind}s", "Таблица 1", cites=False)
        yield from triples
        for row in range(1, rows + 1):
            iri = self.world.example(kind, _iri(kind, f"{self.slug}-{stage_name}-{row}"))
            en, ru = self.world.text.sentence(3)
            yield from _individual(iri, cls, str(en), str(ru), passage)
            yield iri, link, stage
            yield iri, CG.listPosition, _positive(self.number * rows + row)

    def _roles(self) -> Iterator[Triple]:
        scheme = _iri("scheme", f"{self.slug}-roles")
        context, triples = self._passage("roles", "Система организационных ролей", cites=True)
        yield from triples
        yield from _individual(scheme, SKOS.ConceptScheme, f"roles of {self.slug}", f"роли {self.slug}", context)
        for number, kind in _ROLE_SYSTEM:
            slug = f"{self.slug}-{number.replace('.', '-')}"
            iri = self.world.example("role", _iri("role", slug))
            passage, triples = self._passage(
                f"role-{number.replace('.', '-')}", "Система организационных ролей", cites=False
            )
            yield from triples
            yield from _individual(iri, kind, f"Role {number} of {self.slug}", f"Роль {number} {self.slug}", passage)
            yield iri, CG.roleNumber, Literal(number)
            yield iri, SKOS.inScheme, scheme
            for cluster in self.clusters[:2]:
                yield iri, CG.identifiedInCluster, cluster

    def _conclusions(self) -> Iterator[Triple]:
        for position in range(1, 4):
            passage, triples = self._passage(f"conclusion-{position}", "Заключение", cites=False)
            yield from triples
            iri = self.world.example("conclusion", _iri("conclusion", f"{self.slug}-{position}"))
            en, ru = self.world.text.sentence(10)
            yield from _individual(iri, CG.Conclusion, str(en), str(ru), passage)
            yield from _described(iri, (en, ru))
            yield iri, CG.listPosition, _positive(position)

    def _foci(self) -> Iterator[Triple]:
        passage, triples = self._passage("policy-focus", "Кластерная политика", cites=True)
        yield from triples
        for iri in self.foci:
            en, ru = self.world.text.sentence(5)
            yield from _individual(self.world.example("focus", iri), CG.PolicyFocus, str(en), str(ru), passage)

    # -- one policy case -----------------------------------------------------------------

    def _case(self, number: int) -> Iterator[Triple]:
        slug = f"{self.slug}-{number:03d}"
        case = self.world.example("case", _iri("case", slug))
        passages: list[URIRef] = []
        for part in ("policy", "institutions", "lessons"):
            passage, triples = self._passage(
                f"{number:03d}-{part}", "Кластерная политика", cites=self.rng.random() < 0.7
            )
            passages.append(passage)
            yield from triples
        region_index = self.world.pick_region()
        region = _iri("region", f"{SOURCE_PREFIX}-r{region_index:05d}")
        yield from self.world.region_triples(region_index, passages[0])
        yield from _individual(case, CG.PolicyCase, f"Synthetic case {slug}", f"Синтетический кейс {slug}", None)
        yield from _described(case, self.world.text.sentence(30))
        yield case, CG.inRegion, region
        if self.rng.random() < 0.3:
            yield case, CG.initialFocus, self.rng.choice(self.foci)
            yield case, CG.laterFocus, self.rng.choice(self.foci)
        for passage in passages:
            yield case, CG.attestedBy, passage
        lead = _iri("institution", slug)
        yield from self._institution(lead, region, passages[1], organizer=True)
        yield case, CG.leadInstitution, lead
        yield from self._involved(case, slug, region, passages[1])
        for index in range(1, 3):
            yield from self._instrument(case, f"{slug}-{index}", lead, passages[1])
            yield from self._lesson(case, f"{slug}-{index}", index, passages[2])
        yield from self._cluster(case, slug, region, passages[0])

    def _institution(self, iri: URIRef, region: URIRef, passage: URIRef, *, organizer: bool) -> Iterator[Triple]:
        """An institution of any kind; only one that organizes something may be an organizing committee."""
        self.world.example("institution", iri)
        kind = self.rng.choice(_INSTITUTION_KINDS if organizer else _PARTNER_KINDS)
        en, ru = self.world.text.sentence(4)
        yield from _individual(iri, kind, f"Institution: {en}", f"Институт: {ru}", passage)
        yield from _described(iri, self.world.text.sentence(25))
        yield iri, CG.locatedIn, region
        if self.rng.random() < 0.5:
            yield iri, CG.establishedIn, _year(1990 + self.rng.randrange(30))
        if kind == CG.ClusterSecretariat:
            yield iri, CG.staffMinimum, _count(2)
            yield iri, CG.staffMaximum, _count(10)
        function = self.world.example("function", _iri("function", str(iri).rsplit("/", 1)[1]))
        en, ru = self.world.text.sentence(4)
        yield from _individual(function, CG.InstitutionalFunction, str(en), str(ru), passage)
        yield iri, CG.performsFunction, function
        self.world.institutions.setdefault(region, []).append(iri)

    def _involved(self, case: URIRef, slug: str, region: URIRef, passage: URIRef) -> Iterator[Triple]:
        """Another institution of the region: often an existing one, as a real institution serves many cases."""
        known = self.world.institutions.get(region, [])
        if known and self.rng.random() < 0.6:
            yield case, CG.involvesInstitution, self.rng.choice(known)
            return
        other = _iri("institution", f"{slug}-partner")
        yield from self._institution(other, region, passage, organizer=False)
        yield case, CG.involvesInstitution, other

    def _instrument(self, case: URIRef, slug: str, organizer: URIRef, passage: URIRef) -> Iterator[Triple]:
        iri = self.world.example("instrument", _iri("instrument", slug))
        en, ru = self.world.text.sentence(4)
        yield from _individual(
            iri, self.rng.choice(_INSTRUMENT_KINDS), f"Instrument: {en}", f"Инструмент: {ru}", passage
        )
        yield from _described(iri, self.world.text.sentence(20))
        yield iri, CG.organizedBy, organizer
        yield case, CG.usesInstrument, iri
        if self.rng.random() < 0.5:
            yield iri, CG.frequency, Literal("annual", lang="en")
            yield iri, CG.frequency, Literal("ежегодно", lang="ru")
        if self.rng.random() < 0.4:
            outcome = self.world.example("outcome", _iri("outcome", slug))
            en, ru = self.world.text.sentence(6)
            yield from _individual(outcome, CG.Outcome, str(en), str(ru), passage)
            yield outcome, CG.listPosition, _positive(1)
            yield iri, CG.achievedOutcome, outcome

    def _lesson(self, case: URIRef, slug: str, position: int, passage: URIRef) -> Iterator[Triple]:
        iri = self.world.example("lesson", _iri("lesson", slug))
        en, ru = self.world.text.sentence(6)
        yield from _individual(iri, CG.Lesson, str(en), str(ru), passage)
        yield from _described(iri, self.world.text.sentence(20))
        yield iri, CG.lessonOf, case
        yield iri, CG.listPosition, _positive(position)
        yield case, CG.teachesLesson, iri

    def _cluster(self, case: URIRef, slug: str, region: URIRef, passage: URIRef) -> Iterator[Triple]:
        iri = self.world.example("cluster", _iri("cluster", slug))
        kind = CG.ThematicCluster if self.rng.random() < 0.2 else CG.Cluster
        yield from _individual(iri, kind, f"Synthetic cluster {slug}", f"Синтетический кластер {slug}", passage)
        yield iri, CG.locatedIn, region
        yield case, CG.concernsCluster, iri
        self.clusters.append(iri)
