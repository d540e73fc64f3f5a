"""Hostile input: the slowest input and the largest peak memory over the fault table.

Every case of tests/test_hostile.py is ingested alone, beside the seed, by `presswatch ingest` in
a process of its own (all against one Prefect server): its seconds, and the peak resident set
of the command plus that of each of its extractor processes (VmHWM from /proc while it runs;
the sum is an upper bound of what was held at once). Bounded input keeps both near a plain
run's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from presswatch.bench.results import Figure
from presswatch.progress import Progress

ROOT = Path(__file__).resolve().parents[2]


def bench_hostile(work: Path) -> list[Figure]:
    sys.path.insert(0, str(ROOT))  # the table lives with the tests of a clone
    from presswatch.temporary_server import temporary_server
    from tests.test_hostile import CASES, SEED

    rows = []
    with temporary_server(120) as api_url, Progress("hostile", len(CASES) + 1, "cases") as bar:
        env = {**os.environ, "PREFECT_API_URL": api_url, "PRESSWATCH_MIN_FILE_AGE": "0"}
        for index, case in enumerate([None, *CASES]):
            drop, outside = work / f"drop-{index}", work / f"outside-{index}"
            drop.mkdir()
            outside.mkdir()
            shutil.copy(SEED, drop / "seed.txt")
            if case:
                case.make(drop, outside)
            seconds, peak_mb = _run(drop, work / f"data-{index}", env)
            rows.append((case.name if case else "the seed alone", seconds, peak_mb))
            bar.advance(1, f"{rows[-1][0]}: {seconds:.1f} s, {peak_mb:.0f} MB")
    plain, cases = rows[0], rows[1:]
    for name, seconds, peak in sorted(cases, key=lambda r: -r[1]):
        print(f"hostile: {name}: {seconds:.1f} s, peak {peak:.0f} MB", file=sys.stderr)
    slowest = max(cases, key=lambda r: r[1])
    largest = max(cases, key=lambda r: r[2])
    return [
        Figure("hostile", f"slowest of {len(cases)} hostile inputs ({slowest[0]}), whole ingest",
               slowest[1], "s", 1, f"the seed alone: {plain[1]:.1f} s; median of the cases "
               f"{sorted(r[1] for r in cases)[len(cases) // 2]:.1f} s"),
        Figure("hostile", f"largest peak memory of the hostile inputs ({largest[0]})",
               largest[2], "MB", 1, f"the seed alone: {plain[2]:.0f} MB (command and extractor "
               "processes, the sum of their peaks)"),
    ]  # fmt: skip


def _run(drop: Path, data: Path, env: dict) -> tuple[float, float]:
    command = [sys.executable, "-m", "presswatch.cli", "ingest", str(drop), "--data", str(data)]
    started = time.monotonic()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peaks: dict[int, int] = {}
    while child.poll() is None:
        for pid in [child.pid, *extractor_pids(child.pid)]:
            peaks[pid] = max(peaks.get(pid, 0), high_water_kb(pid))
        time.sleep(0.05)
    seconds = time.monotonic() - started
    if child.returncode:
        raise RuntimeError(f"ingest of {drop} failed: {child.stderr.read().decode()[-2000:]}")
    return seconds, sum(peaks.values()) / 1000


def extractor_pids(parent: int) -> list[int]:
    """The command's extractor processes (presswatch.sandbox), not its Prefect server."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if ppid == parent and b"presswatch.sandbox" in (stat.parent / "cmdline").read_bytes():
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def high_water_kb(pid: int) -> int:
    """A process's own peak resident set so far (VmHWM)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0  # ended meanwhile
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), "VmHWM: 0 kB")
    return int(line.split()[1])
