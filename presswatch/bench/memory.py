"""Peak memory of ingesting large streams: a crawler JSONL dump and a web archive.

Each file is ingested by `presswatch ingest` in its own process. Streamed input keeps the peak
(the kernel's high-water mark of the process's resident set) flat: the peak once the first
eighth of the file is committed and the peak at its end, in the same run, are about the same.
Entities are off here: the model's memory does not depend on the input, and it would make a
2 GB run take an hour.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from presswatch.bench.inputs import load_pages, write_jsonl, write_warc
from presswatch.bench.results import Figure
from presswatch.progress import Progress

GB = 1_000_000_000
EARLY = 1 / 8  # the first reading: once this share of the file is committed


def bench_memory(
    work: Path, jsonl_bytes: int = 2 * GB, warc_bytes: int = 1 * GB, chunk: int | None = None
) -> list[Figure]:
    """Peak RSS and rate of each file's ingest; `chunk` records per committed chunk (the
    batch_size setting) if not the default."""
    pages = load_pages()
    figures = []
    for kind, size, write in (
        ("JSONL", jsonl_bytes, write_jsonl),
        ("WARC", warc_bytes, write_warc),
    ):
        drop = work / kind
        drop.mkdir(parents=True)
        path = drop / ("crawl.jsonl" if kind == "JSONL" else "crawl.warc.gz")
        print(f"memory: writing a {size / GB:.2f} GB {kind} file", file=sys.stderr)
        records = write(path, pages, size)
        run = _ingest_peak(drop, work / f"data-{kind}", path, chunk)
        file_mb = path.stat().st_size / 1e6
        figures += [
            Figure("memory", f"peak RSS ingesting a {file_mb / 1000:.1f} GB {kind} file "
                   f"({records:,} articles)", run.peak_rss_mb, "MB", 1,
                   f"{run.early_rss_mb:.0f} MB once its first {run.early_committed_mb:,.0f} MB "
                   f"were committed, same run: x{run.peak_rss_mb / run.early_rss_mb:.2f} for "
                   f"x{file_mb / run.early_committed_mb:.1f} input"),
            Figure("memory", f"{kind} stream ingest rate, entities off", file_mb / run.seconds,
                   "MB/s", 1, f"{records / run.seconds:.0f} articles/s"),
        ]  # fmt: skip
    return figures


@dataclass
class PeakRun:
    """What `_ingest_peak` read of one ingest process."""

    peak_rss_mb: float = 0.0
    early_rss_mb: float = 0.0  # the peak once EARLY of the file was committed
    early_committed_mb: float = 0.0  # how much of the file that was (whole chunks)
    seconds: float = 0.0


def _ingest_peak(drop: Path, data: Path, path: Path, chunk: int | None) -> PeakRun:
    """Peak RSS of `presswatch ingest drop` in a process of its own, read from /proc while it
    runs (Linux): once EARLY of the file is committed, and at the end; and its seconds."""
    env = {**os.environ, "PRESSWATCH_ENTITIES": "off", "PRESSWATCH_MIN_FILE_AGE": "0"}
    if chunk:
        env["PRESSWATCH_BATCH_SIZE"] = str(chunk)
    command = [sys.executable, "-m", "presswatch.cli", "ingest", str(drop), "--data", str(data)]
    started = time.monotonic()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    total, run, peak_kb = path.stat().st_size, PeakRun(), 0
    with Progress(f"memory: ingest {path.name}", total / 1e6, "MB") as progress:
        while child.poll() is None:
            peak_kb = max(peak_kb, _tree_high_water_kb(child.pid))
            committed = _committed_bytes(data, total)
            if not run.early_rss_mb and EARLY * total <= committed < total:
                run.early_rss_mb, run.early_committed_mb = peak_kb / 1000, committed / 1e6
            progress.update(committed / 1e6)
            time.sleep(0.5)
    if child.returncode:
        raise RuntimeError(f"ingest of {path} failed: {child.stderr.read().decode()[-2000:]}")
    if not run.early_rss_mb:
        raise RuntimeError(f"{path} was committed in one piece: make it larger than one chunk")
    run.peak_rss_mb, run.seconds = peak_kb / 1000, time.monotonic() - started
    return run


def _tree_high_water_kb(pid: int) -> int:
    """The peak resident set so far (VmHWM) of the command and of each of its extractor
    processes, summed; not its Prefect server's."""
    from presswatch.bench.hostile import extractor_pids, high_water_kb

    return sum(high_water_kb(p) for p in [pid, *extractor_pids(pid)])


def _committed_bytes(data: Path, total: int) -> int:
    """How far the ingest has got: the resume offset of its last committed chunk."""
    import pyarrow.parquet as pq

    ledger = data / "lake" / "ledger"
    offsets = [0]
    for part in ledger.glob("*.parquet") if ledger.is_dir() else ():
        try:
            offsets += [
                o for o in pq.read_table(part, columns=["resume_offset"])[0].to_pylist() if o
            ]
        except OSError:
            continue  # being written
    return min(total, max(offsets))
