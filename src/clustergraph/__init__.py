"""clustergraph: a knowledge graph of regional cluster policy practices.

The public names here: the settings and the exception hierarchy, which both sides use. Each side is
imported by its own name, so that the service never loads the compile side (and with it owlrl and
pyshacl): the build is `clustergraph.compile.build` (`build`, `validate_files`), the service
`clustergraph.api.app.create_app`.
"""

from clustergraph.errors import (
    BuildError,
    ClusterGraphError,
    EngineFault,
    NotAcceptable,
    QueryCancelled,
    QueryCrashed,
    QueryError,
    QueryFailed,
    QueryNotFound,
    QueryParameterError,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    ResourceNotFound,
    ResultTooLarge,
    StoreError,
    TooManyQueries,
    UpdateRefused,
    ValidationFailed,
)
from clustergraph.settings import Settings, get_settings

__version__ = "0.1.0"

__all__ = [
    "BuildError",
    "ClusterGraphError",
    "EngineFault",
    "NotAcceptable",
    "QueryCancelled",
    "QueryCrashed",
    "QueryError",
    "QueryFailed",
    "QueryNotFound",
    "QueryParameterError",
    "QueryRefused",
    "QuerySyntaxError",
    "QueryTimeout",
    "ResourceNotFound",
    "ResultTooLarge",
    "Settings",
    "StoreError",
    "TooManyQueries",
    "UpdateRefused",
    "ValidationFailed",
    "__version__",
    "get_settings",
]
