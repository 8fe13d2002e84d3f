"""Validation with a report a person can act on: which file, resource and property, and why.

Two kinds of rule run here:

- SHACL shapes (`shapes/data.ttl` over the data, `shapes/ontology.ttl` over the ontology), run by
  pyshacl, the validator of record. The ontology goes to pyshacl as `ont_graph`, never merged into the
  data by us. Over the sources (`validate_sources`), the native engine in `shacl` runs the data's shapes
  by default, behind a cross-check against pyshacl; the ontology's shapes (SPARQL targets) stay with
  pyshacl, one small call.
- Quality checks that SHACL cannot easily say (`queries/checks/*-violation.rq`): SELECT queries that
  must return no rows. Each row binds `?focus` and `?message`, and `?path` and `?value` where they
  help. They run over the union of the ontology and the *asserted* data (not the reasoner's output),
  so that a check sees the subclass axioms it needs but judges only what someone wrote. They run in
  an in-memory pyoxigraph store: on the article's graph rdflib took about 6 s for them, pyoxigraph
  0.05 s. The check files are the repository's own, never a user's query.

With more than one source, `validate_sources` runs the shapes over the merged data (a case in one source
may sit in a region another source describes) but the rules "one value per …" (`shapes/per-source/`)
and the quality checks in each source graph on its own: a second article that counts Serbia's clusters
in another year, or draws a lesson from another case, adds a statement; it does not break the first
source's data.

Severity: only `sh:Violation` makes a report fail; warnings are shown and do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import OWL, BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from clustergraph.compile import shacl
from clustergraph.compile.serialize import term_text, triples_of
from clustergraph.errors import BuildError, ValidationFailed
from clustergraph.namespaces import SH, curie
from clustergraph.queries import NamedQuery, parse_named_query
from clustergraph.settings import Validator
from clustergraph.store.terms import oxigraph_to_rdflib
from clustergraph.store.terms import rdflib_to_oxigraph as to_oxigraph

_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
_IRI_IN_TEXT = re.compile(r"<([a-z][a-z0-9+.-]*:[^<>\s\"]*)>")
_MAX_VALUE_CHARS = 120
_GraphNames = list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]  # a query's default graph


@dataclass(frozen=True)
class Violation:
    """One thing wrong. `focus`, `path` and `value` hold full IRIs; `render` shortens them."""

    file: str | None
    focus: str
    path: str | None
    message: str
    severity: str
    source: str
    value: str | None = None

    @property
    def is_violation(self) -> bool:
        return self.severity == "Violation"

    def render(self) -> str:
        lines = [f"file: {self.file or '(not known)'}", f"  focus: {shorten(self.focus)}"]
        if self.path:
            lines.append(f"  path: {shorten(self.path)}")
        if self.value:
            lines.append(f"  value: {shorten(_shorten_iris_in(self.value))}")
        lines += [
            f"  message: {_shorten_iris_in(self.message)}",
            f"  severity: {self.severity}",
            f"  source: {shorten(self.source)}",
        ]
        return "\n".join(lines)

    def sort_key(self) -> tuple[int, str, str, str, str, str, str]:
        """Every field, so that a report renders the same whichever validator found it in whatever order."""
        return (
            _SEVERITY_ORDER.get(self.severity, 3),
            self.file or "",
            self.focus,
            self.path or "",
            self.message,
            self.value or "",
            self.source,
        )


@dataclass(frozen=True)
class ValidationReport:
    violations: tuple[Violation, ...] = ()

    @property
    def conforms(self) -> bool:
        """True when nothing has `sh:Violation` severity; warnings do not fail a build."""
        return not any(v.is_violation for v in self.violations)

    def __add__(self, other: ValidationReport) -> ValidationReport:
        return ValidationReport(self.violations + other.violations)

    def render(self) -> str:
        ordered = sorted(self.violations, key=Violation.sort_key)
        return "\n\n".join([self._summary(), *(v.render() for v in ordered)]) + "\n"

    def raise_for_violations(self, what: str) -> None:
        """Raise `ValidationFailed` with the rendered report if anything has violation severity."""
        if not self.conforms:
            raise ValidationFailed(f"{what} does not conform: {self._summary()}", self.render())

    def _summary(self) -> str:
        errors = sum(v.is_violation for v in self.violations)
        others = len(self.violations) - errors
        if not self.violations:
            return "conforms: no violations"
        return f"{errors} violation{'s' * (errors != 1)}, {others} warning{'s' * (others != 1)}"


def validate_data(
    data: Graph,
    *,
    ontology: Graph,
    shapes: Graph,
    origins: Mapping[Node, str] | None = None,
    checks_dir: Path | None = None,
) -> ValidationReport:
    """Check the asserted data against the shapes and, if `checks_dir` is given, the quality checks.

    Inference is "none", deliberately. Targets and `sh:class` still reach subclasses: pyshacl mixes
    the ontology's axioms (`rdfs:subClassOf` among them) into a copy of the data graph, and SHACL's
    notion of an instance follows `rdfs:subClassOf`, so a cg:CoordinatingInstitute is checked as a
    cg:Institution. RDFS inference would add nothing to that and would hide errors: its
    `rdfs:range` rule makes any object of cg:inRegion a cg:Region, so `sh:class cg:Region` could
    never fail, and its `rdfs:domain` rule would drag untyped resources into shapes not meant for
    them.

    The shapes in `shapes/ontology.ttl` select their focus nodes with SPARQL targets, which pyshacl
    honours only in advanced mode; this function does not switch that on, so passing every shape in
    one graph is safe.
    """
    report = _run_shacl(data, shapes, ontology=ontology, advanced=False, origins=origins or {})
    if checks_dir is None:
        return report
    return report + run_checks(ontology + data, checks_dir, origins=origins)


def validate_sources(
    data: Mapping[str, Graph],
    *,
    ontology: Graph,
    shapes: Graph,
    per_source_shapes: Graph,
    origins: Mapping[Node, str],
    source_origins: Mapping[str, Mapping[Node, str]],
    checks_dir: Path | None = None,
    validator: Validator = "native",
) -> ValidationReport:
    """Shapes over the merged sources; per-source shapes and quality checks within each source graph.

    `origins` says where each subject is first defined overall, `source_origins` within each source, so
    that a violation found in one source names that source's file and line. `validator` runs the shapes
    with pyshacl, the validator of record, or with the native engine cross-checked against it (`shacl`).
    """
    if validator == "pyshacl":
        report = _run_shacl(_merged(data), shapes, ontology=ontology, advanced=False, origins=origins)
        for name, graph in data.items():
            where = source_origins.get(name, origins)
            report += _run_shacl(graph, per_source_shapes, ontology=None, advanced=False, origins=where)
    else:
        report = _native_shacl(data, ontology, shapes, per_source_shapes, origins, source_origins)
    if checks_dir is not None:
        report += _run_checks_per_source(data, ontology, checks_dir, origins, source_origins)
    return report


def _native_shacl(
    data: Mapping[str, Graph],
    ontology: Graph,
    shapes: Graph,
    per_source_shapes: Graph,
    origins: Mapping[Node, str],
    source_origins: Mapping[str, Mapping[Node, str]],
) -> ValidationReport:
    """What `validate_sources` finds with pyshacl, found by the native engine in one store: the ontology
    and each source in a graph of its own; the shapes over their union, the per-source shapes in each
    source graph. Where a result's shape gives no sh:message, pyshacl writes a text of its own; that
    part (the merged data, or the one source) is then validated again by pyshacl, whose report is the
    one of record."""
    store = shacl.SourceStore(ontology, data)
    found = store.merged(shapes)
    if all(result.check.messages for result in found):
        report = ValidationReport(tuple(_native_violation(store, r, shapes, origins) for r in found))
    else:
        report = _run_shacl(_merged(data), shapes, ontology=ontology, advanced=False, origins=origins)
    for name, results in store.per_source(per_source_shapes).items():
        where = source_origins.get(name, origins)
        if all(result.check.messages for result in results):
            report += ValidationReport(tuple(_native_violation(store, r, per_source_shapes, where) for r in results))
        else:
            report += _run_shacl(data[name], per_source_shapes, ontology=None, advanced=False, origins=where)
    return report


def _merged(data: Mapping[str, Graph]) -> Graph:
    merged = Graph()
    for graph in data.values():
        merged += graph
    return merged


def _native_violation(
    store: shacl.SourceStore, result: shacl.Result, shapes: Graph, origins: Mapping[Node, str]
) -> Violation:
    focus = store.as_written(result.focus) or _from_oxigraph(result.focus)
    value = None if result.value is None else store.as_written(result.value) or _from_oxigraph(result.value)
    return Violation(
        file=origins.get(focus) if focus is not None else None,
        focus=_term_text(focus),
        path=result.check.path,
        message=_preferred_message(result.check.messages) or "(no message)",
        severity=result.check.severity,
        source=_term_text(_named_shape(shapes, result.check.shape)),
        value=None if value is None else _term_text(value),
    )


def refuse_derived_merges(inferred: Iterable[str]) -> None:
    """Raise BuildError if reasoning concluded that two different IRIs name one individual (`inferred`:
    the inferred graph's N-Triples lines).

    No source of ours states `owl:sameAs`; when OWL 2 RL derives it (a functional or inverse-functional
    property, `owl:hasKey`, a max-cardinality of 1 meeting two values), two cases or three stages would
    silently become one in every answer. That is a modelling error to fix, never a result to publish.
    """
    pairs = ((term_text(s), term_text(o)) for s, o in triples_of(inferred, str(OWL.sameAs)) if s != o)
    merges = sorted({tuple(sorted(pair)) for pair in pairs})
    if merges:
        listed = "\n  ".join(f"{shorten(a)} = {shorten(b)}" for a, b in merges)
        raise BuildError(
            f"reasoning merged {len(merges)} pair(s) of individuals with owl:sameAs; a property is declared "
            f"functional, inverse-functional or a key where two sources may say more:\n  {listed}"
        )


def validate_ontology(ontology: Graph, *, shapes: Graph, origins: Mapping[Node, str] | None = None) -> ValidationReport:
    """Check the ontology itself (labels, definitions, header) with the SPARQL-targeted shapes."""
    return _run_shacl(ontology, shapes, ontology=None, advanced=True, origins=origins or {})


def run_checks(graph: Graph, checks_dir: Path, *, origins: Mapping[Node, str] | None = None) -> ValidationReport:
    """Run every `*-violation.rq` in `checks_dir` over `graph`; each row is a violation."""
    store = ox.Store()
    store.extend(_quads(graph, ox.DefaultGraph()))
    found = (_check_violations(store, check, origins or {}, None) for check in _checks(checks_dir))
    return ValidationReport(tuple(v for violations in found for v in violations))


def _run_checks_per_source(
    data: Mapping[str, Graph],
    ontology: Graph,
    checks_dir: Path,
    origins: Mapping[Node, str],
    source_origins: Mapping[str, Mapping[Node, str]],
) -> ValidationReport:
    """The quality checks in each source graph with the ontology, as `run_checks(ontology + graph)` would
    find them, but in one store: the ontology is converted once, not once per source, and each source's
    query sees the ontology's graph and its own as its default graph."""
    store = ox.Store()
    schema = ox.BlankNode()
    store.extend(_quads(ontology, schema))
    graphs = {name: ox.BlankNode() for name in data}
    for name, graph in data.items():
        store.extend(_quads(graph, graphs[name]))
    checks = _checks(checks_dir)
    violations: list[Violation] = []
    for name in data:
        where = source_origins.get(name, origins)
        view: _GraphNames = [schema, graphs[name]]
        for check in checks:
            violations += _check_violations(store, check, where, view)
    return ValidationReport(tuple(violations))


def _checks(checks_dir: Path) -> list[NamedQuery]:
    checks = [parse_named_query(path) for path in sorted(checks_dir.glob("*-violation.rq"))]
    for check in checks:
        if check.form != "SELECT":
            raise BuildError(f"{check.path}: a quality check must be a SELECT query, not {check.form}")
    return checks


def shorten(text: str) -> str:
    """A full IRI (or `^IRI`, an inverse path) as `prefix:local` with the project's prefixes."""
    return "^" + curie(text[1:]) if text.startswith("^") else curie(text)


def _shorten_iris_in(message: str) -> str:
    return _IRI_IN_TEXT.sub(lambda match: shorten(match.group(1)), message)


def _run_shacl(
    data: Graph,
    shapes: Graph,
    *,
    ontology: Graph | None,
    advanced: bool,
    origins: Mapping[Node, str],
) -> ValidationReport:
    _, results, _ = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=advanced,
        allow_warnings=True,
    )
    assert isinstance(results, Graph)
    return ValidationReport(tuple(_shacl_violation(results, r, shapes, origins) for r in _results(results)))


