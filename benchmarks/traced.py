"""Running a measurement in a subprocess, under a time budget, with its phases and memory traced from outside.

owlrl and pyshacl cannot be interrupted from inside, and at 10^6 triples they run far past any sensible
wait; so each measured step runs in its own process (its own process group), which reports its phases as
JSON lines on stdout (`benchmarks.events`), and which is killed, with everything it started, when a phase
or the whole run exceeds its budget. The parent samples the child's resident memory while it waits, so
each phase gets the peak RSS of the process that ran it.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from benchmarks.events import NESTED

_REPOSITORY = Path(__file__).resolve().parents[1]
_SAMPLE_EVERY_S = 0.2
_STDERR_TAIL_CHARS = 2000
_READER_GRACE_S = 5.0  # for a reader to reach the end of a pipe once the worker has exited


@dataclass
class Phase:
    """One phase as seen from outside: its (total) time once it ended, and the peak RSS while it ran."""

    name: str
    seconds: float = 0.0
    running_since: float | None = None
    peak_rss_mb: float = 0.0

    @property
    def running(self) -> bool:
        return self.running_since is not None

    def as_dict(self, now: float) -> dict[str, Any]:
        ran_for = self.seconds + (now - self.running_since if self.running_since is not None else 0.0)
        return {
            "finished": not self.running,
            "seconds": round(ran_for, 3),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
        }


@dataclass
class Trace:
    """What a worker reported before it finished or was stopped."""

    phases: dict[str, Phase] = field(default_factory=dict)
    results: list[dict[str, Any]] = field(default_factory=list)
    finished: bool = False
    stopped_reason: str | None = None
    returncode: int | None = None
    wall_s: float = 0.0
    peak_rss_mb: float = 0.0
    stderr_tail: str = ""

    def running(self) -> list[Phase]:
        return [p for p in self.phases.values() if p.running]

    def as_dict(self) -> dict[str, Any]:
        return {
            "finished": self.finished,
            "stopped_reason": self.stopped_reason,
            "returncode": self.returncode,
            "wall_s": round(self.wall_s, 3),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "phases": {name: p.as_dict(self.wall_s) for name, p in self.phases.items()},
            "results": self.results,
            "error": self.error,
            "stderr_tail": self.stderr_tail,
        }

    @property
    def error(self) -> str | None:
        """The last line the worker wrote to stderr when it failed on its own (not stopped by a budget)."""
        if self.finished or self.stopped_reason or not self.stderr_tail.strip():
            return None
        return self.stderr_tail.strip().splitlines()[-1]


def run_worker(args: Sequence[str], *, budget_s: float, phase_budget_s: float) -> Trace:
    """Run `python -m benchmarks.worker *args`; stop it when the run or one top-level phase is over budget."""
    command = [sys.executable, "-m", "benchmarks.worker", *args]
    process = subprocess.Popen(
        command, cwd=_REPOSITORY, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    tracer = _Tracer(process, budget_s=budget_s, phase_budget_s=phase_budget_s)
    try:
        return tracer.follow()
    finally:
        _kill_group(process)
        tracer.close()


class _Tracer:
    def __init__(self, process: subprocess.Popen[str], *, budget_s: float, phase_budget_s: float) -> None:
        self.process = process
        self.budget_s = budget_s
        self.phase_budget_s = phase_budget_s
        self.trace = Trace()
        self.start = time.monotonic()
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stderr: list[str] = []
        assert process.stdout is not None and process.stderr is not None
        self.readers = [
            threading.Thread(target=_pump_lines, args=(process.stdout, self.lines), daemon=True),
            threading.Thread(target=_collect, args=(process.stderr, self.stderr), daemon=True),
        ]
        for reader in self.readers:
            reader.start()

    def follow(self) -> Trace:
        while True:
            try:
                line = self.lines.get(timeout=_SAMPLE_EVERY_S)
            except queue.Empty:
                line = ""
            if line is None:
                break
            if line:
                self._line(line)
            self._sample_memory()
            reason = self._over_budget()
            if reason:
                self.trace.stopped_reason = reason
                _kill_group(self.process)
                break
        self.trace.returncode = self.process.wait()
        self.trace.wall_s = time.monotonic() - self.start
        self.readers[1].join(_READER_GRACE_S)  # stderr read to its end, so its tail is the worker's last words
        self.trace.finished = self.trace.stopped_reason is None and self.trace.returncode == 0
        self.trace.stderr_tail = "".join(self.stderr)[-_STDERR_TAIL_CHARS:]
        return self.trace

    def close(self) -> None:
        """Once the worker is gone: let the readers reach the end of its pipes, then close them."""
        for reader in self.readers:
            reader.join(_READER_GRACE_S)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

    def _now(self) -> float:
        return time.monotonic() - self.start

    def _line(self, line: str) -> None:
        """An event; anything else a library printed on stdout is kept with stderr, not taken for one."""
        try:
            event = json.loads(line)
        except ValueError:
            event = None
        if isinstance(event, dict) and event.get("kind") in ("start", "end", "result"):
            self._event(event)
        else:
            self.stderr.append(line)

    def _event(self, event: dict[str, Any]) -> None:
        if event["kind"] == "result":
            self.trace.results.append(event["data"])
            return
        phase = self.trace.phases.setdefault(event["phase"], Phase(event["phase"]))
        if event["kind"] == "start":
            phase.running_since = self._now()
        else:
            phase.seconds = event["seconds"]
            phase.running_since = None

    def _sample_memory(self) -> None:
        rss = _rss_mb(self.process.pid)
        self.trace.peak_rss_mb = max(self.trace.peak_rss_mb, rss)
        for phase in self.trace.running():
            phase.peak_rss_mb = max(phase.peak_rss_mb, rss)

    def _over_budget(self) -> str | None:
        elapsed = self._now()
        if elapsed > self.budget_s:
            return f"did not finish within its budget of {self.budget_s:.0f} s"
        for phase in self.trace.running():
            assert phase.running_since is not None
            if NESTED not in phase.name and elapsed - phase.running_since > self.phase_budget_s:
                return f"phase {phase.name!r} did not finish within {self.phase_budget_s:.0f} s"
        return None


def _pump_lines(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def _collect(stream: IO[str], sink: list[str]) -> None:
    for line in stream:
        sink.append(line)


def _rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _kill_group(process: subprocess.Popen[str]) -> None:
    """Kill the worker and anything it started; it runs in its own session, so its group id is its pid."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()
