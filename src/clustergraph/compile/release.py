"""Writing the release: the artifacts researchers download and the service loads.

Each build writes a new immutable version (`release/<digest>/`, see `release_format`) into a staging
folder, then flips `release/current` to it with one rename; a failed build leaves no half-written
version behind, and a running server never reads one. Versions are kept: a researcher can cite one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, Graph

from clustergraph.compile.canonical import canonical_turtle
from clustergraph.compile.graph_text import GraphText
from clustergraph.compile.progress import peak_rss_mb as this_process_rss_mb
from clustergraph.compile.serialize import compact_jsonld, ntriples_lines, term_text, write_rdfxml
from clustergraph.compile.turtle import write_turtle
from clustergraph.namespaces import ONTOLOGY_GRAPH, PREFIXES, bind_prefixes
from clustergraph.release_format import CURRENT, DATASET_FILE, DIGEST_LENGTH, LINKS, MANIFEST_FILE


@dataclass(frozen=True)
class Release:
    """What a release is written from. The graphs but the ontology as the release writes them (`GraphText`,
    made from the lines a build's workers or its own process made, or read from its cache), not rdflib graphs."""

    ontology: Graph
    data: Mapping[str, GraphText]  # by source name
    inferred: GraphText
    # per source, the digests that decide what an incremental build redoes (see `incremental`)
    sources: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # how much of the build was done, not taken from the cache
    work: Mapping[str, int] = field(default_factory=dict)
    # what the quality report lists beside the counts: contested values (see `contested`)
    quality: Mapping[str, Any] = field(default_factory=dict)
    # `ontology_texts(ontology)`, where already made (by a build's worker process, or its cache)
    texts: Mapping[str, str] = field(default_factory=dict)


def ontology_texts(ontology: Graph) -> dict[str, str]:
    """The ontology's downloads made from its graph alone: the same for every build of the same ontology."""
    return {"ontology.ttl": canonical_turtle(ontology), "ontology.jsonld": compact_jsonld(ontology)}


def write_release(
    release: Release,
    release_dir: Path,
    timings: Mapping[str, float],
    peak_rss_mb: Mapping[str, float] | None = None,
    rss_mb: Callable[[], float] = this_process_rss_mb,
    started: float | None = None,
) -> dict[str, Any]:
    """Write a version of `release` under `release_dir` and make it current; return its report.

    `timings` and `peak_rss_mb` (per phase, so far) go into the report, with the write phase's own
    (`rss_mb`: the peak so far of the build's processes; `started`: when the phase began, if before
    this call, as `time.perf_counter()` gave it).
    """
    started = time.perf_counter() if started is None else started
    release_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=release_dir))
    staging.chmod(0o755)  # a download, readable like any other file (mkdtemp makes it private)
    try:
        report = _write_artifacts(release, staging, timings, peak_rss_mb or {}, rss_mb, started)
        version = release_dir / report["digest"]
        if version.is_dir():  # the same graphs were released before, and versions never change
            shutil.rmtree(staging)
        else:
            staging.rename(version)
        _point_current(release_dir, version.name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return report


def _write_artifacts(
    release: Release,
    folder: Path,
    timings: Mapping[str, float],
    peak_rss_mb: Mapping[str, float],
    rss_mb: Callable[[], float],
    started: float,
) -> dict[str, Any]:
    for name, text in (release.texts or ontology_texts(release.ontology)).items():
        (folder / name).write_text(text, encoding="utf-8")
    ontology = ntriples_lines(release.ontology)
    write_rdfxml(ontology, folder / "ontology.owl", PREFIXES)
    # The data's Turtle is the union of the sources' Turtle blocks, not made from one more merged graph.
    sources = list(release.data.values())
    asserted = write_turtle([g.blocks for g in sources], lambda g: sources[g].lines(), folder / "data.ttl", PREFIXES)
    inferred = release.inferred
    write_turtle([inferred.blocks], lambda _: inferred.lines(), folder / "inferred.ttl", PREFIXES)
    graphs = [GraphText.of(str(ONTOLOGY_GRAPH), ontology, PREFIXES), *sources, inferred]
    _write_dataset(folder / DATASET_FILE, graphs)
    timings = {**timings, "write": time.perf_counter() - started}
    manifest = {**_identity(release, graphs), **_report(release, asserted, timings)}
    manifest["peak_rss_mb"] = {**peak_rss_mb, "write": round(rss_mb(), 1)}
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def _write_dataset(path: Path, graphs: Sequence[GraphText]) -> None:
    """The graphs' N-Quads in the order of their names: the same graphs give the same bytes."""
    with path.open("wb") as dataset:
        for graph in sorted(graphs, key=lambda g: g.name):
            dataset.writelines(graph.nquads())


def _identity(release: Release, written: Sequence[GraphText]) -> dict[str, Any]:
    """What the release is: its digest (of its graphs' digests), the ontology version, each graph."""
    digests = {graph.name: graph.digest for graph in sorted(written, key=lambda g: g.name)}
    graphs = {graph.name: {"digest": graph.digest, "triples": graph.triples} for graph in written}
    graphs = {name: graphs[name] for name in digests}
    whole = hashlib.sha256(json.dumps(digests, sort_keys=True).encode("utf-8")).hexdigest()[:DIGEST_LENGTH]
    version = release.ontology.value(predicate=RDF.type, object=OWL.Ontology, any=True)
    return {
        "digest": whole,
        "ontology_version": str(release.ontology.value(version, OWL.versionIRI) or "") if version else "",
        "graphs": graphs,
        "sources": {name: dict(digests) for name, digests in sorted(release.sources.items())},
    }


def _report(release: Release, asserted: int, timings: Mapping[str, float]) -> dict[str, Any]:
    # the typing triples of the graphs, not a merged copy of them (a million triples at 10^6)
    typed = set(release.inferred.typed).union(*(graph.typed for graph in release.data.values()))
    names = bind_prefixes(Graph()).namespace_manager
    classes: Counter[str] = Counter()
    for token, count in Counter(o for _, o in typed).items():  # a few classes, each named once
        classes[names.normalizeUri(term_text(token))] += count
    return {
        "triples": {
            "ontology": len(release.ontology),
            "asserted_data": asserted,
            "inferred": release.inferred.triples,
        },
        "instances_per_class": dict(sorted(classes.items())),
        "timings_s": {phase: round(seconds, 3) for phase, seconds in timings.items()},
        "work": dict(release.work),
        "quality": dict(release.quality),
    }


def _point_current(release_dir: Path, version: str) -> None:
    """Flip `current` to `version` with one rename, then make sure the documented paths link through it."""
    _replace_with_link(release_dir / CURRENT, version)
    for name, target in LINKS.items():
        link = release_dir / name
        if not (link.is_symlink() and os.readlink(link) == f"{CURRENT}/{target}"):
            _replace_with_link(link, f"{CURRENT}/{target}")


def _replace_with_link(path: Path, target: str) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)  # a folder left by an older layout
    temporary = path.with_name(f".{path.name}.{os.getpid()}.link")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(target)
    os.replace(temporary, path)
