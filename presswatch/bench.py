"""Benchmarks: throughput per format, entity speed against the bare model, watch latency.

Run: python -m presswatch.bench (or `make bench`). Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from presswatch.settings import set_quiet_defaults

SEEDS = Path("tests/fixtures/seeds")
LATENCY_FILES = 10  # arrivals timed one at a time
LATENCY_TIMEOUT = 120.0


def bench_throughput(corpus: Path) -> dict[str, float]:
    """Pages/second through the whole pipeline (read, extract, validate, enrich, write)."""
    from presswatch.evaluate import evaluate

    return {k: v for k, v in evaluate(corpus).items() if k.startswith("pages/second")}


def bench_entities(repeat: int) -> dict[str, float]:
    """Articles/second of presswatch's entity stage and of the bare spaCy model, same texts."""
    from presswatch.entities.evaluate import measure_speed

    return {f"entities {name} (articles/s)": rate for name, rate in measure_speed(repeat).items()}


def bench_stories(sizes: list[int]) -> dict[str, float]:
    """Matching cost per new article and index memory at growing numbers of stored articles."""
    from presswatch.stories.evaluate import load_corpus, measure_speed

    return measure_speed(load_corpus(), sizes)


def bench_watch_latency(work: Path) -> dict[str, float]:
    """Seconds from a file landing in a watched folder to its row answering a DuckDB query."""
    import duckdb

    drop, data = work / "drop", work / "data"
    drop.mkdir(parents=True)
    watcher = subprocess.Popen(
        [sys.executable, "-m", "presswatch.cli", "watch", str(drop), "--data", str(data)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def articles() -> int:
        try:
            with duckdb.connect(str(data / "presswatch.duckdb"), read_only=True) as con:
                return con.sql("select count(*) from articles").fetchall()[0][0]
        except duckdb.Error:
            return -1

    try:
        _wait(lambda: articles() == 0)
        story = (SEEDS / "004_60cfb84bfab2d6d6.txt").read_text(encoding="utf-8")
        latencies = []
        for i in range(LATENCY_FILES):
            started = time.monotonic()
            (drop / f"story-{i}.txt").write_text(f"{story}\n\nUpdate {i}.", encoding="utf-8")
            _wait(lambda n=i + 1: articles() == n)
            latencies.append(time.monotonic() - started)
    finally:
        watcher.send_signal(signal.SIGTERM)
        watcher.wait(timeout=60)
    return {
        "watch: drop to query, median (s)": statistics.median(latencies),
        "watch: drop to query, max (s)": max(latencies),
        "watch: drop to query, first file (s)": latencies[0],
    }


def _wait(condition) -> None:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > LATENCY_TIMEOUT:
            raise TimeoutError("the watcher did not ingest the file in time")
        time.sleep(0.02)


def _versions() -> str:
    from importlib.metadata import version

    packages = ("prefect", "great-expectations", "duckdb", "pyarrow", "trafilatura", "spacy")
    return ", ".join(f"{name} {version(name)}" for name in packages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("eval/corpus"))
    parser.add_argument("--repeat", type=int, default=2, help="corpus copies for entity speed")
    args = parser.parse_args(argv)
    set_quiet_defaults()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="presswatch-bench-") as work:
        for name, run in (
            ("throughput", lambda: bench_throughput(args.corpus)),
            ("entities", lambda: bench_entities(args.repeat)),
            ("stories", lambda: bench_stories([10_000, 100_000])),
            ("watch latency", lambda: bench_watch_latency(Path(work))),
        ):
            print(f"{name} ...", file=sys.stderr, flush=True)
            figures.update(run())
    width = max(map(len, figures))
    print(f"{'benchmark':<{width}}  value\n{'-' * width}  -----")
    for name, value in figures.items():
        print(f"{name:<{width}}  {value:.2f}")
    print(f"({os.cpu_count()} cores, Python {sys.version.split()[0]}, {_versions()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
