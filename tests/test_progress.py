"""What a build shows while it runs: plain lines in a log, a live display on a terminal."""

from __future__ import annotations

import io
from pathlib import Path

from clustergraph.build import build
from clustergraph.progress import Lines, Live, for_stream

SOURCE = "creative-economy-2017-07"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_log_gets_a_line_per_phase_and_source(article_alone: Path, tmp_path: Path) -> None:
    log = io.StringIO()
    progress = for_stream(log)
    assert isinstance(progress, Lines)
    build(article_alone, tmp_path / "release", progress=progress)
    lines = log.getvalue().splitlines()
    assert f"load: 1/1 {SOURCE}" in lines
    for phase in ("load", "reason", "validate", "write"):
        assert f"{phase}: started" in " ".join(lines)
        assert any(line.startswith(f"{phase}: done in ") and "peak RSS" in line for line in lines), phase


def test_a_terminal_gets_the_live_display(project_dir: Path, tmp_path: Path) -> None:
    terminal = Terminal()
    progress = for_stream(terminal)
    assert isinstance(progress, Live)
    try:
        build(project_dir, tmp_path / "release", progress=progress)
    finally:
        progress.close()
    shown = terminal.getvalue()
    for phase in ("load", "reason", "validate", "write"):
        assert phase in shown
    assert "peak RSS" in shown
