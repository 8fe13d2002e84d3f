"""What a query worker does with a job, inside its own process (the process itself: `worker.py`).

An answer is a `Solutions`, a `SerializedResult`, bytes, a tuple of graph names, or `Failed` carrying
the error to raise in the parent. A serialized answer larger than `CHUNK_BYTES` goes as `Streamed`
followed by its body in raw chunks (how they cross the pipe: `wire.py`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import pyoxigraph as ox

from clustergraph.dataset import default_dataset, default_graph_names, store_graphs
from clustergraph.errors import ClusterGraphError, EngineFault, QueryFailed, QuerySyntaxError, ResourceNotFound
from clustergraph.namespaces import PREFIXES
from clustergraph.store.base import Dataset, SerializedResult, Solutions, Term
from clustergraph.store.formats import JSON_LD, graph_format
from clustergraph.store.results import TRIPLES_NOT_ROWS, boolean_as, bounded, solutions_answer, triples_as
from clustergraph.store.syntax import readable
from clustergraph.store.terms import from_oxigraph, to_oxigraph


class QueryJob(NamedTuple):
    """One query for a worker. A tuple, not a dataclass: one is made and read for every query on each
    side of the pipe, and a tuple is made in a third of the time (`wire.py`)."""

    text: str
    bindings: Mapping[str, Term]
    dataset: Dataset
    use_query_dataset: bool
    limit: int | None
    media_type: str | None  # None: answer as Solutions
    max_bytes: int | None = None  # of the serialized answer, or of the rows' values
    base_iri: str | None = None  # what relative IRIs resolve against (None where it has none: it costs)
    project_prefixes: bool = True  # declare the project's prefixes (needless for a query using none)


@dataclass(frozen=True)
class GraphJob:
    name: str | None
    media_type: str
    entailment: bool


@dataclass(frozen=True)
class GraphNamesJob:
    pass


Job = QueryJob | GraphJob | GraphNamesJob


@dataclass(frozen=True)
class Failed:
    error: Exception


@dataclass(frozen=True)
class Streamed:
    """A serialized answer's head; `size` bytes of body follow in chunks of at most CHUNK_BYTES."""

    media_type: str
    truncated: bool
    size: int


CHUNK_BYTES = 256 * 1024


class Engine:
    """A read-only Oxigraph store and the dataset rules of `store.base.Dataset`."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self._graphs = tuple(store_graphs(store))
        self._defaults = {  # the store holds exactly the release; made once, not for every query
            entailment: default_dataset(self._graphs, entailment=entailment) for entailment in (True, False)
        }

    def run(self, job: Job) -> Any:
        try:
            if isinstance(job, QueryJob):
                return self._query(job)
            if isinstance(job, GraphJob):
                return self._graph(job)
            return self._graphs
        except ClusterGraphError as error:
            return Failed(error)
        except SyntaxError as error:
            return Failed(QuerySyntaxError(readable(str(error), job.text if isinstance(job, QueryJob) else "")))
        except ValueError as error:  # a value the query computes or binds that Oxigraph refuses
            return Failed(QueryFailed(f"the query could not be evaluated: {str(error)[:200]}"))
        except (OSError, RuntimeError) as error:  # the engine or its storage failed, not the query
            return Failed(EngineFault(f"the query engine failed on this query: {error}"))

    def _query(self, job: QueryJob) -> Solutions | SerializedResult:
        result = self._evaluate(job)
        if isinstance(result, ox.QueryBoolean):
            if job.media_type is None:
                return Solutions((), (), boolean=bool(result))
            return boolean_as(result, job.media_type)
        if isinstance(result, ox.QuerySolutions):
            if job.media_type is None:
                return _rows(result, job.limit, job.max_bytes)
            return solutions_answer(result, lambda: self._evaluate(job), job.media_type, job.limit, job.max_bytes)
        if job.media_type is None:
            raise QueryFailed(TRIPLES_NOT_ROWS)
        triples = result
        ntriples, truncated = bounded(
            lambda sink: triples.serialize(sink, format=ox.RdfFormat.N_TRIPLES), job.limit, job.max_bytes
        )
        return triples_as(ntriples, job.media_type, truncated, job.max_bytes)

    def _evaluate(self, job: QueryJob) -> Any:
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] | None = None
        if job.bindings:
            substitutions = {ox.Variable(name): to_oxigraph(term) for name, term in job.bindings.items()}
        return self._store.query(
            job.text,
            base_iri=job.base_iri,
            # declared for every query that uses them, as the Wikidata Query Service does (declaring
            # them costs Oxigraph some 14 µs a query, a third of a cheap one's time)
            prefixes=PREFIXES if job.project_prefixes else None,
            substitutions=substitutions,
            **self._dataset(job.dataset, job.use_query_dataset),
        )

    def _graph(self, job: GraphJob) -> bytes:
        rdf_format = graph_format(job.media_type)
        if job.name is not None and job.name not in self._graphs:
            raise ResourceNotFound(f"no graph {job.name}; the graphs are: {', '.join(self._graphs)}")
        names = [job.name] if job.name is not None else self._default_graphs(job.entailment)
        body = ox.serialize(
            self._triples(names),
            format=rdf_format,
            prefixes=None if job.media_type == JSON_LD else PREFIXES,
        )
        return body or b""

    def _triples(self, names: list[str]) -> Iterator[ox.Triple]:
        """The triples of the merge of `names`: a triple in two graphs is given once."""
        quads = (q for name in names for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(name)))
        if len(names) == 1:
            yield from (quad.triple for quad in quads)
            return
        seen: set[ox.Triple] = set()
        for quad in quads:
            if quad.triple not in seen:
                seen.add(quad.triple)
                yield quad.triple

    def _dataset(self, dataset: Dataset, use_query_dataset: bool) -> dict[str, Any]:
        """Protocol-given graphs win; else the query's own FROM; else our default (all graphs,
        less the inferred one without entailment), with the same graphs available to GRAPH."""
        if dataset.default_graphs or dataset.named_graphs:
            return {
                "default_graph": [ox.NamedNode(g) for g in dataset.default_graphs],
                "named_graphs": [ox.NamedNode(g) for g in dataset.named_graphs],
            }
        if use_query_dataset:
            return {}
        return self._defaults[dataset.entailment]

    def _default_graphs(self, entailment: bool) -> list[str]:
        return default_graph_names(self._graphs, entailment=entailment)


def _rows(result: ox.QuerySolutions, limit: int | None, max_bytes: int | None) -> Solutions:
    """At most `limit` rows whose values add up to at most `max_bytes` (in UTF-8, roughly)."""
    variables = tuple(v.value for v in result.variables)
    rows: list[dict[str, Term]] = []
    left = max_bytes
    for solution in result:
        row = {name: from_oxigraph(term) for name, term in zip(variables, solution, strict=True) if term is not None}
        if left is not None:
            left -= sum(len(term.value) + len(term.datatype or "") for term in row.values())
        if (limit is not None and len(rows) == limit) or (left is not None and left < 0):
            return Solutions(variables, tuple(rows), truncated=True)
        rows.append(row)
    return Solutions(variables, tuple(rows))
