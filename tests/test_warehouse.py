"""The warehouse: views readable from anywhere, never blocked, never showing half a batch."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from presswatch.lake.tables import Lake
from presswatch.warehouse.publish import STAMP, publish, render_views


def test_views_open_from_any_directory_with_no_setup(
    run_ingest, seed_drop, query, tmp_path, monkeypatch
):
    run_ingest(seed_drop)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert query("select sum(articles) from coverage_by_outlet") == [(5,)]
    assert query("select sum(articles) from coverage_by_date") == [(5,)]
    assert query("select count(*) from quarantine") == [(0,)]


def test_publish_rebuilds_only_when_the_views_change(run_ingest, seed_drop):
    run_ingest(seed_drop)
    assert publish(run_ingest.data) is False
    (run_ingest.data / STAMP).write_text("stale\n")
    assert publish(run_ingest.data) is True


def test_a_user_holding_the_database_open_does_not_block_a_run(
    run_ingest, seed_drop, query, tmp_path
):
    run_ingest(seed_drop)
    database = run_ingest.data / "presswatch.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(database)!r})  # read-write, as the duckdb CLI opens it
            con.sql("from coverage_by_outlet").fetchall()
            print("holding", flush=True)
            time.sleep(60)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        (run_ingest.data / STAMP).unlink()  # force the views to be rebuilt under the user
        shutil.copy(seed_drop / "000_e605da13b5ab10b6.txt", seed_drop / "new.txt")
        counts = run_ingest(seed_drop)
        assert counts["duplicates"] == 1
        assert query("select count(*) from ingest_log") == [(6,)]
    finally:
        holder.kill()
        holder.wait()


def test_an_interrupted_batch_is_never_visible_and_is_cleaned_up(run_ingest, seed_drop, query):
    run_ingest(seed_drop)
    lake = Lake(run_ingest.data)
    (committed,) = [p for p in lake.table_dir("articles").glob("2*.parquet")]
    # A crash after the table file was written but before the ledger file: an orphan.
    orphan_batch = "29990101T000000000000Z-deadbeef"
    table = pq.read_table(committed)
    table = table.set_column(
        table.schema.get_field_index("batch_id"), "batch_id", pa.array([orphan_batch] * len(table))
    )
    orphan = lake.table_dir("articles") / f"{orphan_batch}.parquet"
    pq.write_table(table, orphan)
    (lake.table_dir("quarantine") / "x.parquet.tmp").write_bytes(b"half a file")
    assert query("select count(*) from articles") == [(5,)]

    again = run_ingest(seed_drop)
    assert again["accepted"] == 0
    assert not orphan.exists()
    assert not list(lake.table_dir("quarantine").glob("*.tmp"))
    assert query("select count(*) from articles") == [(5,)]


def test_render_views_points_every_view_at_the_absolute_lake(tmp_path):
    sql = render_views(Lake(tmp_path / "data"))
    assert "{lake}" not in sql
    assert str((tmp_path / "data" / "lake").resolve()) in sql
    for view in (
        "articles",
        "entities",
        "quarantine",
        "coverage_by_outlet",
        "coverage_by_date",
        "coverage_by_entity",
    ):
        assert f"create or replace view {view} as" in sql


def test_cli_ingest_prints_a_summary_and_exits_zero(prefect_server, seed_drop, tmp_path):
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PRESSWATCH_MIN_FILE_AGE": "0"}
    (seed_drop / "empty.txt").write_bytes(b"")
    command = [
        sys.executable,
        "-m",
        "presswatch.cli",
        "ingest",
        str(seed_drop),
        "--data",
        str(tmp_path / "d"),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "ingested 6 files: 5 accepted, 1 quarantined, 0 duplicates" in result.stdout
    assert "quarantine reasons: empty_file 1" in result.stdout


@pytest.mark.parametrize("drop", ["does-not-exist"])
def test_cli_ingest_explains_a_missing_drop_folder(prefect_server, tmp_path, drop):
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    command = [
        sys.executable,
        "-m",
        "presswatch.cli",
        "ingest",
        str(tmp_path / drop),
        "--data",
        str(tmp_path / "d"),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert "does not exist" in result.stderr
