"""Releases are immutable versions: `release/<digest>/`, a `current` link flipped by a rename, the
documented paths linking through it, a manifest per version, and `clustergraph diff` between two."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from clustergraph.cli import main
from clustergraph.compile.build import BuildResult, build
from clustergraph.errors import BuildError
from clustergraph.namespaces import ID, source_graph
from clustergraph.release_format import CURRENT, LINKS, MANIFEST_FILE, current_version, find_version

pytestmark = pytest.mark.own_projects  # never reads data/ as a whole: see pyproject's markers

SOURCE = "creative-economy-2017-07"
PLACES = Path("data") / SOURCE / "places.ttl"


@pytest.fixture
def project(article_project: Path) -> Path:
    return article_project


def rename_oregon(project: Path) -> None:
    places = project / PLACES
    text = places.read_text(encoding="utf-8")
    assert '"Oregon"@en' in text
    places.write_text(text.replace('"Oregon"@en', '"State of Oregon"@en'), encoding="utf-8")


def test_a_build_writes_a_version_and_links_the_documented_paths_through_current(
    built: BuildResult, release_dir: Path
) -> None:
    assert (release_dir / CURRENT).is_symlink()
    assert current_version(release_dir) == built.version.resolve()
    for name, target in LINKS.items():
        assert os.readlink(release_dir / name) == f"{CURRENT}/{target}", name
        assert (release_dir / name).is_file(), name
    manifest = json.loads((built.version / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["digest"] == built.version.name
    assert manifest["ontology_version"].startswith("https://w3id.org/clustergraph/ontology/")
    assert manifest["graphs"][source_graph(SOURCE)]["triples"] == manifest["triples"]["asserted_data"]
    assert set(manifest["timings_s"]) == set(manifest["peak_rss_mb"]) == {"load", "reason", "validate", "write"}


def test_the_same_sources_give_the_same_version(built: BuildResult, project: Path, tmp_path: Path) -> None:
    again = build(project, tmp_path / "release")  # the article alone, as `built`
    assert again.version.name == built.version.name
    assert (again.version / "dataset.nq").read_bytes() == (built.version / "dataset.nq").read_bytes()


def test_a_change_makes_a_new_version_and_keeps_the_old_one(project: Path, tmp_path: Path) -> None:
    release = tmp_path / "release"
    first = build(project, release)
    rename_oregon(project)
    second = build(project, release)
    assert first.version != second.version
    assert first.version.is_dir() and (first.version / "dataset.nq").is_file()
    assert current_version(release) == second.version.resolve()
    assert find_version(release, first.version.name[:6]) == first.version.resolve()


def test_diff_lists_what_each_graph_gained_and_lost(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = tmp_path / "release"
    first = build(project, release)
    rename_oregon(project)
    build(project, release)
    capsys.readouterr()
    assert main(["--release", str(release), "diff", first.version.name, CURRENT]) == 0
    lines = capsys.readouterr().out.splitlines()
    oregon = f"<{ID['region/oregon']}> <http://www.w3.org/2000/01/rdf-schema#label>"
    assert lines == [
        f"{source_graph(SOURCE)}: 1 added, 1 removed",
        f'+ {oregon} "State of Oregon"@en .',
        f'- {oregon} "Oregon"@en .',
    ]
    assert main(["--release", str(release), "diff", CURRENT, CURRENT]) == 0
    assert capsys.readouterr().out.strip() == "no differences"


def test_diff_of_an_unknown_version_is_a_usage_error(release_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--release", str(release_dir), "diff", "no-such-version", CURRENT]) == 2
    assert "no version" in capsys.readouterr().err


def test_a_failed_build_leaves_the_current_version_alone(project: Path, tmp_path: Path) -> None:
    release = tmp_path / "release"
    first = build(project, release)
    (project / "data" / SOURCE / "broken.ttl").write_text("this is not Turtle", encoding="utf-8")
    with pytest.raises(BuildError, match=r"broken\.ttl"):
        build(project, release)
    assert current_version(release) == first.version.resolve()
    assert sorted(p.name for p in release.iterdir() if p.name.startswith(".")) == []