def _results(report: Graph) -> Iterable[Node]:
    """Top-level results only: the nested `sh:detail` results of `sh:node` repeat them."""
    return report.objects(None, SH.result)


def _shacl_violation(report: Graph, result: Node, shapes: Graph, origins: Mapping[Node, str]) -> Violation:
    focus = report.value(result, SH.focusNode)
    severity = report.value(result, SH.resultSeverity)
    value = report.value(result, SH.value)
    return Violation(
        file=origins.get(focus) if isinstance(focus, Identifier) else None,
        focus=_term_text(focus),
        path=_path_text(report, report.value(result, SH.resultPath)),
        message=_message(report, result),
        severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
        source=_term_text(_named_shape(shapes, report.value(result, SH.sourceShape))),
        value=None if value is None else _term_text(value),
    )


def _message(report: Graph, result: Node) -> str:
    """The shape's own message, in English where there are several; else pyshacl's own text."""
    return _preferred_message(report.objects(result, SH.resultMessage)) or "(no message)"


def _preferred_message(messages: Iterable[Node]) -> str | None:
    """The English message where there are several, else one without a language, else the first."""
    ordered = sorted(messages, key=lambda m: (_language_rank(m), str(m)))
    return str(ordered[0]) if ordered else None


def _language_rank(message: Node) -> int:
    language = message.language if isinstance(message, Literal) else None
    return {"en": 0, None: 1}.get(language, 2)


