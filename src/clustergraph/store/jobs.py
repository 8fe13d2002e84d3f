"""What a query worker does with a job, inside its own process (the process itself: `worker.py`).

Jobs and answers cross the pipe pickled; an answer is a `Solutions`, a `SerializedResult`, bytes, a
tuple of graph names, or `Failed` carrying the error to raise in the parent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from clustergraph.errors import ClusterGraphError, QueryFailed, QuerySyntaxError, ResourceNotFound
from clustergraph.namespaces import INFERRED_GRAPH, PREFIXES
from clustergraph.store.base import Dataset, SerializedResult, Solutions, Term
from clustergraph.store.formats import JSON_LD, graph_format
from clustergraph.store.results import TRIPLES_NOT_ROWS, boolean_as, bounded, solutions_as, triples_as
from clustergraph.store.terms import from_oxigraph, to_oxigraph


@dataclass(frozen=True)
class QueryJob:
    text: str
    bindings: Mapping[str, Term]
    dataset: Dataset
    use_query_dataset: bool
    limit: int | None
    media_type: str | None  # None: answer as Solutions


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


class Engine:
    """A read-only Oxigraph store and the dataset rules of `store.base.Dataset`."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self._graphs = tuple(sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)))

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
            return Failed(QuerySyntaxError(str(error)))
        except (OSError, RuntimeError, ValueError) as error:
            return Failed(QueryFailed(f"the query could not be evaluated: {error}"))

    def _query(self, job: QueryJob) -> Solutions | SerializedResult:
        result = self._store.query(
            job.text,
            substitutions={ox.Variable(name): to_oxigraph(term) for name, term in job.bindings.items()},
            **self._dataset(job.dataset, job.use_query_dataset),
        )
        if isinstance(result, ox.QueryBoolean):
            if job.media_type is None:
                return Solutions((), (), boolean=bool(result))
            return boolean_as(result, job.media_type)
        if isinstance(result, ox.QuerySolutions):
            if job.media_type is None:
                return _rows(result, job.limit)
            solutions = result
            tsv, truncated = bounded(
                lambda sink: solutions.serialize(sink, format=ox.QueryResultsFormat.TSV),
                None if job.limit is None else job.limit + 1,
            )
            return solutions_as(tsv, job.media_type, truncated)
        if job.media_type is None:
            raise QueryFailed(TRIPLES_NOT_ROWS)
        triples = result
        ntriples, truncated = bounded(lambda sink: triples.serialize(sink, format=ox.RdfFormat.N_TRIPLES), job.limit)
        return triples_as(ntriples, job.media_type, truncated)

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
        if dataset.entailment:
            # The store holds exactly the release's graphs, so with entailment our default graph is
            # Oxigraph's union of all graphs, which it evaluates far faster than the same graphs listed
            # (benchmarks/README.md: 2-270x at 10^5-10^6 triples).
            return {"use_default_graph_as_union": True}
        graphs = [ox.NamedNode(g) for g in self._default_graphs(dataset.entailment)]
        return {"default_graph": graphs, "named_graphs": graphs}

    def _default_graphs(self, entailment: bool) -> list[str]:
        return [g for g in self._graphs if entailment or g != str(INFERRED_GRAPH)]


def _rows(result: ox.QuerySolutions, limit: int | None) -> Solutions:
    variables = tuple(v.value for v in result.variables)
    rows: list[dict[str, Term]] = []
    for solution in result:
        if limit is not None and len(rows) == limit:
            return Solutions(variables, tuple(rows), truncated=True)
        rows.append(
            {name: from_oxigraph(term) for name, term in zip(variables, solution, strict=True) if term is not None}
        )
    return Solutions(variables, tuple(rows))
