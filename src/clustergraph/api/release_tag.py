"""Every answer says which release version it came from: a weak `ETag` and `X-Clustergraph-Release`,
both the version's digest (the same one `/health` shows and `release/<digest>/` is named after).
`api.stamps` puts them on each answer."""

from __future__ import annotations

from functools import lru_cache

RELEASE_HEADER = "X-Clustergraph-Release"


def release_digest(store: object) -> str | None:
    """The digest of the release version `store` serves, when it knows one (the embedded store does)."""
    digest = getattr(store, "release_digest", None)
    return str(digest) if digest is not None else None


@lru_cache(maxsize=8)
def release_headers(digest: str) -> tuple[tuple[bytes, bytes], ...]:
    """The two headers naming the release version `digest`, as ASGI wants them."""
    return (
        (b"etag", f'W/"{digest}"'.encode("ascii")),
        (RELEASE_HEADER.lower().encode("ascii"), digest.encode("ascii")),
    )
