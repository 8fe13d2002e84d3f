"""Validation: each broken fixture yields exactly the violation it was built for, and says where.

`tests/data/valid/` is a small graph that follows every shape and check. Each data fixture in
`tests/data/invalid/` adds to it a few resources with one defect, so a test can name the focus
node, the path and the shape or check that must report it, and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from pyshacl.entrypoints import meta_validate
from rdflib import RDF, RDFS, Graph
from rdflib.term import Identifier, Node

from clustergraph.compile.load import EDIT_FILE
from clustergraph.compile.validate import (
    ValidationReport,
    Violation,
    run_checks,
    validate_data,
    validate_ontology,
)
from clustergraph.errors import BuildError, ValidationFailed
from clustergraph.namespaces import CG, ID, ONTOLOGY_IRI, RESOURCE_KINDS, SCOPED_KINDS, SH, SHAPES, source_base
from clustergraph.queries import parse_named_query

PROJECT_DIR = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "data"
CHECKS_DIR = PROJECT_DIR / "queries" / "checks"
CHECK_FILES = sorted(CHECKS_DIR.glob("*-violation.rq"))
VALID_FILES = sorted((FIXTURES / "valid").glob("*.ttl"))
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DCTERMS_LICENSE = "http://purl.org/dc/terms/license"
SKOS_EXACT_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"

OWN = source_base("creative-economy-2017-07")  # the article's own resources


def _load(paths: Iterable[Path]) -> tuple[Graph, dict[Node, str]]:
    graph, origins = Graph(), dict[Node, str]()
    for path in sorted(paths):
        part = Graph().parse(path, format="turtle")
        for subject in part.subjects():
            if isinstance(subject, Identifier):
                origins.setdefault(subject, str(path.relative_to(PROJECT_DIR)))
        graph += part
    return graph, origins


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return _load(p for p in (PROJECT_DIR / "ontology").glob("*.ttl") if p.name != EDIT_FILE)[0]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    """Both shape files in one graph, as the build passes them."""
    return _load((PROJECT_DIR / "shapes").glob("*.ttl"))[0]


def _violations(report: ValidationReport) -> set[tuple[str, str | None, str]]:
    return {(v.focus, v.path, v.source) for v in report.violations if v.severity == "Violation"}


def _validate_fixture(name: str, ontology: Graph, shapes: Graph) -> ValidationReport:
    data, origins = _load([*VALID_FILES, FIXTURES / "invalid" / name])
    return validate_data(data, ontology=ontology, shapes=shapes, origins=origins, checks_dir=CHECKS_DIR)


BROKEN_DATA = [
    pytest.param(
        "case-without-region.ttl",
        {(ID["source/creative-economy-2017-07/case/oregon-industry-cluster-network"], CG.inRegion)},
        SHAPES.PolicyCaseShape,
        "A policy case needs exactly one region (cg:inRegion)",
        id="case-without-region",
    ),
    pytest.param(
        "facilitator-function-without-stage.ttl",
        {
            (
                ID["source/creative-economy-2017-07/facilitator-function/stimulating-communications"],
                "^" + CG.entryFunction,
            )
        },
        SHAPES.FacilitatorFunctionShape,
        "A facilitator function needs at least one table entry that lists it",
        id="facilitator-function-without-stage",
    ),
    pytest.param(
        "table-entries-in-one-cell.ttl",
        {
            (ID["source/creative-economy-2017-07/entry/table-1-potential-functions-1"], CG.listPosition),
            (ID["source/creative-economy-2017-07/entry/table-1-potential-functions-2"], CG.listPosition),
        },
        "table-cell-violation",
        f"is in the same cell of {OWN}table/1 ({OWN}stage/potential, functions) at the same position 1",
        id="table-entries-in-one-cell",
    ),
    pytest.param(
        "table-entry-function-and-competence.ttl",
        {(ID["source/creative-economy-2017-07/entry/table-1-growing-functions-1"], None)},
        SHAPES.TableEntryShape,
        "lists exactly one function or one competence",
        id="table-entry-function-and-competence",
    ),
    pytest.param(
        "label-without-language.ttl",
        {(ID["region/massachusetts"], RDFS_LABEL)},
        SHAPES.LabelLanguageShape,
        "Every label (rdfs:label) needs a language tag",
        id="label-without-language",
    ),
    pytest.param(
        "fact-without-source.ttl",
        {(ID["institution/new-carolina"], CG.attestedBy)},
        SHAPES.AttestedResourceShape,
        "A fact needs its source",
        id="fact-without-source",
    ),
    pytest.param(
        "passage-without-quote.ttl",
        {(ID["source/creative-economy-2017-07/passage/south-carolina-council"], CG.quote)},
        SHAPES.PassageShape,
        "A passage needs exactly one quote (cg:quote)",
        id="passage-without-quote",
    ),
    pytest.param(
        "two-english-labels.ttl",
        {(ID["region/south-carolina"], RDFS_LABEL)},
        SHAPES.BilingualLabelShape,
        "A resource needs exactly one English label",
        id="two-english-labels",
    ),
    pytest.param(
        "wikidata-link-not-a-q-id.ttl",
        {(ID["region/minnesota"], SKOS_EXACT_MATCH)},
        SHAPES.WikidataLinkShape,
        "skos:exactMatch must point to a Wikidata item",
        id="wikidata-link-not-a-q-id",
    ),
    pytest.param(
        "wikidata-item-not-verified.ttl",
        {(ID["region/north-denmark"], SKOS_EXACT_MATCH)},
        "unverified-wikidata-violation",
        "which is not a verified Wikidata item",
        id="wikidata-item-not-verified",
    ),
    pytest.param(
        "year-not-an-integer.ttl",
        {(ID["institution/new-carolina"], CG.establishedIn)},
        SHAPES.YearShape,
        "cg:establishedIn is a year, four digits typed xsd:integer",
        id="year-not-an-integer",
    ),
    pytest.param(
        "undeclared-term.ttl",
        {(ID["institution/oregon-industry-cluster-network"], CG.locatedInn)},
        "undeclared-term-violation",
        "cg:locatedInn is not declared in the ontology",
        id="undeclared-term",
    ),
    pytest.param(
        "staff-minimum-above-maximum.ttl",
        {(ID["institution/north-rhine-westphalia-cluster-secretariats"], CG.staffMinimum)},
        "staff-range-violation",
        "cg:staffMinimum 10 is greater than cg:staffMaximum 2",
        id="staff-minimum-above-maximum",
    ),
    pytest.param(
        "lesson-of-another-case.ttl",
        {(ID["source/creative-economy-2017-07/lesson/minnesota-common-language"], CG.lessonOf)},
        "lesson-case-violation",
        f"The lesson is of {OWN}case/oregon (cg:lessonOf), but {OWN}case/minnesota teaches it",
        id="lesson-of-another-case",
    ),
    pytest.param(
        "stage-order-with-a-gap.ttl",
        {(ID["source/creative-economy-2017-07/stage/mature"], CG.stageOrder)},
        "stage-order-violation",
        "No stage has order 3",
        id="stage-order-with-a-gap",
    ),
    pytest.param(
        "resource-iri-not-lower-case.ttl",
        {(ID["region/South_Carolina"], None)},
        "resource-iri-violation",
        "The IRI of a cg:Region must be https://w3id.org/clustergraph/id/region/{slug}",
        id="resource-iri-not-lower-case",
    ),
    pytest.param(
        "two-cases-one-label.ttl",
        {
            (ID["source/creative-economy-2017-07/case/oregon"], RDFS_LABEL),
            (ID["source/creative-economy-2017-07/case/oregon-industry-cluster-network"], RDFS_LABEL),
        },
        "duplicate-label-violation",
        'has the same English label "Oregon: discussion platforms for stakeholders"',
        id="two-cases-one-label",
    ),
    pytest.param(
        "unused-passage.ttl",
        {(ID["source/creative-economy-2017-07/passage/south-carolina-council-founded"], None)},
        "unused-passage-violation",
        "No resource rests on this passage",
        id="unused-passage",
    ),
    pytest.param(
        "member-group-not-a-group.ttl",
        {(ID["institution/oregon-business-plan-organizing-committee"], CG.memberGroup)},
        SHAPES.InstitutionShape,
        "cg:memberGroup points to a cg:ActorGroup",
        id="member-group-not-a-group",
    ),
    pytest.param(
        "condition-of-no-instrument.ttl",
        {
            (
                ID["source/creative-economy-2017-07/condition/participation-of-other-cluster-members"],
                "^" + CG.mandatoryCondition,
            )
        },
        SHAPES.SupportConditionShape,
        "A cg:SupportCondition needs a cg:PolicyInstrument that has it as cg:mandatoryCondition",
        id="condition-of-no-instrument",
    ),
    pytest.param(
        "conclusion-concerns-a-passage.ttl",
        {(ID["source/creative-economy-2017-07/conclusion/discussion-platforms-matter"], CG.concerns)},
        SHAPES.ConclusionShape,
        "cg:concerns points to what the conclusion is about",
        id="conclusion-concerns-a-passage",
    ),
]


@pytest.mark.parametrize(("fixture", "expected", "source", "message"), BROKEN_DATA)
def test_broken_data_is_reported_with_its_focus_path_file_and_message(
    fixture: str,
    expected: set[tuple[str, str | None]],
    source: str,
    message: str,
    ontology: Graph,
    shapes: Graph,
) -> None:
    report = _validate_fixture(fixture, ontology, shapes)
    assert not report.conforms
    assert _violations(report) == {(str(focus), path and str(path), str(source)) for focus, path in expected}
    rendered = report.render()
    assert f"file: tests/data/invalid/{fixture}" in rendered
    assert message in rendered


BROKEN_ONTOLOGIES = [
    pytest.param(
        "ontology-class-without-russian-label.ttl",
        (CG.PolicyCase, RDFS_LABEL),
        SHAPES.DocumentedTermShape,
        "An ontology term needs exactly one Russian label",
        id="class-without-russian-label",
    ),
    pytest.param(
        "ontology-without-licence.ttl",
        (ONTOLOGY_IRI, DCTERMS_LICENSE),
        SHAPES.OntologyHeaderShape,
        "The ontology needs exactly one licence (dcterms:license)",
        id="ontology-without-licence",
    ),
]


@pytest.mark.parametrize(("fixture", "expected", "source", "message"), BROKEN_ONTOLOGIES)
def test_broken_ontology_is_reported_with_its_focus_path_file_and_message(
    fixture: str, expected: tuple[str, str], source: str, message: str, shapes: Graph
) -> None:
    graph, origins = _load([FIXTURES / "invalid" / fixture])
    report = validate_ontology(graph, shapes=shapes, origins=origins)
    assert _violations(report) == {(str(expected[0]), str(expected[1]), str(source))}
    rendered = report.render()
    assert f"file: tests/data/invalid/{fixture}" in rendered
    assert message in rendered


def test_a_small_valid_graph_has_neither_violations_nor_warnings(ontology: Graph, shapes: Graph) -> None:
    data, origins = _load(VALID_FILES)
    report = validate_data(data, ontology=ontology, shapes=shapes, origins=origins, checks_dir=CHECKS_DIR)
    assert report.violations == (), report.render()


def test_the_repository_ontology_conforms(ontology: Graph, shapes: Graph) -> None:
    report = validate_ontology(ontology, shapes=shapes)
    assert report.violations == (), report.render()


def test_the_repository_data_conforms(ontology: Graph, shapes: Graph) -> None:
    files = sorted((PROJECT_DIR / "data").rglob("*.ttl"))
    if not files:
        pytest.skip("no data/**/*.ttl yet")
    data, origins = _load(files)
    report = validate_data(data, ontology=ontology, shapes=shapes, origins=origins, checks_dir=CHECKS_DIR)
    assert report.conforms, report.render()


def test_the_shapes_use_only_terms_the_ontology_declares(ontology: Graph, shapes: Graph) -> None:
    report = run_checks(ontology + shapes, CHECKS_DIR)
    assert report.violations == (), report.render()


def test_render_shortens_iris_with_the_project_prefixes() -> None:
    violation = Violation(
        file="data/creative-economy-2017-07/oregon.ttl",
        focus=str(ID["source/creative-economy-2017-07/outcome/oregon-specialized-reviews"]),
        path=f"^{CG.achievedOutcome}",
        message=f"An outcome of <{ID['instrument/oregon-business-plan']}>.",
        severity="Violation",
        source=str(SHAPES.OutcomeShape),
    )
    assert violation.render() == (
        "file: data/creative-economy-2017-07/oregon.ttl\n"
        "  focus: https://w3id.org/clustergraph/id/source/creative-economy-2017-07/outcome/oregon-specialized-reviews\n"
        "  path: ^cg:achievedOutcome\n"
        "  message: An outcome of instrument:oregon-business-plan.\n"
        "  severity: Violation\n"
        "  source: cgsh:OutcomeShape"
    )


def test_warnings_are_reported_but_do_not_fail() -> None:
    warning = Violation(None, str(ID["region/oregon"]), None, "Should name its country.", "Warning", "s")
    error = Violation(
        None,
        str(ID["source/creative-economy-2017-07/case/oregon"]),
        str(CG.inRegion),
        "Needs a region.",
        "Violation",
        "s",
    )
    assert ValidationReport((warning,)).conforms
    ValidationReport((warning,)).raise_for_violations("the data")
    with pytest.raises(ValidationFailed) as failure:
        ValidationReport((warning, error)).raise_for_violations("the data")
    assert failure.value.report.startswith(
        "1 violation, 1 warning\n\nfile: (not known)\n  focus: https://w3id.org/clustergraph/id/source/creative-economy-2017-07/case/oregon\n"
    )


@pytest.mark.parametrize("path", CHECK_FILES, ids=[p.stem for p in CHECK_FILES])
def test_each_check_says_what_a_row_means_and_selects_focus_and_message(path: Path) -> None:
    check = parse_named_query(path)
    assert check.form == "SELECT"
    assert check.summary and check.message
    assert re.search(r"SELECT\s+DISTINCT\s+\?focus\b[^{]*\?message\b", check.text)


def test_the_iri_check_knows_every_resource_kind_and_which_are_scoped() -> None:
    text = (CHECKS_DIR / "resource-iri-violation.rq").read_text(encoding="utf-8")
    kinds = dict(re.findall(r'\(\S+ "([a-z-]+)" (true|false)\)', text))
    assert set(kinds) == set(RESOURCE_KINDS)
    assert {kind for kind, scoped in kinds.items() if scoped == "true"} == set(SCOPED_KINDS)


_TYPED_IRIS = {
    "region/ok": ("Region", False),
    "source/src-a/case/ok-case": ("PolicyCase", False),
    "source/my-source": ("Source", False),  # the kind "source" unscoped, not a source's own resource
    "source/src/facilitator-function/x-1": ("FacilitatorFunction", False),
    "case/unscoped-case": ("PolicyCase", True),  # a source's own kind outside any source
    "source/src-a/region/scoped-region": ("Region", True),  # a shared kind under a source
    "cluster/wrong-kind": ("Region", True),
    "source/a/source/b": ("Source", True),
    "facilitator-function/x-1": ("FacilitatorFunction", True),
    "region/Bad_Case": ("Region", True),
    "region/a--b": ("Region", True),
    "region/": ("Region", True),
    "source/Src/case/x": ("PolicyCase", True),
    "source/src/case/x/extra": ("PolicyCase", True),
}


def test_the_iri_check_matches_kind_scope_and_slug(ontology: Graph) -> None:
    """Its patterns are constants (compiled once, not per row): the kind segment, whether the IRI lies
    under a source, and the slugs are each judged, for kinds with a hyphen and the kind `source` too."""
    data = Graph()
    for path, (kind, _) in _TYPED_IRIS.items():
        data.add((ID[path], RDF.type, CG[kind]))
    with_checks = run_checks(ontology + data, CHECKS_DIR)
    flagged = {v.focus for v in with_checks.violations if v.source == "resource-iri-violation"}
    assert flagged == {str(ID[path]) for path, (_, wrong) in _TYPED_IRIS.items() if wrong}


def test_a_check_that_is_not_a_select_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ask-violation.rq").write_text("#+ summary: Not a list of rows.\nASK { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(BuildError, match="must be a SELECT query"):
        run_checks(Graph(), tmp_path)


def test_the_shapes_are_well_formed_shacl(shapes: Graph) -> None:
    conforms, _, text = meta_validate(shapes, inference="none")
    assert conforms, text


def test_every_shape_explains_itself(shapes: Graph) -> None:
    """Node shapes carry a label, a comment and a message; each property shape its own message."""
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    property_shapes = set(shapes.objects(None, SH.property))
    assert node_shapes and property_shapes
    for shape in node_shapes:
        for annotation in (RDFS.label, RDFS.comment, SH.message):
            assert shapes.value(shape, annotation) is not None, f"{shape} has no {annotation}"
    silent = [shapes.value(s, SH.path) for s in property_shapes if (s, SH.message, None) not in shapes]
    assert not silent, f"property shapes without sh:message, on paths {silent}"
