"""A second source may say more than the first: no merge, no inconsistency, no refusal — a contested value.

Each scenario is one triple that a second article could plausibly state, dropped into a copy of the
project as its own source. With the one-source model (functional and inverse-functional properties,
`sh:maxCount 1` over the merged data) each of them merged individuals with `owl:sameAs`, made HermiT
find the knowledge base inconsistent, or was refused by SHACL.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF

from clustergraph.compile.build import BuildResult, build
from clustergraph.compile.load import load_project
from clustergraph.errors import BuildError, ValidationFailed
from clustergraph.namespaces import CG, ID, resource_iri, scoped_iri, source_base, source_graph
from owlreasoning import hermit_inconsistencies

SECOND = "second-source"
OWN = source_base("creative-economy-2017-07")  # the article's own resources
PREFIXES = """\
@prefix cg: <https://w3id.org/clustergraph/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/clustergraph/id/> .
"""

SCENARIOS = [
    pytest.param(
        "<https://w3id.org/clustergraph/id/source/creative-economy-2017-07/lesson/north-rhine-westphalia-professional-secretariat>"
        " cg:lessonOf <https://w3id.org/clustergraph/id/source/creative-economy-2017-07/case/south-carolina> .",
        (ID["source/creative-economy-2017-07/lesson/north-rhine-westphalia-professional-secretariat"], CG.lessonOf),
        id="the-secretariat-lesson-drawn-from-south-carolina-too",
    ),
    pytest.param(
        "<https://w3id.org/clustergraph/id/source/creative-economy-2017-07/competence/branding>"
        " cg:competenceAtStage <https://w3id.org/clustergraph/id/source/creative-economy-2017-07/stage/mature> .",
        None,  # a competence may stand at several stages: Table 1's stage is on its entry, not on the concept
        id="branding-needed-at-another-stage",
    ),
    pytest.param(
        f'<{OWN}case/serbia> cg:clusterCountMoreThan "50"^^xsd:nonNegativeInteger .',
        (ID["source/creative-economy-2017-07/case/serbia"], CG.clusterCountMoreThan),
        id="another-count-of-serbias-clusters",
    ),
    pytest.param(
        "<https://w3id.org/clustergraph/id/source/creative-economy-2017-07/stage/mature>"
        " cg:nextStage <https://w3id.org/clustergraph/id/source/creative-economy-2017-07/stage/growing> .",
        None,
        id="a-life-cycle-that-renews-into-growth",
    ),
    pytest.param(
        "<https://w3id.org/clustergraph/id/source/cluster-initiative-greenbook-2013>"
        ' cg:referenceNumber "12"^^xsd:positiveInteger .',
        (ID["source/cluster-initiative-greenbook-2013"], CG.referenceNumber),
        id="the-greenbook-as-another-articles-reference-12",
    ),
]


@pytest.fixture
def project_copy(project_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(project_dir / folder, copy / folder)
    return copy


def _add_source(project: Path, statements: str) -> None:
    folder = project / "data" / SECOND
    folder.mkdir()
    (folder / "statement.ttl").write_text(PREFIXES + statements + "\n", encoding="utf-8")


def _merges(result: BuildResult) -> list[tuple[str, str]]:
    quads = ox.parse(path=str(result.release_dir / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    return [
        (q.subject.value, q.object.value)
        for q in quads
        if q.predicate.value == str(OWL.sameAs) and q.subject != q.object
    ]


@pytest.mark.slow
@pytest.mark.parametrize(("statement", "contested"), SCENARIOS)
def test_a_second_source_adds_a_statement_without_merging_or_refusal(
    statement: str, contested: tuple[str, str] | None, project_copy: Path, tmp_path: Path
) -> None:
    _add_source(project_copy, statement)
    result = build(project_copy, tmp_path / "release")  # SHACL and the checks accept it, or this raises
    assert source_graph(SECOND) in result.report["graphs"]
    assert [w.split(" ", 1)[0] for w in result.warnings] == [f"data/{SECOND}/"]  # it has no manifest
    assert _merges(result) == []
    found = {(c.subject, c.property) for c in result.contested}
    assert found == ({(str(contested[0]), str(contested[1]))} if contested else set())
    sources = load_project(project_copy)
    assert hermit_inconsistencies(sources.ontology + sources.all_data(), tmp_path) == []


def test_the_contested_value_names_each_source_and_what_it_says(project_copy: Path, tmp_path: Path) -> None:
    _add_source(project_copy, str(SCENARIOS[2].values[0]))
    result = build(project_copy, tmp_path / "release")
    (contested,) = result.contested
    on_disk = json.loads((tmp_path / "release" / "report.json").read_text(encoding="utf-8"))
    assert on_disk["quality"]["contested"] == [
        {
            "subject": f"{OWN}case/serbia",
            "property": str(CG.clusterCountMoreThan),
            "values": {"creative-economy-2017-07": ["40"], SECOND: ["50"]},
        }
    ], "the quality report lists it, not only the CLI"
    assert dict(contested.values) == {"creative-economy-2017-07": ("40",), SECOND: ("50",)}
    assert contested.render() == (
        f"{OWN}case/serbia cg:clusterCountMoreThan differs between sources "
        "(creative-economy-2017-07: 40; second-source: 50)"
    )


def test_one_value_per_source_is_still_required_within_a_source(project_copy: Path, tmp_path: Path) -> None:
    _add_source(
        project_copy,
        f'<{OWN}case/serbia> cg:clusterCountMoreThan "50"^^xsd:nonNegativeInteger , "60"^^xsd:nonNegativeInteger .',
    )
    with pytest.raises(ValidationFailed) as failure:
        build(project_copy, tmp_path / "release")
    assert "cgsh:ClusterCountMoreThanPerSourceShape" in failure.value.report
    assert f"data/{SECOND}/statement.ttl" in failure.value.report


def test_a_merge_derived_by_reasoning_is_refused_not_published(project_copy: Path, tmp_path: Path) -> None:
    """Bring back one retired characteristic: the build must stop rather than publish two cases as one."""
    (project_copy / "ontology" / "one-source-model.ttl").write_text(
        PREFIXES + "@prefix owl: <http://www.w3.org/2002/07/owl#> .\ncg:lessonOf a owl:FunctionalProperty .\n",
        encoding="utf-8",
    )
    _add_source(project_copy, str(SCENARIOS[0].values[0]))
    with pytest.raises(BuildError, match=r"merged 1 pair\(s\) of individuals with owl:sameAs") as failure:
        build(project_copy, tmp_path / "release")
    assert (
        "https://w3id.org/clustergraph/id/source/creative-economy-2017-07/case/north-rhine-westphalia = https://w3id.org/clustergraph/id/source/creative-economy-2017-07/case/south-carolina"
        in str(failure.value)
    )
    assert not (tmp_path / "release").exists()


SECOND_OREGON = f"""\
@base <{source_base(SECOND)}> .
@prefix cg: <https://w3id.org/clustergraph/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix region: <https://w3id.org/clustergraph/id/region/> .
@prefix source: <https://w3id.org/clustergraph/id/source/> .

