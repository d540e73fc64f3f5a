"""Compaction merges the small batch files while readers see every row exactly once."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from presswatch.lake.compact import compact
from presswatch.lake.tables import EMPTY_FILE, Lake, new_batch_id, utc_now

COUNTS = (
    "select (select count(*) from articles), (select count(*) from entities), "
    "(select count(*) from quarantine), (select count(*) from ingest_log)"
)


def batch_files(lake: Lake, table: str) -> list[Path]:
    return [Path(p.path) for p in lake.files(table) if p.name != EMPTY_FILE]


def test_compaction_merges_every_table_and_changes_no_count(
    run_ingest, seed_drop, query, monkeypatch, prefect_server
):
    monkeypatch.setenv("PRESSWATCH_BATCH_SIZE", "1")
    (seed_drop / "empty.txt").write_bytes(b"")
    run_ingest(seed_drop)
    lake = Lake(run_ingest.data)
    before = query(COUNTS)
    assert len(batch_files(lake, "articles")) == 5

    from presswatch.flows.maintenance import compaction

    result = compaction(str(run_ingest.data))

    assert result["merged_files"] >= 6
    assert query(COUNTS) == before
    for table in ("articles", "entities", "quarantine", "ledger"):
        assert len(batch_files(lake, table)) == 1, table
    assert run_ingest(seed_drop)["accepted"] == 0  # the merged ledger still knows every file


def test_a_compaction_cut_short_is_invisible_and_cleaned_up(
    run_ingest, seed_drop, query, monkeypatch
):
    monkeypatch.setenv("PRESSWATCH_BATCH_SIZE", "2")
    run_ingest(seed_drop)
    lake = Lake(run_ingest.data)
    before = query(COUNTS)
    old = {t: batch_files(lake, t) for t in ("articles", "quarantine", "entities")}
    # Crash 1: the merged file is written but the compaction never committed.
    merged = lake.read_table("articles", paths=lake.files("articles")[1:])
    pending = new_batch_id(utc_now())
    merged = merged.set_column(
        merged.schema.get_field_index("batch_id"), "batch_id", pa.array([pending] * len(merged))
    )
    lake.write_file("articles", pending, merged)
    assert query(COUNTS) == before
    # Crash 2: a full compaction committed, but the old files were not deleted yet.
    with lake.locked():  # recovery removes the uncommitted merged file first
        assert not (lake.table_dir("articles") / f"{pending}.parquet").exists()
        kept = {t: [p.read_bytes() for p in paths] for t, paths in old.items()}
        compact(lake)
    for table, contents in kept.items():
        for path, content in zip(old[table], contents, strict=True):
            path.write_bytes(content)  # the retired files are back, as after a crash
    assert query(COUNTS) == before
    with lake.locked():
        assert all(not p.exists() for paths in old.values() for p in paths)
    assert query(COUNTS) == before
