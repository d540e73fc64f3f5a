"""Progress of long commands: a bar redrawn in place on a terminal, plain lines otherwise.

Written to stderr, so stdout keeps only a command's result. Plain lines (logs, CI, pipes) come
at most every `every` seconds and at the end, each whole and readable alone.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 28


class Progress:
    """Counts `done` of `total` units; `with Progress(...) as p: p.advance(n)`."""

    def __init__(
        self,
        label: str,
        total: float,
        unit: str = "",
        stream: TextIO | None = None,
        every: float = 10.0,
        scale: float = 1.0,
    ) -> None:
        self.label, self.total, self.unit = label, total, unit
        self.stream = stream or sys.stderr
        self.terminal = self.stream.isatty()
        self.every = 0.2 if self.terminal else every
        self.scale = scale  # shown values are units / scale (bytes shown as MB: scale=1e6)
        self.done, self.note = 0.0, ""
        self.started = self.shown = time.monotonic()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.finish()

    def advance(self, amount: float = 1, note: str = "") -> None:
        self.update(self.done + amount, note)

    def update(self, done: float, note: str = "") -> None:
        self.done, self.note = done, note or self.note
        self.total = max(self.total, done)  # a gzip stream's offset counts decompressed bytes
        now = time.monotonic()
        if now - self.shown >= self.every:
            self.shown = now
            self._show(self.note)

    def finish(self, note: str = "") -> None:
        self._show(note or self.note)
        if self.terminal:
            self.stream.write("\n")
        self.stream.flush()

    def line(self, note: str = "") -> str:
        elapsed = time.monotonic() - self.started
        done, total = self.done / self.scale, self.total / self.scale
        share = self.done / self.total if self.total else 1.0
        text = f"{self.label}: {_num(done)}/{_num(total)} {self.unit}".rstrip()
        text += f" ({share:.0%}, {elapsed:.0f} s"
        if 0 < share < 1:
            text += f", about {elapsed * (1 - share) / share:.0f} s left"
        text += ")"
        return f"{text} {note}".rstrip()

    def _show(self, note: str) -> None:
        text = self.line(note)
        if self.terminal:
            share = min(1.0, self.done / self.total) if self.total else 1.0
            filled = round(share * BAR_WIDTH)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            self.stream.write(f"\r[{bar}] {text}\x1b[K")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def _num(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 or value == int(value) else f"{value:,.1f}"
