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
    return cast(Settings, request.app.state.settings)


async def get_store(request: Request) -> GraphStore:
    store = getattr(request.app.state, "store", None)
    if store is None:
        raise StoreError("the store is not open (the app is starting or shutting down)")
    return cast(GraphStore, store)


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[GraphStore, Depends(get_store)]
