"""The catalogue of named queries: one `queries/<name>.rq` file each, with `#+` YAML front-matter.

Front-matter keys (all optional but `summary`):

    #+ summary: One line that says what the query answers.
    #+ description: Longer text for the API docs.
    #+ message: What one row means (quality checks in `checks/`: shown in the validation report).
    #+ tags: [cases, instruments]
    #+ parameters:
    #+   case:
    #+     type: iri          # iri | string | integer | language
    #+     kind: case         # with type iri: a slug names an IRI of this kind (namespaces.kind_iri):
    #+                        # `creative-economy-2017-07/oregon` → …/id/source/creative-economy-2017-07/case/oregon
    #+     required: true
    #+     description: The policy case.
    #+     example: creative-economy-2017-07/oregon

A parameter `case` binds the query variable `?case` as an RDF term (SEP-0007 substitution), never as
text spliced into the query; a SELECT must project it. An optional parameter that is not given
leaves its variable free.

The front-matter is checked by a model (`FrontMatter`): an unknown key or type, a `required` that is
not a boolean, or a parameter the query does not use is a `BuildError` naming the file, not a crash.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, StrictBool, ValidationError
from rdflib import XSD, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.term import Identifier

from clustergraph.errors import BuildError, QueryNotFound, QueryParameterError
from clustergraph.namespaces import ABSOLUTE_IRI, SCOPED_KINDS, SLUG, SOURCE_SLUG, kind_iri

ParameterType = Literal["iri", "string", "integer", "language"]
QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]

_FRONT_MATTER = re.compile(r"^#\+ ?(.*)$")
_FORM = re.compile(r"^\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE | re.MULTILINE)
_LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
_PROJECTION = re.compile(r"\bSELECT\b(.*?)(?:\bWHERE\b|\{)", re.IGNORECASE | re.DOTALL)


class ParameterSpec(BaseModel):
    """One parameter's entry in the front-matter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: ParameterType = "string"
    kind: str | None = None
    required: StrictBool = False
    description: str = ""
    example: str | int | None = None


class FrontMatter(BaseModel):
    """The `#+` lines of a query file, as YAML."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    summary: str | None = None
    description: str = ""
    message: str = ""
    tags: tuple[str, ...] = ()
    parameters: dict[str, ParameterSpec | None] = {}


@dataclass(frozen=True)
class Parameter:
    name: str
    type: ParameterType = "string"
    kind: str | None = None
    required: bool = False
    description: str = ""
    example: str | None = None

    def to_term(self, raw: str) -> Identifier:
        """Turn what a user typed into the RDF term to bind, or say precisely why it cannot be."""
        if self.type == "iri":
            return self._iri(raw)
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?\d{1,18}", raw.strip()):
                raise QueryParameterError(f"parameter {self.name!r}: {raw!r} is not an integer")
            return RDFLiteral(int(raw), datatype=XSD.integer)
        if self.type == "language":
            if not _LANGUAGE.fullmatch(raw):
                raise QueryParameterError(f"parameter {self.name!r}: {raw!r} is not a BCP 47 language tag")
            return RDFLiteral(raw.lower())
        return RDFLiteral(raw)

    def _iri(self, raw: str) -> URIRef:
        if self.kind and (SLUG.fullmatch(raw) or (self.kind in SCOPED_KINDS and SOURCE_SLUG.fullmatch(raw))):
            return URIRef(kind_iri(self.kind, raw))
        if ABSOLUTE_IRI.fullmatch(raw):
            return URIRef(raw)
        expected = f"a slug of a {self.kind} (e.g. {self.example}) or " if self.kind else ""
        raise QueryParameterError(f"parameter {self.name!r}: {raw!r} is not {expected}an absolute IRI")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    summary: str
    text: str
    form: QueryForm
    path: Path
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    message: str = ""

    def bindings(self, raw: Mapping[str, str]) -> dict[str, Identifier]:
        """Typed RDF terms for the given raw values; unknown and missing parameters are errors."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise QueryParameterError(
                f"query {self.name!r} has no parameter {', '.join(map(repr, unknown))}; "
                f"it takes: {', '.join(known) or 'none'}"
            )
        missing = [p.name for p in self.parameters if p.required and p.name not in raw]
        if missing:
            raise QueryParameterError(f"query {self.name!r} needs parameter {', '.join(map(repr, missing))}")
        return {name: known[name].to_term(value) for name, value in raw.items()}


