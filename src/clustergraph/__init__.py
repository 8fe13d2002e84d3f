"""clustergraph: a knowledge graph of regional cluster policy practices."""

from clustergraph.errors import (
    BuildError,
    ClusterGraphError,
    QueryError,
    QueryNotFound,
    QueryParameterError,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    ResourceNotFound,
    ResultTooLarge,
    StoreError,
    ValidationFailed,
)

__version__ = "0.1.0"

__all__ = [
    "BuildError",
    "ClusterGraphError",
    "QueryError",
    "QueryNotFound",
    "QueryParameterError",
    "QueryRefused",
    "QuerySyntaxError",
    "QueryTimeout",
    "ResourceNotFound",
    "ResultTooLarge",
    "StoreError",
    "ValidationFailed",
    "__version__",
]
