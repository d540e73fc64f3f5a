"""Exactly once through kill -9 and concurrent runs: every input counted once, no orphan seen."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SEEDS

FILES = 200
ONCE = (
    "select count(*) filter (where n <> 1) from ("
    " select source_file, count(*) as n from ("
    "  select source_file from articles union all select source_file from quarantine)"
    " group by source_file)"
)


@pytest.fixture
def drop(tmp_path) -> Path:
    return write_records(tmp_path / "drop")


def write_records(folder: Path, files: int = FILES) -> Path:
    """`files` crawler records (a seed story with a unique last line each); every 10th has no
    text."""
    folder.mkdir()
    story = (SEEDS / "004_60cfb84bfab2d6d6.txt").read_text(encoding="utf-8")
    for i in range(files):
        record = {
            "url": f"https://www.example.com/world/{i}",
            "title": f"Kim and Putin, take {i}",
            "maintext": f"{story}\n\nUpdate {i}.",
            "date_publish": "2023-09-05",
            "language": "en",
        }
        path = folder / f"record-{i:03}.json"
        if i % 10 == 0:
            record = {"url": record["url"], "status": "removed"}  # quarantined: not_an_article
        path.write_text(json.dumps(record), encoding="utf-8")
    return folder


def check(data: Path, complete: bool, views: Path | None = None, files: int = FILES) -> None:
    """DATA's views (or the views file `views`) count every input once, all `files` of them if
    `complete`."""
    with duckdb.connect(str(views or data / "presswatch.duckdb"), read_only=True) as con:
        rows = con.sql("select (select count(*) from articles), (select count(*) from quarantine)")
        accepted, quarantined = rows.fetchall()[0]
        assert con.sql(ONCE).fetchall() == [(0,)]  # nothing doubled, whatever the instant
        doubled = "select source_file from ingest_log group by 1 having count(*) > 1"
        assert con.sql(f"select count(*) from ({doubled})").fetchall() == [(0,)]
        # The entity views count joined rows as articles: both keys must stay unique.
        keys = con.sql(
            "select (select count(*) - count(distinct article_id) from articles),"
            " (select count(*) - count(distinct (article_id, name, label)) from entities)"
        )
        assert keys.fetchall() == [(0, 0)]
    if complete:
        assert (accepted, quarantined) == (files - files // 10, files // 10)


def test_kill_9_at_random_points_then_rerun_counts_every_input_once(cli, drop, tmp_path):
    data = tmp_path / "data"
    ledger = data / "lake" / "ledger"
    rng = random.Random(20261123)
    for _ in range(4):
        commits = len(list(ledger.glob("*.parquet")))
        run = cli("ingest", str(drop), "--data", str(data), PRESSWATCH_BATCH_SIZE="10")
        # Kill mid-run: after this run's first commit, at a random instant of a later batch.
        started = time.monotonic()
        while len(list(ledger.glob("*.parquet"))) <= commits and run.poll() is None:
            assert time.monotonic() - started < 120, "the ingest made no progress"
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 1.5))
        run.kill()
        run.communicate()
        check(data, complete=False)
    final = cli("ingest", str(drop), "--data", str(data), PRESSWATCH_BATCH_SIZE="10")
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err
    assert "ingested 200 files: 0 accepted" not in out  # the kills left work to do
    check(data, complete=True)
    assert not list((data / "lake").rglob("*.tmp"))


def test_two_concurrent_ingests_give_the_result_of_one(cli, drop, tmp_path):
    data = tmp_path / "data"
    runs = [cli("ingest", str(drop), "--data", str(data)) for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    check(data, complete=True)
