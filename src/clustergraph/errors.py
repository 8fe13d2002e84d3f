"""One exception hierarchy for clustergraph; the API maps each class to an HTTP status in one handler.

ClusterGraphError
├── BuildError                 a source file does not parse, or the build cannot finish
│   ├── ValidationFailed       SHACL or a quality-check query found violations
│   ├── Inconsistent           OWL 2 RL finds the data impossible under the ontology
│   └── TableError             a CSV template's cells do not compile (file:row:column of each)
├── QueryError
│   ├── QueryNotFound          no named query with that name             (404)
│   ├── QueryParameterError    a parameter is missing, unknown or mistyped (422)
│   ├── QuerySyntaxError       the SPARQL text does not parse            (400)
│   ├── QueryRefused           the query asks for something not allowed  (400)
│   │   └── UpdateRefused      SPARQL Update sent to this read-only service (403)
│   ├── QueryFailed            the engine stopped the query with an error (400)
│   │   └── EngineFault        the engine or its storage failed, not the query (500)
│   ├── QueryCrashed           the engine died on the query; worker restarted (500)
│   ├── QueryCancelled         the client went away; nobody gets an answer
│   ├── QueryTimeout           the query ran past the configured limit   (503)
│   ├── ResultTooLarge         the answer exceeds the configured limit   (413)
│   └── TooManyQueries         this client has too many queries running  (429)
├── NotAcceptable              no representation the client accepts      (406)
├── ResourceNotFound           no such resource IRI in the graph          (404)
└── StoreError                 the store is missing or unreachable        (503)
    └── IsolationUnavailable   no way to keep query workers off the network (503)
"""

from __future__ import annotations

from collections.abc import Sequence


class ClusterGraphError(Exception):
    """Base class of every error clustergraph raises on purpose."""


class BuildError(ClusterGraphError):
    """The build could not finish; nothing was written to the release folder."""


class ValidationFailed(BuildError):
    """The data does not conform; `report` is the readable, per-violation report."""

    def __init__(self, message: str, report: str) -> None:
        super().__init__(message)
        self.report = report


class Inconsistent(BuildError):
    """OWL 2 RL finds the data impossible under the ontology; `problems`: what it found, sorted."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("the data is inconsistent with the ontology (OWL 2 RL):\n  " + "\n  ".join(problems))
        self.problems = tuple(problems)

    def __reduce__(self) -> tuple[type[Inconsistent], tuple[tuple[str, ...]]]:
        return Inconsistent, (self.problems,)  # so that it crosses from a build's worker process intact


class TableError(BuildError):
    """CSV tables that do not compile to Turtle; `problems` are `file:row:column (name): message` lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the tables, nothing written:\n" + "\n".join(problems))
        self.problems = problems


class QueryError(ClusterGraphError):
    """A query could not be answered because of what was asked."""


class QueryNotFound(QueryError):
    pass


class QueryParameterError(QueryError):
    pass


class QuerySyntaxError(QueryError):
    pass


class QueryRefused(QueryError):
    pass


class UpdateRefused(QueryRefused):
    pass


class QueryFailed(QueryError):
    pass


class EngineFault(QueryFailed):
    pass


class QueryCrashed(QueryError):
    pass


class QueryCancelled(QueryError):
    pass


class QueryTimeout(QueryError):
    pass


class ResultTooLarge(QueryError):
    pass


class TooManyQueries(QueryError):
    pass


class NotAcceptable(ClusterGraphError):
    pass


class ResourceNotFound(ClusterGraphError):
    pass


class StoreError(ClusterGraphError):
    pass


class IsolationUnavailable(StoreError):
    """The kernel grants query workers no network isolation and no setting accepts the risk."""
