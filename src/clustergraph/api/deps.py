"""What routes depend on: the app's settings and its store, both held by the app that
`create_app` built. Tests build an app with their own `Settings`;
`app.dependency_overrides[get_settings]` still works for a test that swaps one in later.
Both are `async` only so that FastAPI does not send them to a thread: they do no I/O.
"""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

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
    untrusted Host header, which would let anyone write the links other clients follow."""
    if settings.base_url:
        return settings.base_url.rstrip("/")
    if request.url.hostname in settings.trusted_hosts:
        return str(request.base_url).rstrip("/")
    scheme = request.url.scheme
    host, port = request.scope.get("server") or ("127.0.0.1", None)
    host = f"[{host}]" if ":" in host else host
    port_part = "" if port is None or _DEFAULT_PORTS.get(scheme) == port else f":{port}"
    return f"{scheme}://{host}{port_part}{request.scope.get('root_path', '').rstrip('/')}"


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[GraphStore, Depends(get_store)]
