"""The embedded store's on-disk Oxigraph databases: one per release version, shared by every server
started on the same folder.

Layout under `store_dir`:

    release-<digest>/        one Oxigraph database per loaded release version
    release-<digest>.lease   every server serving that database holds a shared lock on this file
    CURRENT                  the name of the database loaded last, replaced atomically
    .lock                    held while loading and collecting, so that a version is loaded once

A version is loaded only if no database holds it yet, into a fresh directory that takes its name
once the load has finished; a load that fails leaves every database untouched. A server takes its
lease before it lets go of `.lock`, and `collect_garbage` removes a database only when it can lock
the lease exclusively without waiting: when no process serves it (a crashed server's locks go with
it). The database CURRENT names is kept, so a restarted server finds it without loading.
"""

from __future__ import annotations

import fcntl
import gc
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from clustergraph.errors import StoreError
from clustergraph.release_format import DATASET_FILE, current_version, version_digest

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
_PREFIX = "release-"
_LEASE = ".lease"


@dataclass
class Lease:
    """A database this process serves; no server removes it while the lease is held."""

    database: Path
    _handle: IO[str]

    @property
    def digest(self) -> str:
        return self.database.name.removeprefix(_PREFIX)

    def release(self) -> None:
        self._handle.close()  # closing the file drops the lock


def wanted_digest(release_dir: Path) -> str | None:
    """The digest of the release version `release_dir` offers now, or None if it offers none."""
    version = current_version(release_dir)
    return version_digest(version) if (version / DATASET_FILE).is_file() else None


def open_database(release_dir: Path, store_dir: Path) -> Lease:
    """A lease on the database of the current release version, loading it first if no server has."""
    store_dir.mkdir(parents=True, exist_ok=True)
    with _locked(store_dir / ".lock"):
        database = _database_for(release_dir, store_dir)
        lease = _lease(database)
    collect_garbage(store_dir)
    return lease


def prepare_database(release_dir: Path, store_dir: Path) -> Path:
    """The database of the current release version, loaded if needed (for callers that only read it)."""
    lease = open_database(release_dir, store_dir)
    lease.release()
    return lease.database


def current_database(store_dir: Path) -> Path | None:
    try:
        name = (store_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    database = store_dir / name
    return database if name.startswith(_PREFIX) and database.is_dir() else None


def collect_garbage(store_dir: Path) -> list[Path]:
    """Remove every database no process serves, except the CURRENT one; return what was removed."""
    removed: list[Path] = []
    with _locked(store_dir / ".lock"):
        keep = current_database(store_dir)
        for path in sorted(store_dir.iterdir()):
            if path.name.startswith(".loading-"):  # a load that died: nobody else loads while we hold the lock
                shutil.rmtree(path, ignore_errors=True)
            elif path.is_dir() and path.name.startswith(_PREFIX) and path != keep and _remove_if_unused(path):
                removed.append(path)
    for path in removed:
        log.info("removed %s: no server used it", path)
    return removed


def _database_for(release_dir: Path, store_dir: Path) -> Path:
    current = current_database(store_dir)
    digest = wanted_digest(release_dir)
    if digest is None:
        if current is None:
            raise StoreError(
                f"{release_dir / DATASET_FILE} does not exist and nothing is stored yet: run `clustergraph build` first"
            )
        log.warning("no release at %s; serving the stored %s", release_dir, current.name)
        return current
    database = store_dir / (_PREFIX + digest)
    if not database.is_dir():
        _load(current_version(release_dir) / DATASET_FILE, database)
    _point_to(store_dir, database)
    return database


def _remove_if_unused(database: Path) -> bool:
    """Remove `database` if no process holds its lease, holding the lease exclusively meanwhile."""
    with (database.parent / (database.name + _LEASE)).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        shutil.rmtree(database, ignore_errors=True)
        Path(handle.name).unlink(missing_ok=True)
        return True


def _lease(database: Path) -> Lease:
    handle = (database.parent / (database.name + _LEASE)).open("a")
    fcntl.flock(handle, fcntl.LOCK_SH)
    return Lease(database, handle)


def _load(dataset: Path, target: Path) -> None:
    staging = target.with_name(f".loading-{target.name}")
    shutil.rmtree(staging, ignore_errors=True)
    log.info("loading %s into %s", dataset, target)
    try:
        store = ox.Store(str(staging))
        store.bulk_load(path=str(dataset), format=ox.RdfFormat.N_QUADS)
        store.flush()
        del store
        gc.collect()  # RocksDB closes when the Store is freed; readers must not open it before
        staging.rename(target)
    except (OSError, SyntaxError, ValueError) as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise StoreError(f"{dataset} could not be loaded ({error}); the stored database is unchanged") from error


def _point_to(store_dir: Path, database: Path) -> None:
    pointer = store_dir / f"{CURRENT}.new"
    pointer.write_text(database.name + "\n", encoding="utf-8")
    os.replace(pointer, store_dir / CURRENT)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