def _named_shape(shapes: Graph, shape: Node | None) -> Node | None:
    """A property shape is usually a blank node; name the node shape that holds it instead."""
    if isinstance(shape, BNode):
        parent = shapes.value(None, SH.property, shape)
        if parent is not None:
            return parent
    return shape


def _path_text(report: Graph, path: Node | None) -> str | None:
    if path is None:
        return None
    inverse = report.value(path, SH.inversePath) if isinstance(path, BNode) else None
    if isinstance(inverse, URIRef):
        return f"^{inverse}"
    return _term_text(path)


def _term_text(term: Node | None) -> str:
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, Literal):
        text = term.n3()
        return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 1] + "…"
    return term.n3() if isinstance(term, Identifier) else "(none)"


def _check_violations(
    store: ox.Store, check: NamedQuery, origins: Mapping[Node, str], graphs: _GraphNames | None
) -> list[Violation]:
    """The check's rows as violations, once each: over `graphs` (default: the store's default graph) a
    triple both the ontology and a source state is seen twice."""
    try:
        solutions = store.query(check.text, default_graph=graphs)
    except SyntaxError as error:
        raise BuildError(f"{check.path}: the quality check does not parse: {error}") from error
    if not isinstance(solutions, ox.QuerySolutions):
        raise BuildError(f"{check.path}: a quality check must be a SELECT query")
    return list(dict.fromkeys(_check_violation(solution, check, origins) for solution in solutions))


def _check_violation(solution: ox.QuerySolution, check: NamedQuery, origins: Mapping[Node, str]) -> Violation:
    focus, path, value, message = (_from_oxigraph(solution[name]) for name in ("focus", "path", "value", "message"))
    return Violation(
        file=origins.get(focus) if focus is not None else None,
        focus=_term_text(focus),
        path=None if path is None else _term_text(path),
        message=str(message) if message is not None else check.message or check.summary,
        severity="Violation",
        source=check.name,
        value=None if value is None else _term_text(value),
    )


def _quads(graph: Graph, name: ox.BlankNode | ox.DefaultGraph) -> Iterator[ox.Quad]:
    """Blank nodes keep their ids, so that a blank focus still finds its file in `origins`."""
    for subject, predicate, obj in graph:
        resource = ox.BlankNode(str(subject)) if isinstance(subject, BNode) else ox.NamedNode(str(subject))
        yield ox.Quad(resource, ox.NamedNode(str(predicate)), to_oxigraph(obj), name)


def _from_oxigraph(term: object) -> Identifier | None:
    """The rdflib term for a pyoxigraph one, so that `origins` (keyed by rdflib terms) finds it; None for
    an unbound variable."""
    return oxigraph_to_rdflib(term) if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal) else None
