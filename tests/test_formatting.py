"""`clustergraph fmt` keeps hand-written comments, and refuses what it cannot place rather than drop it."""

from __future__ import annotations

from pathlib import Path

import pytest

from clustergraph.compile.formatting import format_paths
from clustergraph.errors import BuildError
from clustergraph.namespaces import scoped_iri, source_base

COMMENTED = """\
# File header: who wrote this and why.
@prefix cg: <https://w3id.org/clustergraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

# About b, which canonical order puts second
<https://w3id.org/clustergraph/id/region/b> a cg:Region ;
    # written inside b's block
    rdfs:label "B # is not a comment here"@en .

# About a
<https://w3id.org/clustergraph/id/region/a> a cg:Region .
# the last word
"""


def _formatted(tmp_path: Path, text: str) -> str:
    path = tmp_path / "commented.ttl"
    path.write_text(text, encoding="utf-8")
    format_paths([path])
    return path.read_text(encoding="utf-8")


def test_every_full_line_comment_survives_next_to_its_block(tmp_path: Path) -> None:
    lines = _formatted(tmp_path, COMMENTED).splitlines()
    assert lines[0] == "# File header: who wrote this and why."
    assert lines[lines.index("region:a") - 1] == "# About a"
    before_b = lines[lines.index("region:b") - 2 : lines.index("region:b")]
    assert before_b == ["# About b, which canonical order puts second", "# written inside b's block"]
    assert lines[-1] == "# the last word"
    assert '    rdfs:label "B # is not a comment here"@en ;' in lines


def test_formatting_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    once = _formatted(tmp_path, COMMENTED)
    assert format_paths([tmp_path / "commented.ttl"], check=True) == []
    assert _formatted(tmp_path, once) == once


def test_a_comment_at_the_end_of_a_line_stops_fmt_and_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "trailing.ttl"
    text = '@prefix cg: <https://w3id.org/clustergraph/ontology#> .\ncg:x cg:y "a#b" , <urn:x#y> . # why\n'
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BuildError, match=r"trailing\.ttl: line\(s\) 2 end with a comment"):
        format_paths([path])
    assert path.read_text(encoding="utf-8") == text


def test_a_sources_own_resources_are_written_relative_to_its_base(tmp_path: Path) -> None:
    """In `<source>/x.ttl` a resource of that source reads `<case/x>` under `@base`, whatever it was written as;
    shared ones and other sources' keep their prefixed or full form."""
    folder = tmp_path / "some-source"
    folder.mkdir()
    path = folder / "x.ttl"
    path.write_text(
        "@prefix cg: <https://w3id.org/clustergraph/ontology#> .\n"
        f"<{scoped_iri('some-source', 'case', 'x')}> a cg:PolicyCase ;\n"
        "    cg:inRegion <https://w3id.org/clustergraph/id/region/y> ;\n"
        f"    cg:attestedBy <{scoped_iri('other-source', 'passage', 'z')}> .\n",
        encoding="utf-8",
    )
    format_paths([path])
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"@base <{source_base('some-source')}> .\n")
    assert "\n<case/x>\n    a cg:PolicyCase ;" in text
    assert "cg:inRegion region:y ;" in text
    assert f"cg:attestedBy <{scoped_iri('other-source', 'passage', 'z')}> ;" in text
    assert format_paths([path], check=True) == []
