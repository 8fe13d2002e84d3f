"""How jobs and answers cross the pipe between the server and a query worker.

Each is one message framed as multiprocessing's `Connection.send_bytes` frames it (its size first),
its first byte saying what follows. A query job goes as a pickled tuple of plain values, and a whole
serialized answer as its body, raw: pickled dataclasses take several times longer to write and to
read, on both sides, for every query (with this and one timer per loop, `watch.py`, the server's CPU
per type lookup fell from 124 to 84 µs and the worker's from 130 to 80 µs: `benchmarks/server_cost.py`,
benchmarks/README.md, "A cheaper trip through the store"). Anything else (other jobs, rows, failures,
the head of a streamed answer) goes pickled; a streamed answer's chunks follow its head raw, each a
message (`answer_messages`).

Messages are written and read here (`send`, `receive`) rather than by `Connection`, whose checks and
buffering are more work per message, and which needs its descriptor blocking: the event loop makes a
descriptor non-blocking whenever it watches it, and setting it back for every query took two more
system calls. Here a read or write that would block makes the descriptor blocking and goes on, which
never waits long: a message is written whole by a process that does nothing else meanwhile.
"""

from __future__ import annotations

import os
import pickle
import struct
from collections.abc import Iterator
from typing import Any

from clustergraph.store.base import Dataset, SerializedResult
from clustergraph.store.jobs import CHUNK_BYTES, Job, QueryJob, Streamed

_QUERY = b"Q"  # a QueryJob's fields
_WHOLE = b"W"  # a whole SerializedResult in the job's media type, not truncated
_TRUNCATED = b"T"  # the same, truncated
_PICKLED = b"P"
_DEFAULT = Dataset()
_SIZE = struct.Struct("!i")  # multiprocessing's header; -1, then the size in 8 bytes, past 2 GiB
_LONG_SIZE = struct.Struct("!Q")
_JOINED = 16384  # a message up to this size is written in one call with its header, as by multiprocessing


def send(descriptor: int, message: bytes | memoryview) -> None:
    """Write one message whole (see the module docstring)."""
    size = len(message)
    header = _SIZE.pack(size) if size <= 0x7FFFFFFF else _SIZE.pack(-1) + _LONG_SIZE.pack(size)
    if size <= _JOINED:
        _write(descriptor, header + message)
    else:  # not copied to be joined to its header
        _write(descriptor, header)
        _write(descriptor, message)


def receive(descriptor: int) -> bytes:
    """Read one message whole; EOFError if the other end is closed."""
    (size,) = _SIZE.unpack(_read(descriptor, _SIZE.size))
    if size == -1:
        (size,) = _LONG_SIZE.unpack(_read(descriptor, _LONG_SIZE.size))
    return _read(descriptor, size)


def _write(descriptor: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(descriptor, view) :]
        except BlockingIOError:  # the pipe is full: the worker or the server is reading it
            os.set_blocking(descriptor, True)


def _read(descriptor: int, size: int) -> bytes:
    parts: list[bytes] = []
    left = size
    while left:
        try:
            part = os.read(descriptor, left)
        except BlockingIOError:  # the rest is on its way
            os.set_blocking(descriptor, True)
            continue
        if not part:
            raise EOFError
        if len(part) == size:  # the whole message at once, as a short one comes
            return part
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def job_message(job: Job) -> bytes:
    if isinstance(job, QueryJob):
        dataset = job.dataset
        given = None
        if dataset.default_graphs or dataset.named_graphs or not dataset.entailment:
            given = (tuple(dataset.default_graphs), tuple(dataset.named_graphs), dataset.entailment)
        fields = (job.text, dict(job.bindings) or None, given, *job[3:])  # a plain tuple, not the class
        return _QUERY + pickle.dumps(fields, pickle.HIGHEST_PROTOCOL)
    return _pickled(job)


def read_job(message: bytes) -> Job:
    if message[:1] == _QUERY:
        fields = pickle.loads(memoryview(message)[1:])
        given = fields[2]
        return QueryJob._make((fields[0], fields[1] or {}, _DEFAULT if given is None else Dataset(*given), *fields[3:]))
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
