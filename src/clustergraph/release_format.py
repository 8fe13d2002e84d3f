"""The release's format: the one contract the compile side (which writes it) and the serving side (which
reads it) share. Nothing here reasons, validates or serves.

    release/
      <digest>/          one immutable version: the artifacts and manifest.json
      current            symlink to the version in use, replaced atomically (a rename)
      dataset.nq, …      symlinks into current/, so the documented paths keep working
                         (report.json, the name older releases used, is the manifest)

The manifest holds the version's digest, the ontology version, each graph's digest and size, counts,
and how long each build phase took and the build's peak memory (those of the build that made it).

`digest` is the SHA-256 (first 16 hex digits) of the version's graphs, so two builds of the same
sources give the same version. A folder holding the artifacts directly (no `current`) is read as one
version too: the layout of older releases and of hand-made test releases.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

DATASET_FILE = "dataset.nq"
MANIFEST_FILE = "manifest.json"
CURRENT = "current"
ARTIFACTS = (DATASET_FILE, "ontology.ttl", "ontology.owl", "ontology.jsonld", "data.ttl", "inferred.ttl", MANIFEST_FILE)
# The documented paths under release/ and the file of the current version each one links to.
LINKS = {**{name: name for name in ARTIFACTS}, "report.json": MANIFEST_FILE}
DIGEST_LENGTH = 16


def current_version(release_dir: Path) -> Path:
    """The folder of the version in use (resolved, so a later flip of `current` does not move it)."""
    pointer = release_dir / CURRENT
    return pointer.resolve() if pointer.is_symlink() else release_dir


def read_manifest(version: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((version / MANIFEST_FILE).read_text(encoding="utf-8"))
    return manifest


def version_digest(version: Path) -> str:
    """The version's digest: from its manifest, or (an older release) the hash of its N-Quads."""
    if (version / MANIFEST_FILE).is_file():
        return str(read_manifest(version)["digest"])
    return file_digest(version / DATASET_FILE)


def file_digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()[:DIGEST_LENGTH]


def find_version(release_dir: Path, name: str) -> Path:
    """A version named by its digest (or a unique prefix of it), by `current`, or by its path."""
    candidates = [release_dir / CURRENT] if name == CURRENT else sorted(release_dir.glob(f"{name}*/"))
    candidates = [c.resolve() for c in candidates if (c / DATASET_FILE).is_file()]
    if len(candidates) == 1:
        return candidates[0]
    if Path(name).is_dir() and (Path(name) / DATASET_FILE).is_file():
        return Path(name).resolve()
    found = "several versions" if candidates else "no version"
    raise FileNotFoundError(f"{found} of {release_dir} match {name!r}")
