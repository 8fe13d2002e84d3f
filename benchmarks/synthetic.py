"""A deterministic synthetic project of the same shape as `data/creative-economy-2017-07/`, at any size.

The article's graph is small, and compile and query cost grow fast with size; this writes a project folder
(ontology, shapes and queries copied from the repository, data generated) that the real `build()` compiles.
Each synthetic source is an "article" with its manifest, its numbered references, Table 1 (a source table
whose entries place facilitator functions and competences at the stages of its life cycle), a system of roles,
its policy foci, its conclusions and up to forty policy cases; each case has a region (shared with other
cases, inside a country, inside a union), a lead and an involved institution (the latter often shared with
other cases of the region), instruments with outcomes, lessons, a cluster and the Russian passages its facts
rest on. Optional parts (policy foci in three cases of ten; a brand name, member groups, conditions of
support, programme features, an attributed lesson, a stagnation cause each in one of ten) are all in each
source's first case, with a secretariat, a national support organization and a study, and the manifest lists
its resources first as examples, so that every named query answers on them. It follows the model the article's
data follows (docs/MODELLING.md): what a source says in its own terms (passages, cases, lessons, outcomes,
conclusions, typologies, schemes, the table and its entries) lives under the source,
`…/id/source/{source}/{kind}/{slug}`; its typologies are SKOS schemes; years are xsd:integer; each file is a
module of the source's manifest. All randomness comes from the seed: the same arguments write the same bytes.

Data files are written one triple per line (N-Triples is Turtle), so that a 10^6-triple project can be
generated without holding it in memory.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import chain
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from clustergraph.compile.load import MANIFEST_FILE as SOURCE_MANIFEST_FILE
from clustergraph.compile.modules import file_module_iri
from clustergraph.namespaces import BIBO, ONTOLOGY_IRI, kind_and_slug, resource_iri, scoped_iri, source_graph
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
GROUPS_PER_SOURCE = 4
OPTIONAL_PART_SHARE = 0.1  # of the cases (after each source's first, which has them all) with each rarer part
TRIPLES_PER_CASE_ESTIMATE = 130  # with its share of its source's frame; only sizes the pool of regions

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
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
_ROLE_SYSTEM = (  # number (a nested role's broader role is the number before the dot), class, en, ru
    ("1", CG.KnowledgeGeneratorRole, "knowledge generators", "генераторы знаний"),
    ("2", CG.FacilitatorRole, "facilitators", "фасилитаторы"),
    ("2.1", CG.GRCoordinatorRole, "GR coordinators", "GR-координаторы"),
    ("3", CG.ClustepreneurRole, "clustepreneurs", "кластепренеры"),
    ("3.1", CG.ProductionEntrepreneurRole, "production entrepreneurs", "производственные предприниматели"),
    ("3.2", CG.ServiceEntrepreneurRole, "service entrepreneurs", "сервисные предприниматели"),
    ("3.3", CG.CommercialEntrepreneurRole, "commercial entrepreneurs", "коммерческие предприниматели"),
    ("3.4", CG.SocialEntrepreneurRole, "social entrepreneurs", "социальные предприниматели"),
    ("4", CG.MarketerRole, "marketers and sales agents", "маркетологи и агенты по продажам"),
    ("5", CG.AmbassadorRole, "ambassadors", "амбассадоры"),
)
_CONCLUSION_SUBJECTS = ("organizational-roles", "cluster-life-cycle", "policy-foci")
_AUTHORS = (  # Cyrillic as the reference list prints them, and the Latin transliteration of its English list
    ("Фролов", "Frolov"),
    ("Иванова", "Ivanova"),
    ("Смирнов", "Smirnov"),
    ("Кузнецова", "Kuznetsova"),
    ("Попов", "Popov"),
    ("Соколова", "Sokolova"),
)
_REFERENCE_KINDS = (BIBO.AcademicArticle, BIBO.Book, BIBO.Report, BIBO.Document)
_EXAMPLES_PER_KIND = 2
_STAGES = ("potential", "growing", "mature")
_STAGE_RU = {"potential": "потенциальный кластер", "growing": "растущий кластер", "mature": "зрелый кластер"}
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
class _Column:
    """One kind of row of Table 1: facilitator functions or competences, listed for every stage."""

    name: str  # as in the entries' slugs: table-1-{stage}-{name}-{n}
    kind: str  # the concepts' kind (namespaces.SCOPED_KINDS)
    cls: URIRef
    entry: URIRef  # the entry's link to its concept
    scheme: str
    en: str
    ru: str
    rows: int


_COLUMNS = (
    _Column(
        "functions",
        "facilitator-function",
        CG.FacilitatorFunction,
        CG.entryFunction,
        "facilitator-functions",
        "functions of cluster facilitators",
        "функции фасилитаторов",
        _FUNCTIONS_PER_STAGE,
    ),
    _Column(
        "competences",
        "competence",
        CG.Competence,
        CG.entryCompetence,
        "facilitator-competences",
        "competences of cluster facilitators",
        "компетенции фасилитаторов",
        _COMPETENCES_PER_STAGE,
    ),
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
        source = _SourceWriter(world, sources, project_dir / "data")
        written += source.write_frame()
        while written < target_triples and source.cases < CASES_PER_SOURCE:
            written += source.write_cases()
        written += source.write_roles()
        written += source.write_manifest()
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

    @staticmethod
    def country_of(index: int) -> URIRef:
        return _iri("region", f"{SOURCE_PREFIX}-k{index // REGIONS_PER_COUNTRY:04d}")

    def region_triples(self, index: int, attested_by: URIRef) -> Iterator[Triple]:
        """The region, its country and union, for whichever of them no earlier file has written."""
        region = _iri("region", f"{SOURCE_PREFIX}-r{index:05d}")
        country_index = index // REGIONS_PER_COUNTRY
        country = self.country_of(index)
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
            if kind != CG.SubnationalRegion:  # a region with parts, for the queries that take a region
                self.example("region", iri)
            yield from _individual(iri, kind, f"Synthetic {en}", f"Синтетический {ru}", attested_by)
            if part_of is not None:
                yield iri, CG.partOfRegion, part_of


def _iri(kind: str, slug: str) -> URIRef:
    return URIRef(resource_iri(kind, slug))


def _individual(iri: URIRef, kind: URIRef, en: str, ru: str, attested_by: URIRef | None) -> Iterator[Triple]:
    """Type, labels (made unique by the slug, `{source}/{slug}` for a source's own resource, as the
    duplicate-label check wants across sources) and the attesting passage."""
    named = kind_and_slug(str(iri))
    slug = named[1] if named else iri.rsplit("/", 1)[1]
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
    return Literal(str(value), datatype=XSD.integer)


class _SourceWriter:
    """One synthetic article: its frame (the article, references, Table 1, foci, conclusions), its cases, its
    roles, then its manifest, which imports every file written before it as a module."""

    def __init__(self, world: _World, number: int, data_dir: Path) -> None:
        self.world = world
        self.rng = world.rng
        self.number = number
        self.slug = f"{SOURCE_PREFIX}-{number:04d}"
        self.folder = data_dir / self.slug
        self.modules: list[URIRef] = []
        self.article = world.example("source", _iri("source", self.slug))
        self.references = [_iri("source", f"{self.slug}-ref-{k:02d}") for k in range(1, REFERENCES_PER_SOURCE + 1)]
        self.clusters: list[URIRef] = []
        self.foci = [self._own("focus", str(k)) for k in range(1, 5)]
        self.groups = [self._own("group", str(k)) for k in range(1, GROUPS_PER_SOURCE + 1)]
        self.cases = 0

    def write_frame(self) -> int:
        return (
            self._write("sources.ttl", self._sources())
            + self._write("lifecycle.ttl", self._lifecycle())
            + self._write("table-1.ttl", self._table())
            + self._write("conclusions.ttl", self._conclusions())
            + self._write("focus.ttl", self._foci())
            + self._write("member-groups.ttl", self._groups())
        )

    def write_cases(self) -> int:
        first = self.cases
        self.cases += CASES_PER_FILE
        return self._write(
            f"cases-{first // CASES_PER_FILE:02d}.ttl",
            (t for number in range(first, self.cases) for t in self._case(number)),
        )

    def write_roles(self) -> int:
        """After the cases, because the roles are identified in clusters of the source's cases."""
        return self._write("roles.ttl", self._roles())

    def write_manifest(self) -> int:
        """The source graph's own record, as `clustergraph new-source` writes it: label, licence, primary
        source, and the import of the ontology and of each file's module (what Protégé opens)."""
        header = URIRef(source_graph(self.slug))
        triples: list[Triple] = [
            (header, RDF.type, OWL.Ontology),
            (header, RDFS.label, Literal(f"What the synthetic article {self.slug} says", lang="en")),
            (header, RDFS.label, Literal(f"Что говорит синтетическая статья {self.slug}", lang="ru")),
            (header, DCTERMS.license, LICENCE),
            (header, PROV.hadPrimarySource, self.article),
            (header, OWL.imports, URIRef(ONTOLOGY_IRI)),
        ]
        triples += [(header, OWL.imports, module) for module in self.modules]
        return write_triples(self.folder / SOURCE_MANIFEST_FILE, triples)

    def _write(self, name: str, triples: Iterable[Triple]) -> int:
        """One data file, headed as the module of the source it is (`clustergraph modules` writes the same)."""
        module = file_module_iri(self.slug, Path(name))
        self.modules.append(module)
        header = ((module, RDF.type, OWL.Ontology), (module, OWL.imports, URIRef(ONTOLOGY_IRI)))
        return write_triples(self.folder / name, chain(header, triples))

    def _own(self, kind: str, slug: str) -> URIRef:
        """A resource of this source's own (namespaces.SCOPED_KINDS), remembered as an example of its kind."""
        return self.world.example(kind, URIRef(scoped_iri(self.slug, kind, slug)))

    # -- provenance ----------------------------------------------------------------------

    def _passage(self, slug: str, section: str, *, cites: bool) -> tuple[URIRef, list[Triple]]:
        iri = self._own("passage", slug)
        triples = list(_individual(iri, CG.Passage, "Passage", "Фрагмент", None))
        triples += [
            (iri, CG.quote, self.world.text.sentence(self.rng.randint(12, 30))[1]),
            (iri, CG.section, Literal(section, lang="ru")),
            (iri, PROV.wasQuotedFrom, self.article),
        ]
        if cites:
            triples.append((iri, CG.citesSource, self.rng.choice(self.references)))
        return iri, triples

    def _scheme(self, slug: str, en: str, ru: str, attested_by: URIRef) -> tuple[URIRef, list[Triple]]:
        iri = self._own("scheme", slug)
        return iri, list(_individual(iri, SKOS.ConceptScheme, f"{en} of {self.slug}", f"{ru} {self.slug}", attested_by))

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
        cyrillic, latin = self.rng.choice(_AUTHORS)
        yield from _individual(iri, CG.Source, str(title[0]), str(title[1]), None)
        yield iri, RDF.type, self.rng.choice(_REFERENCE_KINDS)
        yield iri, CG.referenceNumber, _positive(number)
        yield iri, CG.authorNames, Literal(f"{cyrillic} А.Б. и др.")
        yield iri, CG.authorNamesLatin, Literal(f"{latin} A.B. et al.")
        yield iri, DCTERMS.title, title[1]
        yield iri, DCTERMS.issued, _year(1990 + self.rng.randrange(30))
        yield iri, CG.venue, Literal("Synthetic Review")
        yield iri, DCTERMS.language, Literal("ru", datatype=XSD.language)

    # -- the life cycle, Table 1, the roles, the foci and the conclusions -------------------

    def _lifecycle(self) -> Iterator[Triple]:
        """The source's life cycle (a scheme of stages in order) and the schemes of the functions and
        competences its Table 1 lists; which stage each stands at is the table's entries' to say."""
        caption, triples = self._passage("table-1-caption", "Таблица 1", cites=True)
        yield from triples
        source_note, triples = self._passage("table-1-source", "Таблица 1", cites=True)
        yield from triples
        heads, triples = self._passage("table-1-stages", "Таблица 1", cites=False)
        yield from triples
        scheme, triples = self._scheme("cluster-life-cycle", "life cycle", "жизненный цикл", caption)
        yield from triples
        yield scheme, CG.attestedBy, source_note
        stages = [self._own("stage", name) for name in _STAGES]
        for order, stage in enumerate(stages, start=1):
            name = _STAGES[order - 1]
            yield from _individual(stage, CG.LifecycleStage, f"{name} cluster", _STAGE_RU[name], heads)
            yield from _top_concept(stage, scheme)
            yield stage, CG.stageOrder, _positive(order)
            if order < len(stages):
                yield stage, CG.nextStage, stages[order]
        for column in _COLUMNS:
            scheme, triples = self._scheme(column.scheme, column.en, column.ru, caption)
            yield from triples
            for name in _STAGES:
                passage = self._own("passage", f"table-1-{name}-{column.name}")
                for row in range(1, column.rows + 1):
                    iri = self._own(column.kind, f"{name}-{row}")
                    en, ru = self.world.text.sentence(3)
                    yield from _individual(iri, column.cls, str(en), str(ru), passage)
                    yield from _top_concept(iri, scheme)

    def _table(self) -> Iterator[Triple]:
        """Table 1 and its entries: each places one function or competence at a stage and a position."""
        table = self._own("table", "1")
        yield from _individual(table, CG.SourceTable, "Table 1", "Таблица 1", self._own("passage", "table-1-caption"))
        yield table, CG.attestedBy, self._own("passage", "table-1-stages")
        yield table, CG.sourceNote, self._own("passage", "table-1-source")
        yield table, DCTERMS.isPartOf, self.article
        yield table, CG.tableNumber, _positive(1)
        yield table, DCTERMS.title, Literal(f"Facilitators over the life cycle, {self.slug}", lang="en")
        yield table, DCTERMS.title, Literal(f"Фасилитаторы в жизненном цикле, {self.slug}", lang="ru")
        for column in _COLUMNS:
            for stage in _STAGES:
                passage, triples = self._passage(f"table-1-{stage}-{column.name}", "Таблица 1", cites=True)
                yield from triples
                for row in range(1, column.rows + 1):
                    entry = self._own("entry", f"table-1-{stage}-{column.name}-{row}")
                    en, ru = (
                        f"Table 1, {stage} cluster, {column.name} {row}",
                        f"Таблица 1, {_STAGE_RU[stage]}, {column.ru} {row}",
                    )
                    yield from _individual(entry, CG.TableEntry, en, ru, passage)
                    yield entry, CG.inTable, table
                    yield entry, CG.entryStage, self._own("stage", stage)
                    yield entry, column.entry, self._own(column.kind, f"{stage}-{row}")
                    yield entry, CG.listPosition, _positive(row)

    def _roles(self) -> Iterator[Triple]:
        context, triples = self._passage("roles", "Система организационных ролей", cites=True)
        yield from triples
        scheme, triples = self._scheme("organizational-roles", "organizational roles", "организационные роли", context)
        yield from triples
        for number, kind, en, ru in _ROLE_SYSTEM:
            iri = self._own("role", number.replace(".", "-"))
            passage, triples = self._passage(
                f"roles-{number.replace('.', '-')}", "Система организационных ролей", cites=False
            )
            yield from triples
            yield from _individual(iri, kind, f"Role {number}: {en}", f"Роль {number}: {ru}", passage)
            yield iri, CG.roleNumber, Literal(number)
            broader, nested, _ = number.partition(".")
            if nested:
                yield iri, SKOS.inScheme, scheme
                yield iri, SKOS.broader, self._own("role", broader)
            else:
                yield from _top_concept(iri, scheme)
            for cluster in self.clusters[:2]:
                yield iri, CG.identifiedInCluster, cluster

    def _conclusions(self) -> Iterator[Triple]:
        for position in range(1, 4):
            passage, triples = self._passage(f"conclusion-{position}", "Заключение", cites=False)
            yield from triples
            iri = self._own("conclusion", str(position))
            en, ru = self.world.text.sentence(10)
            yield from _individual(iri, CG.Conclusion, str(en), str(ru), passage)
            yield from _described(iri, (en, ru))
            yield iri, CG.listPosition, _positive(position)
            yield iri, CG.concerns, self._own("scheme", _CONCLUSION_SUBJECTS[position % len(_CONCLUSION_SUBJECTS)])

    def _groups(self) -> Iterator[Triple]:
        """The groups of actors whose representatives the source's councils and networks unite."""
        passage, triples = self._passage("member-groups", "Кластерная политика", cites=False)
        yield from triples
        for iri in self.groups:
            en, ru = self.world.text.sentence(2)
            yield from _individual(iri, CG.ActorGroup, str(en), str(ru), passage)

    def _foci(self) -> Iterator[Triple]:
        passage, triples = self._passage("policy-focus", "Кластерная политика", cites=True)
        yield from triples
        scheme, triples = self._scheme("policy-foci", "policy foci", "фокусы политики", passage)
        yield from triples
        for iri in self.foci:
            en, ru = self.world.text.sentence(5)
            yield from _individual(iri, CG.PolicyFocus, str(en), str(ru), passage)
            yield from _top_concept(iri, scheme)

    # -- one policy case -----------------------------------------------------------------

    def _has(self, share: float, showcase: bool) -> bool:
        """Whether a case has an optional part: the source's first case has every one, others `share` of them."""
        return self.rng.random() < share or showcase

    def _case(self, number: int) -> Iterator[Triple]:
        """One case. The source's first shows every part of the model a case may have, so each named query
        has something to answer about the resources the manifest lists as examples (the first of each kind)."""
        local = f"{number:03d}"
        slug = f"{self.slug}-{local}"  # what the case's shared resources (institutions, cluster) are named after
        showcase = number == 0
        case = self._own("case", local)
        passages: list[URIRef] = []
        for part in ("policy", "institutions", "lessons"):
            passage, triples = self._passage(f"{local}-{part}", "Кластерная политика", cites=self.rng.random() < 0.7)
            passages.append(passage)
            yield from triples
        region_index = self.world.pick_region()
        region = _iri("region", f"{SOURCE_PREFIX}-r{region_index:05d}")
        yield from self.world.region_triples(region_index, passages[0])
        yield from _individual(case, CG.PolicyCase, f"Synthetic case {slug}", f"Синтетический кейс {slug}", None)
        yield from _described(case, self.world.text.sentence(30))
        yield case, CG.inRegion, region
        if self._has(0.3, showcase):
            yield case, CG.initialFocus, self.rng.choice(self.foci)
            yield case, CG.laterFocus, self.rng.choice(self.foci)
        for passage in passages:
            yield case, CG.attestedBy, passage
        lead = _iri("institution", slug)
        kind = CG.ClusterSecretariat if showcase else self.rng.choice(_INSTITUTION_KINDS)
        yield from self._institution(lead, kind, region, passages[1])
        yield from self._lead(lead, passages[1], showcase)
        yield case, CG.leadInstitution, lead
        if showcase:  # a national support organization, as the article's Serbian one
            partner = _iri("institution", f"{slug}-partner")
            country = self.world.country_of(region_index)
            yield from self._institution(partner, CG.ClusterSupportOrganization, country, passages[1])
            yield case, CG.involvesInstitution, partner
        else:
            yield from self._involved(case, slug, region, passages[1])
        for index in range(1, 3):
            yield from self._instrument(case, f"{local}-{index}", lead, passages[1], showcase and index == 1)
            yield from self._lesson(case, f"{local}-{index}", index, passages[2], showcase and index == 1)
        yield from self._cluster(case, slug, local, region, passages[0], showcase)
        if showcase:
            yield from self._study(region_index, passages[0])

    def _institution(self, iri: URIRef, kind: URIRef, region: URIRef, passage: URIRef) -> Iterator[Triple]:
        self.world.example("institution", iri)
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

    def _lead(self, lead: URIRef, passage: URIRef, showcase: bool) -> Iterator[Triple]:
        """What some leading institutions have: a brand name, and the groups whose representatives they unite."""
        if self._has(OPTIONAL_PART_SHARE, showcase):
            name = self.rng.choice(_WORDS)
            yield lead, CG.brandName, Literal(f"New {name[0]} {self.slug}", lang="en")
            yield lead, CG.brandName, Literal(f"Новый {name[1]} {self.slug}", lang="ru")
        if self._has(OPTIONAL_PART_SHARE, showcase):
            for group in self.rng.sample(self.groups, 2):
                yield lead, CG.memberGroup, group
            yield lead, CG.attestedBy, self._own("passage", "member-groups")

    def _involved(self, case: URIRef, slug: str, region: URIRef, passage: URIRef) -> Iterator[Triple]:
        """Another institution of the region: often an existing one, as a real institution serves many cases."""
        known = self.world.institutions.get(region, [])
        if known and self.rng.random() < 0.6:
            yield case, CG.involvesInstitution, self.rng.choice(known)
            return
        other = _iri("institution", f"{slug}-partner")
        yield from self._institution(other, self.rng.choice(_PARTNER_KINDS), region, passage)
        yield case, CG.involvesInstitution, other

    def _instrument(
        self, case: URIRef, slug: str, organizer: URIRef, passage: URIRef, showcase: bool
    ) -> Iterator[Triple]:
        """An instrument (shared: its slug starts with the source's) and now and then the outcome it achieved,
        the conditions of its support and the features it is based on (the source's own)."""
        iri = self.world.example("instrument", _iri("instrument", f"{self.slug}-{slug}"))
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
        if self._has(0.4, showcase):
            outcome = self._own("outcome", slug)
            en, ru = self.world.text.sentence(6)
            yield from _individual(outcome, CG.Outcome, str(en), str(ru), passage)
            yield outcome, CG.listPosition, _positive(1)
            yield iri, CG.achievedOutcome, outcome
        if self._has(OPTIONAL_PART_SHARE, showcase):
            for k in range(1, 3):
                condition = self._own("condition", f"{slug}-{k}")
                en, ru = self.world.text.sentence(6)
                yield from _individual(condition, CG.SupportCondition, str(en), str(ru), passage)
                yield iri, CG.mandatoryCondition, condition
        if self._has(OPTIONAL_PART_SHARE, showcase):
            for k in range(1, 3):
                feature = self._own("feature", f"{slug}-{k}")
                en, ru = self.world.text.sentence(3)
                yield from _individual(feature, CG.ProgrammeFeature, str(en), str(ru), passage)
                yield iri, CG.basedOn, feature

    def _lesson(self, case: URIRef, slug: str, position: int, passage: URIRef, showcase: bool) -> Iterator[Triple]:
        """A lesson of the case; now and then the source attributes it to someone (cg:attribution)."""
        iri = self._own("lesson", slug)
        en, ru = self.world.text.sentence(6)
        yield from _individual(iri, CG.Lesson, str(en), str(ru), passage)
        if self._has(OPTIONAL_PART_SHARE, showcase):
            yield iri, CG.attribution, Literal("in the experts' view", lang="en")
            yield iri, CG.attribution, Literal("по мнению экспертов", lang="ru")
        yield from _described(iri, self.world.text.sentence(20))
        yield iri, CG.lessonOf, case
        yield iri, CG.listPosition, _positive(position)
        yield case, CG.teachesLesson, iri

    def _cluster(
        self, case: URIRef, slug: str, local: str, region: URIRef, passage: URIRef, showcase: bool
    ) -> Iterator[Triple]:
        """The case's cluster (shared) and now and then a cause of its stagnation (the source's own)."""
        iri = self.world.example("cluster", _iri("cluster", slug))
        kind = CG.ThematicCluster if self.rng.random() < 0.2 else CG.Cluster
        yield from _individual(iri, kind, f"Synthetic cluster {slug}", f"Синтетический кластер {slug}", passage)
        yield iri, CG.locatedIn, region
        yield case, CG.concernsCluster, iri
        self.clusters.append(iri)
        if self._has(OPTIONAL_PART_SHARE, showcase):
            cause = self._own("cause", local)
            en, ru = self.world.text.sentence(5)
            yield from _individual(cause, CG.Cause, str(en), str(ru), passage)
            yield iri, CG.stagnationCause, cause

    def _study(self, region_index: int, passage: URIRef) -> Iterator[Triple]:
        """A study the source reports on, of the country of its first case, with its counts and findings."""
        iri = self.world.example("study", _iri("study", self.slug))
        yield from _individual(iri, CG.Study, f"Study in {self.slug}", f"Исследование в {self.slug}", passage)
        yield iri, CG.studiedRegion, self.world.country_of(region_index)
        yield iri, CG.clusterCount, _count(10 + self.rng.randrange(40))
        yield iri, CG.countryCount, _count(1)
        for literal in self.world.text.sentence(12):
            yield iri, CG.finding, literal


def _top_concept(concept: URIRef, scheme: URIRef) -> Iterator[Triple]:
    yield concept, SKOS.inScheme, scheme
    yield concept, SKOS.topConceptOf, scheme
