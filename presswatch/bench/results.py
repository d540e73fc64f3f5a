"""Figures of a benchmark run, medians of repeated runs, and the table they make."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

PACKAGES = ("prefect", "great-expectations", "duckdb", "pyarrow", "trafilatura", "spacy")


@dataclass
class Figure:
    """One measured figure; `compare` says what it is measured against, in the same run."""

    section: str
    measure: str
    value: float
    unit: str
    runs: int = 1
    compare: str = ""

    def cells(self) -> list[str]:
        value = f"{self.value:,.2f}" if abs(self.value) < 100 else f"{self.value:,.0f}"
        runs = f"median of {self.runs}" if self.runs > 1 else "1 run"
        return [self.section, self.measure, f"{value} {self.unit}".strip(), runs, self.compare]


def median_seconds(run: Callable[[], object], runs: int) -> float:
    """Median wall time of `runs` calls of `run`."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def machine(steal: float | None = None) -> str:
    """What ran the benchmarks and, given its share (see steal_share), how busy its host was."""
    cpu = _cpu_model() or platform.processor() or platform.machine()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    packages = ", ".join(f"{name} {version(name)}" for name in PACKAGES)
    busy = "" if steal is None else f"; the host took {steal:.0f}% of its CPU time (steal)"
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {sys.version.split()[0]}; {packages}{busy}"
    )


def _cpu_model() -> str:
    """The CPU's model name (Linux), which says more than the architecture."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return ""
    return next(
        (line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), ""
    )


STEAL = 7  # /proc/stat's cpu line: user nice system idle iowait irq softirq steal


def cpu_times() -> list[int]:
    """The machine's CPU time counters (Linux /proc/stat; empty elsewhere)."""
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0]
    except OSError:
        return []
    return [int(ticks) for ticks in first.split()[1 : STEAL + 2]]


def steal_share(before: list[int], after: list[int]) -> float | None:
    """The percentage of CPU time a virtual machine's host took between two readings (steal):
    on a busy host every figure is slower. None where there are no readings."""
    if not before or not after:
        return None
    ticks = [b - a for a, b in zip(before, after, strict=True)]
    return 100 * ticks[STEAL] / max(sum(ticks), 1)


def table(figures: list[Figure]) -> str:
    """A Markdown table: readable as printed text and rendered by GitHub."""
    rows = [["section", "measure", "value", "runs", "compared with (same run)"]]
    rows += [figure.cells() for figure in figures]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
    return "\n".join(lines)


def report(figures: list[Figure], seconds: float, about: str | None = None) -> str:
    """bench/results.md: when, on what (`about`, else machine()), the table."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "# presswatch benchmarks\n\n"
        f"Written by `make bench` on {stamp} in {seconds / 60:.1f} minutes.\n\n"
        f"Machine: {about or machine()}.\n\n{table(figures)}\n"
    )
