"""How jobs and answers cross the pipe between the server and a query worker.

Each is one message of multiprocessing's framing (`Connection.send_bytes`), its first byte saying what
follows. A query job goes as a pickled tuple of plain values, and a whole serialized answer as its
body, raw: pickling the dataclasses instead cost the server about 5 µs and the worker about as much
per cheap query (`benchmarks/server_cost.py`), in a round trip of which the engine's share is some
20 µs. Anything else (other jobs, rows, failures, the head of a streamed answer) goes pickled; a
streamed answer's chunks follow its head raw, each a message (`answer_messages`).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Any

from clustergraph.store.base import Dataset, SerializedResult
from clustergraph.store.jobs import CHUNK_BYTES, Job, QueryJob, Streamed

_QUERY = b"Q"  # a QueryJob's fields
_WHOLE = b"W"  # a whole SerializedResult in the job's media type, not truncated
_TRUNCATED = b"T"  # the same, truncated
_PICKLED = b"P"
_DEFAULT = Dataset()


def job_message(job: Job) -> bytes:
    if isinstance(job, QueryJob):
        dataset = job.dataset
        given = None
        if dataset.default_graphs or dataset.named_graphs or not dataset.entailment:
            given = (tuple(dataset.default_graphs), tuple(dataset.named_graphs), dataset.entailment)
        fields = (
            job.text,
            dict(job.bindings) or None,
            given,
            job.use_query_dataset,
            job.limit,
            job.media_type,
            job.max_bytes,
            job.base_iri,
            job.project_prefixes,
        )
        return _QUERY + pickle.dumps(fields, pickle.HIGHEST_PROTOCOL)
    return _pickled(job)


def read_job(message: bytes) -> Job:
    if message[:1] == _QUERY:
        text, bindings, given, *rest = pickle.loads(memoryview(message)[1:])
        return QueryJob(text, bindings or {}, _DEFAULT if given is None else Dataset(*given), *rest)
    job: Job = pickle.loads(memoryview(message)[1:])
    return job


def answer_messages(answer: Any) -> Iterator[bytes | memoryview]:
    """What the worker sends for `answer`: one message, or a streamed answer's head then its chunks."""
    if not isinstance(answer, SerializedResult):
        yield _pickled(answer)
    elif len(answer.body) <= CHUNK_BYTES:
        yield (_TRUNCATED if answer.truncated else _WHOLE) + answer.body
    else:
        body = memoryview(answer.body)
        yield _pickled(Streamed(answer.media_type, answer.truncated, len(body)))
        for start in range(0, len(body), CHUNK_BYTES):
            yield body[start : start + CHUNK_BYTES]


def read_answer(message: bytes, job: Job) -> Any:
    """The first message of `job`'s answer (the rest of a streamed one is read as raw chunks)."""
    kind = message[:1]
    if kind in (_WHOLE, _TRUNCATED):
        assert isinstance(job, QueryJob) and job.media_type is not None  # only these answer serialized
        return SerializedResult(message[1:], job.media_type, kind == _TRUNCATED)
    return pickle.loads(memoryview(message)[1:])


def _pickled(message: object) -> bytes:
    """Pickled without multiprocessing's own pickler, which copies its table of reducers for every
    message: nothing sent here needs them."""
    return _PICKLED + pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
