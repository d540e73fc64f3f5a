"""Large JSONL files are streamed: committed in chunks, resumed after a crash, never whole."""

from __future__ import annotations

import gzip
import json

import pytest

from presswatch.lake.tables import Lake
from presswatch.sources import streams
from tests.conftest import SEEDS

RECORDS = 7


def crawl_lines() -> list[str]:
    story = (SEEDS / "004_60cfb84bfab2d6d6.txt").read_text(encoding="utf-8")
    lines = [
        json.dumps({"url": f"https://www.example.com/{i}", "title": f"Kim and Putin {i}",
                    "maintext": f"{story}\n\nUpdate {i}.", "language": "en"})
        for i in range(RECORDS)
    ]  # fmt: skip
    lines.insert(3, "{cut off")
    return lines


@pytest.mark.parametrize("name", ["crawl.jsonl", "crawl.jsonl.gz"])
def test_a_large_jsonl_is_committed_in_chunks_and_resumes_after_a_crash(
    run_ingest, tmp_path, query, monkeypatch, name
):
    monkeypatch.setattr(streams, "JSONL_STREAM_BYTES", 1000)  # this small file counts as large
    monkeypatch.setenv("PRESSWATCH_BATCH_SIZE", "3")
    drop = tmp_path / "drop"
    drop.mkdir()
    text = "\n".join(crawl_lines()) + "\n"
    (drop / name).write_bytes(
        gzip.compress(text.encode()) if name.endswith(".gz") else text.encode()
    )

    counts = run_ingest(drop)

    assert (counts["files"], counts["accepted"], counts["quarantined"]) == (1, RECORDS, 1)
    outcomes = query("select outcome from ingest_log order by ingested_at")
    assert outcomes == [("partial",), ("partial",), ("ingested",)]
    # Undo the last chunk's commit, as a crash before its ledger file would have.
    lake = Lake(run_ingest.data)
    max(p for p in lake.table_dir("ledger").glob("2*.parquet")).unlink()
    assert run_ingest(drop)["accepted"] == 1
    assert query("select count(*), count(distinct source_record) from articles") == [(7, 7)]
    assert query("select source_record, reasons from quarantine") == [(3, ["invalid_json"])]