<case/oregon> a cg:PolicyCase ;
    rdfs:label "Oregon, as the second source tells it"@en , "Орегон по второму источнику"@ru ;
    cg:inRegion region:oregon ;
    cg:attestedBy <passage/oregon> .

<passage/oregon> a cg:Passage ;
    rdfs:label "Oregon in the second source"@en , "Орегон во втором источнике"@ru ;
    cg:quote "Oregon, as a second source would describe it."@en ;
    prov:wasQuotedFrom source:{SECOND} .

source:{SECOND} a cg:Source ;
    rdfs:label "A second source (a test)"@en , "Второй источник (тест)"@ru .
"""


@pytest.mark.slow
def test_a_second_source_describing_oregon_gives_two_case_descriptions_of_one_region(
    project_copy: Path, tmp_path: Path
) -> None:
    """Each source's case description lives under its source, so neither overwrites the other; the region is
    shared, so both are found from it."""
    folder = project_copy / "data" / SECOND
    folder.mkdir()
    (folder / "oregon.ttl").write_text(SECOND_OREGON, encoding="utf-8")
    result = build(project_copy, tmp_path / "release")
    assert _merges(result) == [] and result.contested == ()
    store = ox.Store()
    store.bulk_load(path=str(result.release_dir / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    region = ox.NamedNode(resource_iri("region", "oregon"))
    cases = {str(q.object) for q in store.quads_for_pattern(region, ox.NamedNode(str(CG.hasCase)), None)}
    own_cases = {scoped_iri("creative-economy-2017-07", "case", "oregon"), scoped_iri(SECOND, "case", "oregon")}
    assert cases == {f"<{case}>" for case in own_cases}, "one shared region, a case description from each source"
    in_graphs = {
        str(q.graph_name)
        for case in own_cases
        for q in store.quads_for_pattern(ox.NamedNode(case), ox.NamedNode(str(RDF.type)), None)
    }
    assert {f"<{source_graph('creative-economy-2017-07')}>", f"<{source_graph(SECOND)}>"} <= in_graphs
    subjects = {str(q.subject) for q in store.quads_for_pattern(None, None, None)}
    assert not [s for s in subjects if s.startswith(f"<{source_base(SECOND)}region/")], "regions are not scoped"


SECOND_TABLE = f"""\
@base <{source_base(SECOND)}> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix source: <https://w3id.org/clustergraph/id/source/> .

