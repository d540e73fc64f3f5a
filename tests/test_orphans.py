"""No orphans: when ingest, watch or compact dies by SIGKILL, nothing it started keeps running.

Each command runs as a real process with no Prefect server configured, so it starts its own
temporary one; ingest is killed while its forked NER workers run. Linux only (prctl).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SEEDS

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")


def children_by_parent() -> dict[int, list[int]]:
    table: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        table.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return table


def descendants(pid: int) -> list[int]:
    table, found, todo = children_by_parent(), [], [pid]
    while todo:
        kids = table.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.fixture
def big_drop(tmp_path) -> Path:
    """120 crawler records: enough for NER to fork its worker processes."""
    drop = tmp_path / "drop"
    drop.mkdir()
    story = (SEEDS / "004_60cfb84bfab2d6d6.txt").read_text(encoding="utf-8")
    with open(drop / "crawl.jsonl", "w", encoding="utf-8") as out:
        for i in range(120):
            record = {"url": f"https://www.example.com/{i}", "title": f"Kim and Putin {i}",
                      "maintext": f"{story}\n\nUpdate {i}.", "language": "en"}  # fmt: skip
            out.write(json.dumps(record) + "\n")
    return drop


@pytest.mark.parametrize("command", ["ingest", "watch", "compact"])
def test_a_killed_command_leaves_nothing_running(command, big_drop, tmp_path):
    data = tmp_path / "data"
    args = {"ingest": [str(big_drop)], "watch": [str(big_drop)], "compact": []}[command]
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PRESSWATCH_MIN_FILE_AGE="0",
               PRESSWATCH_NER_PROCESSES="2")  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "presswatch.cli", command, *args, "--data", str(data)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    # What must be running when it is killed: the temporary server, and for ingest the NER
    # workers beside it (the server and two forked workers).
    wanted = 3 if command == "ingest" else 1
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 240
        while len([p for p in seen if running(p)]) < wanted:
            assert process.poll() is None, f"{command} ended before it could be killed"
            assert time.monotonic() < deadline, f"{command} never started {wanted} processes"
            seen.update(descendants(process.pid))
            time.sleep(0.05)
        assert any("prefect server start" in command_line(p) for p in seen)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        deadline = time.monotonic() + 20
        while any(running(p) for p in seen) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = {p: command_line(p) for p in seen if running(p)}
        assert not left, f"left running after kill -9 of {command}: {left}"
    finally:
        for pid in seen | {process.pid}:  # never leave them to the next test, even on failure
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=30)
