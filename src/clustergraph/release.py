"""Writing the release: the artifacts researchers download and the service loads.

The release folder is written beside the old one and swapped in with renames, so a failed build never
leaves a half-written release behind and a running server never reads one.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph

from clustergraph.canonical import canonical_turtle, stable_blank_nodes
from clustergraph.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, bind_prefixes, source_graph

DATASET_FILE = "dataset.nq"
REPORT_FILE = "report.json"


@dataclass(frozen=True)
class Release:
    ontology: Graph
    data: Mapping[str, Graph]
    inferred: Graph

    def named_graphs(self) -> dict[str, Graph]:
        graphs = {str(ONTOLOGY_GRAPH): self.ontology}
        graphs.update({source_graph(name): graph for name, graph in self.data.items()})
        graphs[str(INFERRED_GRAPH)] = self.inferred
        return graphs


def write_release(release: Release, target: Path, timings: Mapping[str, float]) -> dict[str, Any]:
    """Write every artifact into a fresh folder, then swap it in for `target`; return the report."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        report = _write_artifacts(release, staging, timings)
        _swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return report


def _write_artifacts(release: Release, folder: Path, timings: Mapping[str, float]) -> dict[str, Any]:
    started = time.perf_counter()
    (folder / "ontology.ttl").write_text(canonical_turtle(release.ontology), encoding="utf-8")
    release.ontology.serialize(folder / "ontology.owl", format="xml")
    release.ontology.serialize(folder / "ontology.jsonld", format="json-ld", auto_compact=True)
    data = bind_prefixes(Graph())
    for graph in release.data.values():
        data += graph
    # The data files are downloads, not sources someone edits: rdflib's sorted `longturtle` is enough,
    # and 30x faster than the sectioned canonical form (benchmarks/README.md: 61 s of 67 s at 10^5).
    stable_blank_nodes(data).serialize(folder / "data.ttl", format="longturtle", encoding="utf-8")
    stable_blank_nodes(release.inferred).serialize(folder / "inferred.ttl", format="longturtle", encoding="utf-8")
    (folder / DATASET_FILE).write_text(_nquads(release.named_graphs()), encoding="utf-8")
    report = _report(release, data, {**timings, "write": time.perf_counter() - started})
    (folder / REPORT_FILE).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


def _nquads(graphs: Mapping[str, Graph]) -> str:
    """N-Quads sorted line by line, so two builds of the same sources give the same bytes."""
    lines: list[str] = []
    for name, graph in graphs.items():
        for triple_line in stable_blank_nodes(graph).serialize(format="nt").splitlines():
            if triple_line.strip():
                lines.append(f"{triple_line[:-1].rstrip()} <{name}> .")
    return "\n".join(sorted(lines)) + "\n"


def _report(release: Release, data: Graph, timings: Mapping[str, float]) -> dict[str, Any]:
    typed = data + release.inferred
    classes = Counter(typed.namespace_manager.normalizeUri(str(o)) for o in typed.objects(None, RDF.type))
    return {
        "graphs": {name: len(graph) for name, graph in release.named_graphs().items()},
        "triples": {
            "ontology": len(release.ontology),
            "asserted_data": len(data),
            "inferred": len(release.inferred),
        },
        "instances_per_class": dict(sorted(classes.items())),
        "timings_s": {phase: round(seconds, 3) for phase, seconds in timings.items()},
    }


def _swap_in(staging: Path, target: Path) -> None:
    retired = target.with_name(f".{target.name}-retired")
    shutil.rmtree(retired, ignore_errors=True)
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
