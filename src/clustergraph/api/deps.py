"""What routes depend on: the app's settings and its store, both held by the app that
`create_app` built. Tests build an app with their own `Settings`;
`app.dependency_overrides[get_settings]` still works for a test that swaps one in later.
Both are `async` only so that FastAPI does not send them to a thread: they do no I/O.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, cast

from fastapi import Depends, Request
from starlette.types import Scope

from clustergraph.errors import StoreError
from clustergraph.settings import Settings
from clustergraph.store.base import GraphStore


async def get_settings(request: Request) -> Settings:
    return settings_of(request)


async def get_store(request: Request) -> GraphStore:
    return store_of(request)


def settings_of(request: Request) -> Settings:
    """The app's settings, for a route that solves no dependencies (`/sparql`)."""
    return cast(Settings, request.app.state.settings)


def store_of(request: Request) -> GraphStore:
    """The app's store, for a route that solves no dependencies; StoreError while there is none."""
    store = getattr(request.app.state, "store", None)
    if store is None:
        raise StoreError("the store is not open (the app is starting or shutting down)")
    return cast(GraphStore, store)


_DEFAULT_PORTS = {"http": 80, "https": 443}


def public_base(request: Request, settings: Settings) -> str:
    """The service's base URL, without a trailing slash: `base_url` if configured; else the URL the
    request came to if its host is trusted; else the address the server listens on. Never an
    untrusted Host header, which would let anyone write the links other clients follow.

    Every `/sparql` query asks (its base IRI), so the answer is remembered per Host header, scheme,
    server address and root path (10 µs each time otherwise, mostly parsing the request's URL with
    its query string); Host headers longer than `_CACHED_HOST` are worked out afresh."""
    if settings.base_url:
        return settings.base_url.rstrip("/")
    scope = request.scope
    host = next((value for name, value in scope["headers"] if name == b"host"), None)
    parts = (
        scope["scheme"],
        host,
        tuple(scope.get("server") or ()),
        scope.get("root_path", ""),
        scope.get("app_root_path"),
        tuple(settings.trusted_hosts),
    )
    if host is not None and len(host) > _CACHED_HOST:
        return _base_of(*parts)
    return _remembered_base(*parts)


_CACHED_HOST = 256


def _base_of(
    scheme: str,
    host: bytes | None,
    server: tuple[str, int | None] | tuple[()],
    root_path: str,
    app_root_path: str | None,
    trusted_hosts: tuple[str, ...],
) -> str:
    """`public_base` for a request with these parts (the path and query string do not matter)."""
    scope: Scope = {
        "type": "http",
        "scheme": scheme,
        "server": server or None,
        "path": root_path or "/",
        "root_path": root_path,
        "query_string": b"",
        "headers": [] if host is None else [(b"host", host)],
    }
    if app_root_path is not None:
        scope["app_root_path"] = app_root_path
    request = Request(scope)
    if request.url.hostname in trusted_hosts:
        return str(request.base_url).rstrip("/")
    scheme = request.url.scheme
    bound, port = scope["server"] or ("127.0.0.1", None)
    bound = f"[{bound}]" if ":" in bound else bound
    port_part = "" if port is None or _DEFAULT_PORTS.get(scheme) == port else f":{port}"
    return f"{scheme}://{bound}{port_part}{root_path.rstrip('/')}"


_remembered_base = lru_cache(maxsize=256)(_base_of)


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[GraphStore, Depends(get_store)]
