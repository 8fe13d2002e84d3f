"""Every answer says which release version it came from: a weak `ETag` and `X-Clustergraph-Release`,
both the version's digest (the same one `/health` shows and `release/<digest>/` is named after)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clustergraph.store.served import noting_release

RELEASE_HEADER = "X-Clustergraph-Release"


def release_digest(store: object) -> str | None:
    """The digest of the release version `store` serves, when it knows one (the embedded store does)."""
    digest = getattr(store, "release_digest", None)
    return str(digest) if digest is not None else None


class ReleaseTagMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def tagged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                # the version that answered; for an answer that needed no query, the one in use
                digest = served.get("digest") or release_digest(getattr(scope["app"].state, "store", None))
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                if digest is not None and b"etag" not in names:
                    headers.append((b"etag", f'W/"{digest}"'.encode("ascii")))
                    headers.append((RELEASE_HEADER.lower().encode("ascii"), digest.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        with noting_release() as served:
            await self.app(scope, receive, tagged_send)
