"""Errors as answers: each class of `clustergraph.errors` has its status here, and every error body
has the same shape, `{"error": <kind>, "message": <what went wrong>, "request_id": <id>}`, never a
stack trace.

FastAPI's own errors (a malformed parameter, an unknown path, a wrong method) get the same shape.
A client's mistake (4xx) is explained, in at most MESSAGE_LIMIT characters, so that nothing it sent
comes back at length. A fault of the server or its store (5xx: an engine or I/O failure, a remote
store that does not answer, a crash, anything unexpected) gets a generic message and the request's
id, and its details (internal URLs, paths, remote bodies, tracebacks) go to the log under that id.
Every response carries its id in `X-Request-Id` (`api.stamps`).
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
    EngineFault,
    IsolationUnavailable,
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
    TooManyQueries,
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
    EngineFault: 500,
    QueryCrashed: 500,
    QueryCancelled: 499,
    QueryTimeout: 503,
    ResultTooLarge: 413,
    TooManyQueries: 429,
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


MESSAGE_LIMIT = 300
REQUEST_ID_HEADER = "X-Request-Id"
# Server-side answers whose messages hold no internal detail and tell the client (or operator) what to do.
DETAILED_5XX = (QueryTimeout, IsolationUnavailable)


def error_body(kind: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": kind, "message": message, **extra}


def request_id(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id", "-"))


class ErrorAnswers:
    """The error answer for any exception a request raised: the app's exception handlers, and the
    `/sparql` shortcut (`api.shortcut`), which answers without the framework's handler layers."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def install(self, app: FastAPI) -> None:
        app.add_exception_handler(ClusterGraphError, self.known)
        app.add_exception_handler(RequestValidationError, self.invalid)
        app.add_exception_handler(HTTPException, self.http)
        app.add_exception_handler(Exception, self.unexpected)

    async def __call__(self, request: Request, error: Exception) -> JSONResponse:
        if isinstance(error, ClusterGraphError):
            return await self.known(request, error)
        if isinstance(error, RequestValidationError):
            return await self.invalid(request, error)
        if isinstance(error, HTTPException):
            return await self.http(request, error)
        return await self.unexpected(request, error)

    async def known(self, request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ClusterGraphError)
        kind, status = type(error).__name__, status_of(error)
        self._metrics.count_error(kind)
        message = str(error)
        if status >= 500 and not isinstance(error, DETAILED_5XX):
            log.error("request %s: %s on %s %s: %s", request_id(request), kind, request.method, request.url.path, error)
            message = _GENERIC.get(status, _GENERIC[500])
        headers = {"Retry-After": "1"} if isinstance(error, TooManyQueries) else None
        return _answer(request, kind, message, status, headers)

    async def invalid(self, request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        self._metrics.count_error("QueryParameterError")
        problems = [_problem(e)[:MESSAGE_LIMIT] for e in error.errors()]
        return _answer(request, "QueryParameterError", "; ".join(problems), 422, detail=problems)

    async def http(self, request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, HTTPException)
        kind = HTTPStatus(error.status_code).phrase.replace(" ", "").replace("-", "")
        return _answer(request, kind, str(error.detail), error.status_code, dict(error.headers or {}))

    async def unexpected(self, request: Request, error: Exception) -> JSONResponse:
        log.error(
            "request %s: unexpected error on %s %s",
            request_id(request),
            request.method,
            request.url.path,
            exc_info=error,
        )
        self._metrics.count_error("InternalError")
        return _answer(request, "InternalError", _GENERIC[500], 500)


_GENERIC = {
    500: "the server failed on this request; quote its request id to the operators, whose log has details",
    503: "the store cannot answer now; try again shortly, or quote the request id to the operators",
}


def _answer(
    request: Request, kind: str, message: str, status: int, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body = error_body(kind, _clip(message), request_id=request_id(request), **extra)
    return JSONResponse(body, status_code=status, headers=headers)


def _clip(message: str) -> str:
    return message if len(message) <= MESSAGE_LIMIT else message[: MESSAGE_LIMIT - 1] + "…"


def _problem(error: Any) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("query", "path"))
    return f"{where or 'request'}: {error.get('msg', 'invalid')}"