def parse_named_query(path: Path, *, require_summary: bool = True) -> NamedQuery:
    """Read one .rq file; an ad-hoc query (`clustergraph query`) may go without front-matter.
    BuildError, naming the file, if the front-matter or the query's form is wrong."""
    text = path.read_text(encoding="utf-8")
    meta = _front_matter(text, path)
    body = _strip_comments(text)
    form = _FORM.search(body)
    if form is None:
        raise BuildError(f"{path}: no SELECT, ASK, CONSTRUCT or DESCRIBE found")
    if require_summary and meta.summary is None:
        raise BuildError(f"{path}: the front-matter needs a `summary`")
    parameters = tuple(_parameter(name, spec or ParameterSpec()) for name, spec in meta.parameters.items())
    for parameter in parameters:
        if not _uses(body, form.group(1).upper(), parameter.name):
            what = "project" if form.group(1).upper() == "SELECT" else "use"
            raise BuildError(f"{path}: parameter {parameter.name!r}: the query does not {what} ?{parameter.name}")
    return NamedQuery(
        name=path.stem,
        summary=meta.summary or "",
        description=meta.description.strip(),
        message=meta.message.strip(),
        tags=meta.tags,
        parameters=parameters,
        text=text,
        form=form.group(1).upper(),  # type: ignore[arg-type]
        path=path,
    )


def load_catalog(directory: Path) -> dict[str, NamedQuery]:
    """Every `*.rq` directly in `directory` (the `checks/` below it are quality checks, not API)."""
    return {q.name: q for q in (parse_named_query(p) for p in sorted(directory.glob("*.rq")))}


def get_query(catalog: Mapping[str, NamedQuery], name: str) -> NamedQuery:
    try:
        return catalog[name]
    except KeyError:
        raise QueryNotFound(f"no named query {name!r}; see /api/queries for the list") from None


def _front_matter(text: str, path: Path) -> FrontMatter:
    lines = [m.group(1) for m in map(_FRONT_MATTER.match, text.splitlines()) if m]
    try:
        meta: Any = yaml.safe_load("\n".join(lines)) if lines else {}
    except yaml.YAMLError as error:
        raise BuildError(f"{path}: the #+ front-matter is not YAML: {error}") from None
    if not isinstance(meta, dict):
        raise BuildError(f"{path}: the #+ front-matter is not a YAML mapping")
    try:
        return FrontMatter.model_validate(meta)
    except ValidationError as error:
        problems = "; ".join(_problem(e) for e in error.errors())
        raise BuildError(f"{path}: front-matter: {problems}") from None


def _problem(error: Mapping[str, Any]) -> str:
    where = ".".join(str(part) for part in error["loc"] if part not in ("ParameterSpec",))
    return f"{where}: {error['msg']}" + (f" (not {error['input']!r})" if error["type"] != "missing" else "")


def _parameter(name: str, spec: ParameterSpec) -> Parameter:
    return Parameter(
        name=name,
        type=spec.type,
        kind=spec.kind,
        required=spec.required,
        description=spec.description,
        example=None if spec.example is None else str(spec.example),
    )


def _uses(body: str, form: str, name: str) -> bool:
    """Whether a SELECT projects `?name` (or `*`), or another form mentions it."""
    variable = re.compile(rf"[?$]{re.escape(name)}\b")
    if form != "SELECT":
        return variable.search(body) is not None
    projection = _PROJECTION.search(body)
    return projection is not None and (projection.group(1).strip() == "*" or bool(variable.search(projection.group(1))))


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
