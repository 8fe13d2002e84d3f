"""Two small ASGI middlewares for browsers and HTTP tools:

- `HeadAsGet`: HEAD on every GET route (RFC 9110 §9.3.2) — the GET's status and headers, no body.
- `BrowserErrors`: an error answered as JSON (`api.errors`) becomes an HTML page when the client
  prefers HTML to JSON (a browser following a link); API clients keep the JSON body, unchanged.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clustergraph.api.linking import Linker
from clustergraph.api.negotiation import header_of, negotiate
from clustergraph.api.templating import render
from clustergraph.errors import NotAcceptable
from clustergraph.settings import Settings

JSON = "application/json"
HTML = "text/html"


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


class BrowserErrors:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not prefers_html(header_of(scope, b"accept")):
            await self.app(scope, receive, send)
            return
        held: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def as_page(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = Headers(raw=message["headers"])
                if message["status"] >= 400 and headers.get("content-type", "").startswith(JSON):
                    held["start"] = message
                    return
            if "start" not in held:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await self._send_page(scope, held["start"], b"".join(chunks), send)

        await self.app(scope, receive, as_page)

    async def _send_page(self, scope: Scope, start: Message, body: bytes, send: Send) -> None:
        status = int(start["status"])
        message = _message(body)
        base = (self.settings.base_url or str(Request(scope).base_url)).rstrip("/")
        linker = Linker(base=base)
        page = render("error.html", linker, status_code=status, status=status, title=_phrase(status), message=message)
        kept = [(k, v) for k, v in start["headers"] if k.lower() not in (b"content-type", b"content-length", b"vary")]
        headers = [*kept, *page.raw_headers]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": page.body, "more_body": False})


def prefers_html(accept: str | None) -> bool:
    """Whether the client ranks HTML above JSON (ties go to JSON, as for `*/*`)."""
    if not accept:
        return False
    try:
        return negotiate(accept, [JSON, HTML]) == HTML
    except NotAcceptable:
        return False


def _message(body: bytes) -> str:
    try:
        answer = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")
    if not isinstance(answer, dict):
        return str(answer)
    return str(answer.get("message") or answer.get("detail") or "")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
