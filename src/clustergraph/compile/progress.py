"""What a long build shows while it runs: a live display on a terminal, plain lines in a log, nothing in tests.

A build reports each phase as it starts (with how many steps it has, when it knows), each step (a
source, say) and each phase's end with its time and the process's peak memory so far.
"""

from __future__ import annotations

import resource
import sys
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from rich.progress import TaskID


def peak_rss_mb() -> float:
    """The peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Progress(Protocol):
    def start(self, phase: str, total: int | None = None) -> None: ...

    def step(self, item: str) -> None: ...

    def finish(self, phase: str, seconds: float, rss_mb: float) -> None: ...

    def close(self) -> None: ...


class Quiet:
    def start(self, phase: str, total: int | None = None) -> None:
        pass

    def step(self, item: str) -> None:
        pass

    def finish(self, phase: str, seconds: float, rss_mb: float) -> None:
        pass

    def close(self) -> None:
        pass


class Lines:
    """One line per event, for logs and pipes."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._phase = ""
        self._total: int | None = None
        self._done = 0

    def start(self, phase: str, total: int | None = None) -> None:
        self._phase, self._total, self._done = phase, total, 0
        self._print(f"{phase}: started" + (f" ({total} steps)" if total else ""))

    def step(self, item: str) -> None:
        self._done += 1
        self._print(f"{self._phase}: {self._done}/{self._total or '?'} {item}")

    def finish(self, phase: str, seconds: float, rss_mb: float) -> None:
        self._print(f"{phase}: done in {seconds:.2f} s, peak RSS {rss_mb:.0f} MiB")

    def close(self) -> None:
        pass

    def _print(self, text: str) -> None:
        print(text, file=self._stream, flush=True)


class Live:
    """A rich progress display: a bar per phase, the current step beside it."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[note]}"),
            console=Console(file=stream),
        )
        self._task: TaskID | None = None
        self._progress.start()

    def start(self, phase: str, total: int | None = None) -> None:
        self._task = self._progress.add_task(phase, total=total, note="")

    def step(self, item: str) -> None:
        if self._task is not None:
            self._progress.update(self._task, advance=1, note=item)

    def finish(self, phase: str, seconds: float, rss_mb: float) -> None:
        if self._task is None:
            return
        total = self._progress.tasks[-1].total or 1
        note = f"{seconds:.2f} s, peak RSS {rss_mb:.0f} MiB"
        self._progress.update(self._task, total=total, completed=total, note=note)

    def close(self) -> None:
        self._progress.stop()


def for_stream(stream: TextIO = sys.stderr) -> Progress:
    """A live display on a terminal, plain lines otherwise."""
    return Live(stream) if stream.isatty() else Lines(stream)
