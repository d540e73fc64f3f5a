"""Shared fixtures: one Prefect test server for the session, drop folders built from real files."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# The story index of a lake in a bucket is cached locally: in the session's own folder, not in
# the user's ~/.cache (subprocesses inherit it).
os.environ.setdefault("PRESSWATCH_CACHE", tempfile.mkdtemp(prefix="presswatch-test-cache-"))

# The services of the cluster tests (an S3 server, a Dask cluster), started when a test asks.
from tests.services import dask_cluster, s3, s3_server  # noqa: F401

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"


@pytest.fixture(scope="session")
def prefect_server():
    """A real, temporary Prefect API for every flow run of the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def run_ingest(prefect_server, monkeypatch, tmp_path):
    """Run the real ingest flow on a drop folder; returns its counts."""
    from presswatch.flows.ingest import ingest

    monkeypatch.setenv("PRESSWATCH_MIN_FILE_AGE", "0")
    data = tmp_path / "data"

    def run(drop: Path, data_dir: Path = data) -> dict:
        return ingest(str(drop), str(data_dir))

    run.data = data
    return run


@pytest.fixture
def seed_drop(tmp_path) -> Path:
    drop = tmp_path / "drop"
    shutil.copytree(SEEDS, drop)
    return drop


@pytest.fixture
def query(run_ingest):
    """Run SQL against DATA/presswatch.duckdb the way a user would: read-only, from elsewhere."""
    import duckdb

    def run(sql: str, data_dir: Path | None = None) -> list[tuple]:
        path = (data_dir or run_ingest.data) / "presswatch.duckdb"
        with duckdb.connect(str(path), read_only=True) as con:
            return con.sql(sql).fetchall()

    return run


@pytest.fixture
def cli(prefect_server, tmp_path):
    """Run `python -m presswatch.cli ...` as its own process against the session's Prefect API."""
    import subprocess
    import sys

    from prefect.settings import PREFECT_API_URL

    env = {key: value for key, value in os.environ.items() if key != "PREFECT_LOGGING_LEVEL"}
    env.update(PREFECT_API_URL=PREFECT_API_URL.value(), PRESSWATCH_MIN_FILE_AGE="0")

    def start(*args: str, **env_overrides: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "presswatch.cli", *args],
            env={**env, **env_overrides},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    return start
