"""Watch latency: seconds from a file landing in a watched folder to its row answering a query.

A real `presswatch watch` process; files are dropped one at a time, and another process polls
`select count(*) from articles` read-only, as a user's dashboard would.
"""

from __future__ import annotations

import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from presswatch.bench.results import Figure

SEED = Path("tests/fixtures/seeds/004_60cfb84bfab2d6d6.txt")
FILES = 10  # arrivals timed one at a time
TIMEOUT = 120.0


def bench_watch_latency(work: Path, files: int = FILES) -> list[Figure]:
    drop, data = work / "drop", work / "data"
    drop.mkdir(parents=True)

    def put(name: str, text: str) -> None:
        (drop / name).write_text(text, encoding="utf-8")

    latencies = watch_latencies(str(drop), str(data), data / "presswatch.duckdb", put, files)
    return [
        Figure("latency", "watch: file dropped to row in a query", statistics.median(latencies),
               "s", files, f"max {max(latencies):.2f} s; first file {latencies[0]:.2f} s"),
    ]  # fmt: skip


def watch_latencies(drop: str, data: str, views: Path, put, files: int,
                    env: dict | None = None) -> list[float]:  # fmt: skip
    """Seconds from put(name, text) of each of `files` stories to its row in `views`, with a
    `presswatch watch DROP --data DATA --views VIEWS` process running."""
    import os

    import duckdb

    command = [sys.executable, "-m", "presswatch.cli", "watch", drop, "--data", data,
               "--views", str(views)]  # fmt: skip
    watcher = subprocess.Popen(command, env={**os.environ, **(env or {})},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip

    def articles() -> int:
        try:
            with duckdb.connect(str(views), read_only=True) as con:
                return con.sql("select count(*) from articles").fetchall()[0][0]
        except duckdb.Error:
            return -1

    try:
        _wait(lambda: articles() == 0)
        story = SEED.read_text(encoding="utf-8")
        latencies = []
        for i in range(files):
            started = time.monotonic()
            put(f"story-{i}.txt", f"{story}\n\nUpdate {i}.")
            _wait(lambda n=i + 1: articles() == n)
            latencies.append(time.monotonic() - started)
    finally:
        watcher.send_signal(signal.SIGTERM)
        watcher.wait(timeout=60)
    return latencies


def _wait(condition) -> None:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > TIMEOUT:
            raise TimeoutError("the watcher did not ingest the file in time")
        time.sleep(0.02)
