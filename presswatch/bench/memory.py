"""Peak memory of ingesting large streams: a crawler JSONL dump and a web archive.

Each file is ingested by `presswatch ingest` in its own process, at full size and at an eighth
of it: streamed input keeps the peak (the kernel's high-water mark of the process's resident
set) the same whatever the file's size. Entities are off here: the model's memory does not
depend on the input, and it would make a 2 GB run take an hour.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from presswatch.bench.inputs import load_pages, write_jsonl, write_warc
from presswatch.bench.results import Figure
from presswatch.progress import Progress

GB = 1_000_000_000
SMALL = 8  # the comparison file is this many times smaller


def bench_memory(work: Path, jsonl_bytes: int = 2 * GB, warc_bytes: int = 1 * GB) -> list[Figure]:
    pages = load_pages()
    figures = []
    for kind, size, write in (
        ("JSONL", jsonl_bytes, write_jsonl),
        ("WARC", warc_bytes, write_warc),
    ):
        peaks = {}
        for label, target in (("small", size // SMALL), ("full", size)):
            drop = work / f"{kind}-{label}"
            drop.mkdir(parents=True)
            path = drop / f"crawl.{kind.lower()}" if kind == "JSONL" else drop / "crawl.warc.gz"
            print(f"memory: writing a {target / GB:.2f} GB {kind} file", file=sys.stderr)
            records = write(path, pages, target)
            peaks[label] = (*_ingest_peak(drop, work / f"data-{kind}-{label}", path), records)
        (full_mb, seconds, full_n), (small_mb, _, small_n) = peaks["full"], peaks["small"]
        size_mb = os.path.getsize(work / f"{kind}-full" / path.name) / 1e6
        figures += [
            Figure("memory", f"peak RSS ingesting a {size_mb / 1000:.1f} GB {kind} file "
                   f"({full_n:,} articles)", full_mb, "MB", 1,
                   f"{size_mb / SMALL / 1000:.2f} GB file ({small_n:,} articles): "
                   f"{small_mb:.0f} MB; x{full_mb / small_mb:.2f} for x{SMALL} input"),
            Figure("memory", f"{kind} stream ingest rate, entities off", size_mb / seconds, "MB/s",
                   1, f"{full_n / seconds:.0f} articles/s"),
        ]  # fmt: skip
    return figures


def _ingest_peak(drop: Path, data: Path, path: Path) -> tuple[float, float]:
    """Peak RSS (MB) and seconds of `presswatch ingest drop` in a process of its own, read from
    /proc while it runs (Linux)."""
    env = {**os.environ, "PRESSWATCH_ENTITIES": "off", "PRESSWATCH_MIN_FILE_AGE": "0"}
    command = [sys.executable, "-m", "presswatch.cli", "ingest", str(drop), "--data", str(data)]
    started = time.monotonic()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    total = path.stat().st_size
    peak_kb = 0
    with Progress(f"memory: ingest {path.name}", total / 1e6, "MB") as progress:
        while child.poll() is None:
            peak_kb = max(peak_kb, _high_water_kb(child.pid))
            progress.update(_committed_bytes(data, total) / 1e6)
            time.sleep(0.5)
    if child.returncode:
        raise RuntimeError(f"ingest of {path} failed: {child.stderr.read().decode()[-2000:]}")
    return peak_kb / 1000, time.monotonic() - started


def _high_water_kb(pid: int) -> int:
    """The process's own peak resident set so far (VmHWM), without its Prefect server child."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0  # ended meanwhile
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), "VmHWM: 0 kB")
    return int(line.split()[1])


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
