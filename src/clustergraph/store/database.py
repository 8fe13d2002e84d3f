"""The embedded store's on-disk Oxigraph database, kept in step with `release/dataset.nq`.

Layout under `store_dir`:

    release-<digest>/   one Oxigraph database per loaded release (digest: SHA-256 of dataset.nq)
    CURRENT             the name of the database in use, replaced atomically
    .lock               held while checking and loading, so two servers starting at once load once

A release is loaded only when its digest differs from the one in use, into a fresh directory; only
once the load has finished does CURRENT point to it. A load that fails (a malformed release, a full
disk) leaves the database in use untouched.
"""

from __future__ import annotations

import fcntl
import gc
import hashlib
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from clustergraph.errors import StoreError
from clustergraph.release import DATASET_FILE

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
_PREFIX = "release-"


def prepare_database(release_dir: Path, store_dir: Path) -> Path:
    """The database to serve: the current one if it holds this release, else a fresh load."""
    store_dir.mkdir(parents=True, exist_ok=True)
    with _locked(store_dir / ".lock"):
        current = current_database(store_dir)
        dataset = release_dir / DATASET_FILE
        if not dataset.is_file():
            if current is None:
                raise StoreError(f"{dataset} does not exist and nothing is stored yet: run `clustergraph build` first")
            log.warning("no release at %s; serving the stored %s", dataset, current.name)
            return current
        name = _PREFIX + _digest(dataset)
        if current is not None and current.name == name:
            return current
        database = _load(dataset, store_dir, name)
        _point_to(store_dir, database)
        _remove_all_but(store_dir, database)
        return database


def current_database(store_dir: Path) -> Path | None:
    try:
        name = (store_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    database = store_dir / name
    return database if name.startswith(_PREFIX) and database.is_dir() else None


def _load(dataset: Path, store_dir: Path, name: str) -> Path:
    staging = store_dir / f".loading-{name}"
    shutil.rmtree(staging, ignore_errors=True)
    log.info("loading %s into %s", dataset, store_dir / name)
    try:
        store = ox.Store(str(staging))
        store.bulk_load(path=str(dataset), format=ox.RdfFormat.N_QUADS)
        store.flush()
        del store
        gc.collect()  # RocksDB closes when the Store is freed; readers must not open it before
        target = store_dir / name
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    except (OSError, SyntaxError, ValueError) as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise StoreError(f"{dataset} could not be loaded ({error}); the stored database is unchanged") from error
    return target


def _point_to(store_dir: Path, database: Path) -> None:
    pointer = store_dir / f"{CURRENT}.new"
    pointer.write_text(database.name + "\n", encoding="utf-8")
    os.replace(pointer, store_dir / CURRENT)


def _remove_all_but(store_dir: Path, keep: Path) -> None:
    for path in store_dir.iterdir():
        if path.is_dir() and path != keep and path.name.startswith((_PREFIX, ".loading-")):
            shutil.rmtree(path, ignore_errors=True)


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()[:16]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
