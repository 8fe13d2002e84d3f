"""The front-matter of query files is checked by a model: a mistake is an error naming the file and
saying what is wrong, never a crash when the service starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from clustergraph.cli import main
from clustergraph.errors import BuildError
from clustergraph.queries import load_catalog, parse_named_query

QUERY = "SELECT ?case ?label WHERE { ?case <http://www.w3.org/2000/01/rdf-schema#label> ?label }\n"


def query_file(tmp_path: Path, front_matter: str, body: str = QUERY) -> Path:
    path = tmp_path / "queries" / "labels.rq"
    path.parent.mkdir(exist_ok=True)
    path.write_text("".join(f"#+ {line}\n" for line in front_matter.splitlines()) + body, encoding="utf-8")
    return path


def test_a_well_formed_file_gives_typed_parameters(tmp_path: Path) -> None:
    path = query_file(
        tmp_path,
        "summary: Labels.\nparameters:\n  case:\n    type: iri\n    kind: case\n    required: true\n    example: 7",
    )
    parameter = parse_named_query(path).parameters[0]
    assert (parameter.name, parameter.type, parameter.kind, parameter.required, parameter.example) == (
        "case",
        "iri",
        "case",
        True,
        "7",
    )


@pytest.mark.parametrize(
    ("front_matter", "body", "problem"),
    [
        pytest.param(
            "summary: x\nparameters:\n  case:\n    type: IRI", QUERY, "parameters.case.type", id="unknown-type"
        ),
        pytest.param(
            "summary: x\nparameters:\n  case:\n    required: yes please",
            QUERY,
            "parameters.case.required",
            id="not-bool",
        ),
        pytest.param(
            "summary: x\nparameters:\n  region:\n    type: iri", QUERY, "does not project ?region", id="not-projected"
        ),
        pytest.param(
            "summary: x\nparameters:\n  case: {}",
            "SELECT ?label WHERE { ?case <http://www.w3.org/2000/01/rdf-schema#label> ?label }\n",
            "does not project ?case",
            id="used-not-projected",
        ),
        pytest.param("summary: x\nsumary: y", QUERY, "sumary", id="unknown-key"),
        pytest.param("summary: [x", QUERY, "not YAML", id="not-yaml"),
        pytest.param("description: no summary", QUERY, "needs a `summary`", id="no-summary"),
    ],
)
def test_a_mistake_is_an_error_naming_the_file(tmp_path: Path, front_matter: str, body: str, problem: str) -> None:
    path = query_file(tmp_path, front_matter, body)
    with pytest.raises(BuildError) as raised:
        load_catalog(path.parent)
    assert str(raised.value).startswith(f"{path}: ")
    assert problem in str(raised.value)


def test_the_service_refuses_to_start_with_a_readable_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query_file(tmp_path, "summary: x\nparameters:\n  case:\n    type: IRI")
    assert main(["--project", str(tmp_path), "serve", "--port", "1"]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"error: {tmp_path / 'queries' / 'labels.rq'}: front-matter: parameters.case.type")
    assert "Traceback" not in error
