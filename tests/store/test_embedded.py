"""The embedded store's database follows the release: loaded once, reloaded when the release changes,
and never lost to a release that does not load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from smallrelease import QUADS, SMALL_RELEASE, store_settings

from clustergraph.errors import StoreError
from clustergraph.release_format import DATASET_FILE
from clustergraph.store import open_store
from clustergraph.store.base import QueryRequest
from clustergraph.store.database import CURRENT, current_database, prepare_database
from clustergraph.store.embedded import EmbeddedStore

EXTRA = '<http://example.org/test/x> <http://example.org/test#p> "added" <http://example.org/test/g> .\n'


@pytest.fixture
def release(tmp_path: Path) -> Path:
    folder = tmp_path / "release"
    shutil.copytree(SMALL_RELEASE, folder)
    return folder


def quads_in(database: Path) -> int:
    return len(ox.Store.read_only(str(database)))


def test_first_start_loads_the_release(release: Path, tmp_path: Path) -> None:
    database = prepare_database(release, tmp_path / "store")
    assert database == current_database(tmp_path / "store")
    assert quads_in(database) == sum(QUADS.values())


def test_an_unchanged_release_is_not_loaded_again(release: Path, tmp_path: Path) -> None:
    first = prepare_database(release, tmp_path / "store")
    marker = first / "kept"
    marker.touch()
    assert prepare_database(release, tmp_path / "store") == first
    assert marker.exists()


def test_a_changed_release_replaces_the_database(release: Path, tmp_path: Path) -> None:
    first = prepare_database(release, tmp_path / "store")
    with (release / DATASET_FILE).open("a", encoding="utf-8") as dataset:
        dataset.write(EXTRA)
    second = prepare_database(release, tmp_path / "store")
    assert second != first
    assert not first.exists()
    assert quads_in(second) == sum(QUADS.values()) + 1


def test_a_release_that_does_not_load_changes_nothing(release: Path, tmp_path: Path) -> None:
    first = prepare_database(release, tmp_path / "store")
    (release / DATASET_FILE).write_text("<http://x/a> <http://x/b> broken", encoding="utf-8")
    with pytest.raises(StoreError, match="unchanged"):
        prepare_database(release, tmp_path / "store")
    assert current_database(tmp_path / "store") == first
    assert quads_in(first) == sum(QUADS.values())
    assert [p.name for p in (tmp_path / "store").iterdir() if p.name.startswith(".loading")] == []


def test_without_a_release_the_stored_database_is_served(release: Path, tmp_path: Path) -> None:
    first = prepare_database(release, tmp_path / "store")
    shutil.rmtree(release)
    assert prepare_database(release, tmp_path / "store") == first


def test_without_release_or_database_it_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="clustergraph build"):
        prepare_database(tmp_path / "release", tmp_path / "store")


def test_a_dangling_pointer_means_a_fresh_load(release: Path, tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / CURRENT).write_text("release-gone\n", encoding="utf-8")
    assert quads_in(prepare_database(release, tmp_path / "store")) == sum(QUADS.values())


def test_open_store_picks_the_embedded_backend(tmp_path: Path) -> None:
    store = open_store(store_settings(tmp_path, query_workers=1))
    try:
        assert isinstance(store, EmbeddedStore)
        assert store.solutions(QueryRequest("ASK { ?s ?p ?o }")).boolean is True
    finally:
        store.close()


def count(store: EmbeddedStore) -> str:
    return store.solutions(QueryRequest("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")).rows[0]["n"].value


def test_a_new_release_is_swapped_in_and_the_old_database_collected(release: Path, tmp_path: Path) -> None:
    store = EmbeddedStore(store_settings(tmp_path, release_dir=release, query_workers=1, release_poll_s=0))
    try:
        first = store.release_digest
        assert count(store) == str(sum(QUADS.values()))
        with (release / DATASET_FILE).open("a", encoding="utf-8") as dataset:
            dataset.write(EXTRA)
        assert store.reload() is True
        assert store.release_digest != first
        assert count(store) == str(sum(QUADS.values()) + 1)
        assert not (tmp_path / "store" / f"release-{first}").exists()
        assert store.reload() is False  # nothing new
    finally:
        store.close()


def test_a_release_that_does_not_load_is_not_retried_by_polling(release: Path, tmp_path: Path) -> None:
    store = EmbeddedStore(store_settings(tmp_path, release_dir=release, query_workers=1, release_poll_s=0))
    try:
        first = store.release_digest
        with (release / DATASET_FILE).open("a", encoding="utf-8") as dataset:
            dataset.write("<http://x/a> <http://x/b> broken\n")
        with pytest.raises(StoreError, match="unchanged"):
            store.reload(retry=False)
        assert store.reload(retry=False) is False  # the next poll does not load it again
        with pytest.raises(StoreError):
            store.reload()  # SIGHUP does
        assert (store.release_digest, count(store)) == (first, str(sum(QUADS.values())))
    finally:
        store.close()
