"""The README's "Schedule it with Prefect", step by step, with real processes on loopback.

A Prefect server, the work pool, `prefect deploy --all` from this clone's prefect.yaml, a worker,
`prefect deployment run`: the drop folder's articles land in the views, both deployments exist
with their schedules, and the run's artifact is on the server. Everything is stopped afterwards,
also when the test fails.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest

from tests.conftest import SEEDS

ROOT = Path(__file__).parent.parent
BIN = Path(sys.executable).parent
DEPLOYMENTS = {
    "presswatch-ingest/ingest-every-5-minutes": 300,
    "presswatch-compact/compact-hourly": 3600,
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Shell:
    """Runs commands as a user would in one shell session: same environment, from the clone."""

    def __init__(self, env: dict[str, str], logs: Path):
        self.env, self.logs, self.background = env, logs, []

    def run(self, *argv: str, timeout: float = 300) -> str:
        done = subprocess.run(
            [str(BIN / argv[0]), *argv[1:]], cwd=ROOT, env=self.env, capture_output=True,
            text=True, timeout=timeout, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert done.returncode == 0, f"{' '.join(argv)}:\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
        return done.stdout

    def start(self, *argv: str) -> subprocess.Popen:
        log = open(self.logs / f"{argv[1]}.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [str(BIN / argv[0]), *argv[1:]], cwd=ROOT, env=self.env, stdout=log, stderr=log,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        self.background.append((process, log))
        return process

    def stop_all(self) -> None:
        for process, log in reversed(self.background):
            for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
                try:
                    os.killpg(process.pid, sig)  # the worker's flow-run processes too
                except ProcessLookupError:
                    break
                try:
                    process.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
            log.close()


@pytest.fixture
def shell(tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env.update(
        PATH=f"{BIN}:{env.get('PATH', '')}",  # `source .venv/bin/activate`
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PRESSWATCH_DROP=str(tmp_path / "drop"),
        PRESSWATCH_DATA=str(tmp_path / "data"),
        PRESSWATCH_MIN_FILE_AGE="0",
        PWD=str(ROOT),  # prefect.yaml's pull step reads it, as a shell in the clone sets it
        COLUMNS="200",  # Prefect's tables cut names to fit; a wide terminal shows them whole
    )
    shutil.copytree(SEEDS, tmp_path / "drop")
    session = Shell(env, tmp_path)
    session.port = port
    try:
        yield session
    finally:
        session.stop_all()


def test_the_readme_schedules_ingest_and_compaction_on_a_real_server(shell, tmp_path):
    api = f"http://127.0.0.1:{shell.port}/api"
    shell.start("prefect", "server", "start", "--host", "127.0.0.1", "--port", str(shell.port))
    shell.run("prefect", "config", "set", f"PREFECT_API_URL={api}")
    wait_until(lambda: healthy(api), 180, "the Prefect server to answer")

    shell.run("prefect", "work-pool", "create", "presswatch", "--type", "process")
    deployed = shell.run("prefect", "deploy", "--all")
    listed = shell.run("prefect", "deployment", "ls")
    print(listed)
    for name in DEPLOYMENTS:
        assert name in deployed
        assert name.split("/")[1] in listed
    shell.start("prefect", "worker", "start", "--pool", "presswatch")
    run = shell.run("prefect", "deployment", "run", "presswatch-ingest/ingest-every-5-minutes",
                    "--watch", "--watch-timeout", "600", timeout=660)  # fmt: skip
    assert "COMPLETED" in run.upper(), run

    with duckdb.connect(str(tmp_path / "data" / "presswatch.duckdb"), read_only=True) as con:
        assert con.sql("select count(*) from articles").fetchall() == [(5,)]
    with httpx.Client(base_url=api, timeout=30) as client:
        deployments = client.post("/deployments/filter", json={}).json()
        schedules = {
            f"{d['entrypoint']}": sorted(s["schedule"].get("interval") for s in d["schedules"])
            for d in deployments
        }
        assert schedules == {"flows/ingest.py:ingest": [300.0],
                             "flows/maintenance.py:compaction": [3600.0]}  # fmt: skip
        artifacts = client.post("/artifacts/filter", json={}).json()
        assert [a for a in artifacts if a["key"] == "presswatch-ingest"]
        (report,) = [a["data"] for a in artifacts if a["key"] == "presswatch-ingest"]
        assert "accepted" in report


def healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
