"""Errors as answers: each class of `clustergraph.errors` has its status here, and every error body
has the same shape, `{"error": <kind>, "message": <what went wrong>}`, never a stack trace.

FastAPI's own errors (a malformed parameter, an unknown path, a wrong method) get the same shape;
anything unexpected is a 500 whose message says only that, and whose traceback goes to the log.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from clustergraph.api.metrics import Metrics
from clustergraph.errors import (
    BuildError,
    ClusterGraphError,
    NotAcceptable,
    QueryCancelled,
    QueryCrashed,
    QueryFailed,
    QueryNotFound,
    QueryParameterError,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    ResourceNotFound,
    ResultTooLarge,
    StoreError,
    UpdateRefused,
)

log = logging.getLogger(__name__)

STATUS: dict[type[ClusterGraphError], int] = {
    QueryNotFound: 404,
    QueryParameterError: 422,
    QuerySyntaxError: 400,
    UpdateRefused: 403,
    QueryRefused: 400,
    QueryFailed: 400,
    QueryCrashed: 500,
    QueryCancelled: 499,
    QueryTimeout: 503,
    ResultTooLarge: 413,
    NotAcceptable: 406,
    ResourceNotFound: 404,
    StoreError: 503,
    BuildError: 500,
}


def status_of(error: ClusterGraphError) -> int:
    """The status of the nearest class in the hierarchy that has one (500 if none does)."""
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def error_body(kind: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": kind, "message": message, **extra}


def install_error_handlers(app: FastAPI, metrics: Metrics) -> None:
    async def known(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ClusterGraphError)
        kind = type(error).__name__
        metrics.count_error(kind)
        return JSONResponse(error_body(kind, str(error)), status_code=status_of(error))

    async def invalid(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        metrics.count_error("QueryParameterError")
        problems = [_problem(e) for e in error.errors()]
        body = error_body("QueryParameterError", "; ".join(problems), detail=problems)
        return JSONResponse(body, status_code=422)

    async def http(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, HTTPException)
        kind = HTTPStatus(error.status_code).phrase.replace(" ", "").replace("-", "")
        headers = dict(error.headers or {})
        return JSONResponse(error_body(kind, str(error.detail)), error.status_code, headers=headers)

    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        metrics.count_error("InternalError")
        body = error_body("InternalError", "the server failed on this request; the log has details")
        return JSONResponse(body, status_code=500)

    app.add_exception_handler(ClusterGraphError, known)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http)
    app.add_exception_handler(Exception, unexpected)


def _problem(error: Any) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("query", "path"))
    return f"{where or 'request'}: {error.get('msg', 'invalid')}"
