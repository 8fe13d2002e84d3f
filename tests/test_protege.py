"""Protégé's path, offline: the edit file imports the ontology and every source through the catalog.

The OWL API (Debian's libowlapi-java, the library Protégé is built on) loads `ontology/clustergraph-edit.ttl`
with every import mapped from `catalog-v001.xml` as Protégé maps it, and `tests/protege/CheckEditFile.java`
reports unparsed triples, OWL 2 DL profile violations and entities without an English and a Russian label.
"""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import OWL

from clustergraph.compile.load import EDIT_FILE, parse_turtle
from clustergraph.compile.modules import CATALOG_FILE, write_modules

PROJECT_DIR = Path(__file__).resolve().parents[1]
CHECKER = Path(__file__).parent / "protege" / "CheckEditFile.java"
OWLAPI_JAR = Path("/usr/share/java/owlapi-distribution.jar")
JAVA_TIMEOUT_S = 300

needs_owlapi = pytest.mark.skipif(
    shutil.which("java") is None or not OWLAPI_JAR.is_file(),
    reason="needs a Java runtime and Debian's libowlapi-java (.ci/run installs both)",
)


def _copy(tmp_path: Path) -> Path:
    for folder in ("ontology", "data"):
        shutil.copytree(PROJECT_DIR / folder, tmp_path / "project" / folder)
    return tmp_path / "project"


def _catalog(ontology_dir: Path) -> dict[str, Path]:
    entries = [e for e in ET.parse(ontology_dir / CATALOG_FILE).getroot().iter() if e.tag.endswith("uri")]
    return {str(e.get("name")): (ontology_dir / str(e.get("uri"))).resolve() for e in entries}


def test_the_edit_file_catalog_and_module_headers_are_up_to_date(tmp_path: Path) -> None:
    assert write_modules(_copy(tmp_path)) == [], "run `make fmt` (it runs `clustergraph modules`)"


def test_every_import_of_every_module_resolves_to_a_file_through_the_catalog() -> None:
    catalog = _catalog(PROJECT_DIR / "ontology")
    assert all(path.is_file() for path in catalog.values())
    seen, todo = set[str](), [str(PROJECT_DIR / "ontology" / EDIT_FILE)]
    while todo:
        graph = parse_turtle(Path(todo.pop()))
        for imported in map(str, graph.objects(None, OWL.imports)):
            assert imported in catalog, f"owl:imports <{imported}> has no entry in the catalog"
            if imported not in seen:
                seen.add(imported)
                todo.append(str(catalog[imported]))
    data_files = {p.resolve() for p in (PROJECT_DIR / "data").rglob("*.ttl")}
    assert data_files <= {catalog[iri] for iri in seen}, "a data file Protégé would not open"


def _run_checker(project: Path) -> subprocess.CompletedProcess[str]:
    """Java's source launcher compiles the checker in memory: a runtime is enough, no JDK needed."""
    edit, catalog = project / "ontology" / EDIT_FILE, project / "ontology" / CATALOG_FILE
    return subprocess.run(
        ["java", "-cp", f"{OWLAPI_JAR.parent}/*", str(CHECKER), str(edit), str(catalog)],
        capture_output=True,
        text=True,
        timeout=JAVA_TIMEOUT_S,
    )


@pytest.mark.slow
@needs_owlapi
def test_the_owl_api_opens_the_edit_file_as_owl2_dl_with_every_entity_labelled() -> None:
    run = _run_checker(PROJECT_DIR)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    summary = run.stdout.strip().splitlines()[-1]
    assert summary.endswith("problems=0")
    modules = 2 + sum(1 for _ in (PROJECT_DIR / "data").rglob("*.ttl"))  # edit file, ontology, every data file
    assert f"modules={modules} " in summary
    assert int(summary.split("individuals=")[1].split()[0]) > 100, "the cases did not come along"


@pytest.mark.slow
@needs_owlapi
def test_the_owl_api_check_finds_what_protege_would_stumble_on(tmp_path: Path) -> None:
    """A year typed xsd:gYear, outside the OWL 2 datatype map, as the data had it before 0.2.0."""
    project = _copy(tmp_path)
    south_carolina = project / "data" / "creative-economy-2017-07" / "south-carolina.ttl"
    text = south_carolina.read_text(encoding="utf-8")
    assert "cg:establishedIn 2005 ;" in text
    south_carolina.write_text(
        text.replace("cg:establishedIn 2005 ;", 'cg:establishedIn "2005"^^xsd:gYear ;'), encoding="utf-8"
    )
    run = _run_checker(project)
    assert run.returncode == 1
    assert "PROFILE" in run.stdout and "gYear" in run.stdout