source:second-source-example a cg:Source ;
    rdfs:label "A second source (fictional)"@en , "Второй источник (вымышленный)"@ru .

<passage/table-1-growing-functions> a cg:Passage ;
    rdfs:label "Its Table 1: functions in a growing cluster"@en , "Его таблица 1: функции в растущем кластере"@ru ;
    cg:quote "Создание доверия"@ru ;
    prov:wasQuotedFrom source:second-source-example .

<table/1> a cg:SourceTable ;
    rdfs:label "Table 1 (fictional)"@en , "Таблица 1 (вымышленная)"@ru ;
    dcterms:title "Facilitators' functions (fictional)"@en , "Функции фасилитаторов (вымышленная)"@ru ;
    dcterms:isPartOf source:second-source-example ;
    cg:tableNumber "1"^^xsd:positiveInteger ;
    cg:attestedBy <passage/table-1-growing-functions> .

<entry/table-1-growing-functions-1> a cg:TableEntry ;
    rdfs:label "Table 1 (fictional), growing cluster, function 1"@en ,
        "Таблица 1 (вымышленная), растущий кластер, функция 1"@ru ;
    cg:inTable <table/1> ;
    cg:entryStage <{OWN}stage/growing> ;
    cg:entryFunction <{OWN}facilitator-function/creating-trust> ;
    cg:listPosition "1"^^xsd:positiveInteger ;
    cg:attestedBy <passage/table-1-growing-functions> .
"""


@pytest.mark.slow
def test_a_second_sources_table_places_a_function_at_another_stage_and_position(
    project_copy: Path, tmp_path: Path
) -> None:
    """The article's Table 1 has "creating trust" as function 4 of a potential cluster; a second source's
    table has it as function 1 of a growing one, the cell where the article's function 1 is another."""
    _add_source(project_copy, SECOND_TABLE)
    result = build(project_copy, tmp_path / "release")  # SHACL and the checks accept it, or this raises
    assert _merges(result) == []
    assert not result.contested
    trust = f"{OWN}facilitator-function/creating-trust"
    quads = list(ox.parse(path=str(result.release_dir / "dataset.nq"), format=ox.RdfFormat.N_QUADS))
    stages = {
        q.object.value for q in quads if q.subject.value == trust and q.predicate.value == str(CG.functionAtStage)
    }
    assert stages == {f"{OWN}stage/potential", f"{OWN}stage/growing"}, "each table's entry gives the function a stage"
    entries = {q.subject.value for q in quads if q.predicate.value == str(CG.entryFunction) and q.object.value == trust}
    positions = {
        (q.subject.value, q.object.value)
        for q in quads
        if q.predicate.value == str(CG.listPosition) and q.subject.value in entries
    }
    assert positions == {
        (f"{OWN}entry/table-1-potential-functions-4", "4"),
        (f"{source_base(SECOND)}entry/table-1-growing-functions-1", "1"),
    }, "the entries keep their own positions: neither table's order overwrites the other's"
    sources = load_project(project_copy)
    assert hermit_inconsistencies(sources.ontology + sources.all_data(), tmp_path) == []
