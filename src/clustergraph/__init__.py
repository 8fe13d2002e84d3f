"""clustergraph: a knowledge graph of regional cluster policy practices.

The public names: the build (`build`, `validate_files`), the settings, and the exception hierarchy.
The service is `clustergraph.api.app.create_app`; it is not imported here, so the build does not load FastAPI.
"""

from clustergraph.compile.build import BuildResult, build, validate_files
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
    "BuildResult",
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
    "build",
    "get_settings",
    "validate_files",
]
