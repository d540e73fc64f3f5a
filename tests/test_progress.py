"""Progress: a bar in place on a terminal, whole plain lines everywhere else."""

from __future__ import annotations

import io

from presswatch.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_on_a_terminal():
    out = io.StringIO()
    with Progress("ingest", 400, "files", stream=out, every=0) as progress:
        for _ in range(4):
            progress.advance(100, "x articles")
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("ingest: 100/400 files (25%, ")
    assert "left" in lines[0] and lines[0].endswith("x articles")
    assert lines[-1].startswith("ingest: 400/400 files (100%, ")
    assert "\r" not in out.getvalue() and "\x1b" not in out.getvalue()


def test_plain_lines_are_rate_limited():
    out = io.StringIO()
    with Progress("ingest", 1000, "files", stream=out, every=3600) as progress:
        for _ in range(1000):
            progress.advance()
    assert out.getvalue().splitlines() == [out.getvalue().splitlines()[-1]]  # only the last
    assert "1,000/1,000 files (100%" in out.getvalue()


def test_a_bar_redrawn_in_place_on_a_terminal():
    out = Terminal()
    progress = Progress("archive.warc.gz", 2e9, "MB", stream=out, scale=1e6)
    progress.every = 0
    progress.update(5e8)
    progress.finish()
    text = out.getvalue()
    assert text.startswith("\r[#######---------------------] archive.warc.gz: 500/2,000 MB (25%")
    assert text.count("\r") == 2 and text.endswith("\n")
