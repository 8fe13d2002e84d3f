"""`clustergraph new-source SLUG`: a new source folder that validates and builds from the first minute.

It writes `data/<slug>/manifest.ttl` (the graph's name as a module header, its primary source, the
licence, the source's bibliographic record), `data/<slug>/case.ttl`, whose comments show a case in
the shape the shapes require, ready to be uncommented and filled in from the source, and the empty CSV
tables in `data/<slug>/tables/` for those who would rather fill in a spreadsheet (see tabular.py). Both files are in
canonical form, and Protégé's edit file and catalog are brought up to date, so `make test` stays green.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from clustergraph.compile.canonical import canonical_turtle
from clustergraph.compile.comments import Comments, with_comments
from clustergraph.compile.load import MANIFEST_FILE
from clustergraph.compile.modules import write_modules
from clustergraph.compile.tabular import TABLES_FOLDER, write_templates
from clustergraph.errors import BuildError
from clustergraph.namespaces import CG, ONTOLOGY_IRI, bind_prefixes, resource_iri, source_base, source_graph

CASE_FILE = "case.ttl"
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")

_CASE_TEMPLATE = """\
# A case, in the shape the shapes require. Uncomment it, replace every «…» with what the source says
# (nothing it does not say), then run `clustergraph validate` on this file and `make fmt`.
# Or fill in the tables in tables/ (one CSV per kind, in a spreadsheet) and compile them into Turtle
# with `clustergraph tabular to-turtle data/{slug}/tables/`.
# A case has exactly one region; regions are shared by every source (reuse an existing one);
# every fact rests on a passage, which quotes the source's own words. What the source says in its own
# terms (the case description, passages, lessons, outcomes …) lives under the source's own IRI,
# written relative to the @base line; regions, clusters and institutions are shared.
#
# @base <{base}> .
# @prefix cg: <https://w3id.org/clustergraph/ontology#> .
# @prefix prov: <http://www.w3.org/ns/prov#> .
# @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
# @prefix region: <https://w3id.org/clustergraph/id/region/> .
# @prefix source: <https://w3id.org/clustergraph/id/source/> .
#
# <case/«slug»> a cg:PolicyCase ;
#     rdfs:label "«name in English»"@en , "«название по-русски»"@ru ;
#     cg:inRegion region:«region-slug» ;
#     cg:attestedBy <passage/«passage-slug»> .
#
# region:«region-slug» a cg:SubnationalRegion ;
#     rdfs:label "«Region»"@en , "«Регион»"@ru ;
#     cg:attestedBy <passage/«passage-slug»> .
#
# <passage/«passage-slug»> a cg:Passage ;
#     rdfs:label "«what the passage is about»"@en , "«о чём фрагмент»"@ru ;
#     cg:quote "«the source's own words, one or two sentences»"@ru ;
#     prov:wasQuotedFrom source:{slug} .
"""


def new_source(project_dir: Path, slug: str, *, label_en: str, label_ru: str) -> list[Path]:
    """Write the source's folder; the files written or updated (manifest, case file, edit file, catalog)."""
    if not _SLUG.fullmatch(slug):
        raise BuildError(f"{slug!r} is not a slug: lower-case ASCII letters and digits joined by '-'")
    folder = project_dir / "data" / slug
    if folder.exists():
        raise BuildError(f"{folder} exists already: a new source needs a folder of its own")
    folder.mkdir(parents=True)
    (folder / MANIFEST_FILE).write_text(_manifest(slug, label_en, label_ru), encoding="utf-8")
    case_comments = Comments(trailer=_CASE_TEMPLATE.format(slug=slug, base=source_base(slug)).splitlines())
    (folder / CASE_FILE).write_text(with_comments(canonical_turtle(bind_prefixes(Graph())), case_comments), "utf-8")
    templates = write_templates(folder / TABLES_FOLDER, project_dir)
    written = [folder / MANIFEST_FILE, folder / CASE_FILE, *templates, *write_modules(project_dir)]
    return list(dict.fromkeys(written))


def _manifest(slug: str, label_en: str, label_ru: str) -> str:
    graph = bind_prefixes(Graph())
    header, source = URIRef(source_graph(slug)), URIRef(resource_iri("source", slug))
    graph.add((header, RDF.type, OWL.Ontology))
    graph.add((header, RDFS.label, Literal(f"What {label_en} says", lang="en")))
    graph.add((header, RDFS.label, Literal(f"Что говорит источник: {label_ru}", lang="ru")))
    graph.add((header, DCTERMS.license, _LICENCE))
    graph.add((header, OWL.imports, URIRef(ONTOLOGY_IRI)))
    graph.add((header, PROV.hadPrimarySource, source))
    graph.add((source, RDF.type, CG.Source))
    graph.add((source, RDFS.label, Literal(label_en, lang="en")))
    graph.add((source, RDFS.label, Literal(label_ru, lang="ru")))
    return canonical_turtle(graph)
