"""watch: files are ingested as they arrive, once and whole, until SIGTERM stops it cleanly."""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import duckdb

from tests.conftest import SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def counts(data: Path) -> tuple[int, int]:
    try:
        with duckdb.connect(str(data / "presswatch.duckdb"), read_only=True) as con:
            return con.sql(
                "select (select count(*) from articles), (select count(*) from quarantine)"
            ).fetchall()[0]
    except duckdb.Error:
        return (-1, -1)


def wait_for(condition, timeout: float = 90.0) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, "timed out"
        time.sleep(0.05)
    return time.monotonic() - started


def test_watch_ingests_arrivals_once_whole_and_stops_on_sigterm(cli, tmp_path):
    drop, data = tmp_path / "drop", tmp_path / "data"
    drop.mkdir()
    watcher = cli(
        "watch", str(drop), "--data", str(data),
        PRESSWATCH_MIN_FILE_AGE="2", PRESSWATCH_RESCAN_INTERVAL="1",
        PRESSWATCH_CLEAN_SOURCE="move",
    )  # fmt: skip
    try:
        wait_for(lambda: counts(data) == (0, 0))
        shutil.copy(SEED_FILES[0], drop / "copied.txt")  # close-write
        latency = wait_for(lambda: counts(data)[0] == 1)
        print(f"drop to query: {latency:.2f} s")

        (drop / "moved.txt.part").write_bytes(SEED_FILES[1].read_bytes())
        os.rename(drop / "moved.txt.part", drop / "moved.txt")  # moved-to
        (drop / "empty.txt").write_bytes(b"")
        slow = SEED_FILES[2].read_bytes()
        with open(drop / "slow.txt", "wb") as handle:  # written over 3 s, one handle
            for start in range(0, len(slow), len(slow) // 6 + 1):
                handle.write(slow[start : start + len(slow) // 6 + 1])
                handle.flush()
                time.sleep(0.5)
        wait_for(lambda: counts(data) == (3, 1))
        time.sleep(3)  # rescans come and go: nothing is taken twice
        assert counts(data) == (3, 1)
    finally:
        watcher.send_signal(signal.SIGTERM)
        out, err = watcher.communicate(timeout=60)
    assert watcher.returncode == 0, err
    assert "ingested 4 files: 3 accepted, 1 quarantined" in out
    with duckdb.connect(str(data / "presswatch.duckdb"), read_only=True) as con:
        (body,) = con.sql("select body from articles where source_file = 'slow.txt'").fetchall()[0]
    assert "leader-level diplomatic engagement" in body  # the story's end: the whole file
    assert sorted(p.name for p in (drop / "processed").iterdir()) == [
        "copied.txt",
        "moved.txt",
        "slow.txt",
    ]
    assert "empty_file" in (drop / "rejected" / "empty.txt.reason").read_text()
