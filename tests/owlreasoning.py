"""HermiT (Protégé's reasoner, shipped with owlready2) over a graph: consistent, and no unsatisfiable class."""

from __future__ import annotations

from pathlib import Path

from rdflib import OWL, Graph


def hermit_inconsistencies(graph: Graph, workdir: Path) -> list[str]:
    """Unsatisfiable classes, or the reasoner's own message when the whole knowledge base is inconsistent."""
    import owlready2

    owl_file = workdir / "merged.owl"
    merged = Graph()
    # The graph already holds what its modules import; left in, owlready2 would fetch them from the web.
    merged += ((s, p, o) for s, p, o in graph if p != OWL.imports)
    merged.serialize(owl_file, format="xml")
    world = owlready2.World()
    loaded = world.get_ontology(owl_file.as_uri()).load()
    try:
        with loaded:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as error:
        return [f"inconsistent: {error}"]
    return [str(c) for c in world.inconsistent_classes()]
