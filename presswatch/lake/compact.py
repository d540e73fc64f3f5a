"""Compact: merge the lake's small batch files, invisibly to readers, at a cost that stays bounded.

Micro-batches leave one small Parquet file per table and batch. A compaction merges the batches
that are still small (fewer than FULL_ARTICLES articles: micro-batches, and the last compaction's
batch while it grows) into one file per table under a new batch id, and leaves full batches as
they are: a lake of 10M articles is not rewritten every hour. Rollups are merged one row per
group (`reduce`). The story rollups (WHOLE_ROLLUPS) are merged whole, full batches' rows too, so
the newest compaction holds one row per story and the stories view reads it as it is
(warehouse/views/61_stories.sql). It also keeps the syndication view's rows as they stand
(lake/syndication_snapshot, with the batches they read in snapshot_covers), which the view then
reads for every copy group no later batch has added to (warehouse/views/62_syndication.sql).

It commits with a single `compactions` file that makes the new files visible and retires what
they merged: the batches whose files it merged (`replaces`), and the full batches whose story
rollup rows only it merged (`replaces_rollups`); see warehouse/views/00_committed_batches.sql.
Readers see every row exactly once throughout. The old files are deleted after the commit (or by
the next run's recovery after a crash). Ledger files are merged too; their rows keep their batch
ids. Call with the lake's lock held.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pyarrow as pa

from presswatch.lake.rollups import ROLLUPS, reduce
from presswatch.lake.storage import Entry
from presswatch.lake.tables import (
    DATA_TABLES,
    EMPTY_FILE,
    WHOLE_ROLLUPS,
    Lake,
    new_batch_id,
    table_schemas,
    utc_now,
)
from presswatch.warehouse.snapshot import view_rows

logger = logging.getLogger(__name__)

MIN_FILES = 2  # fewer batch files than this in every table: nothing worth rewriting
# A batch of this many articles is left as it is (its keyword index is about 150 MB).
FULL_ARTICLES = 50_000


@dataclass
class Compaction:
    batch_id: str | None = None
    merged_files: int = 0
    rows: int = 0
    merged: dict[str, list[str]] = field(default_factory=dict)  # table -> file names merged


def compact(lake: Lake) -> Compaction:
    """Merge the small batches' files of every data table and the story rollups whole, then
    the ledger's files."""
    now = utc_now()
    files = {t: [p for p in lake.files(t) if p.name != EMPTY_FILE] for t in DATA_TABLES}
    full = _full_batches(lake, files["articles"])
    files = {
        t: [p for p in paths if t in WHOLE_ROLLUPS or p.stem not in full]
        for t, paths in files.items()
    }
    result = Compaction()
    if any(len(paths) >= MIN_FILES for paths in files.values()):
        result = _compact_data(lake, files, new_batch_id(now), now)
    _compact_ledger(lake, new_batch_id(now))
    return result


def _full_batches(lake: Lake, articles: list[Entry]) -> set[str]:
    """Batches whose articles file holds FULL_ARTICLES or more (its footer says)."""
    return {
        e.stem
        for e in articles
        if lake.folder.parquet_file(e.path).metadata.num_rows >= FULL_ARTICLES
    }


def _compact_data(lake: Lake, files: dict[str, list[Entry]], batch_id: str, now) -> Compaction:
    # Read before any file is written: the rows of the batches committed now, which the merge
    # below leaves as they are (worked out from the last snapshot and the batches since).
    syndication = view_rows(lake, "syndication")
    committed = lake.committed_batches()
    replaces, rollups_of, rows = set(), set(), 0
    for table, paths in files.items():
        if not paths:
            continue
        merged = lake.read_table(table, paths=paths)
        batches = set(merged["batch_id"].unique().to_pylist())
        rows += len(merged)
        if table in WHOLE_ROLLUPS:
            rollups_of |= batches
        else:
            replaces |= batches
        if table in ROLLUPS:  # one row per group: the sums of the batches merged
            merged = reduce(table, merged)
            merged = merged.append_column("batch_id", pa.repeat(batch_id, len(merged)))
        else:
            column = merged.schema.get_field_index("batch_id")
            merged = merged.set_column(column, "batch_id", pa.array([batch_id] * len(merged)))
        if len(merged):
            lake.write_file(table, batch_id, merged)
    syndication = syndication.append_column("batch_id", pa.repeat(batch_id, len(syndication)))
    lake.write_file("syndication_snapshot", batch_id, syndication)
    commit = pa.Table.from_pylist(
        [
            {
                "batch_id": batch_id,
                "replaces": sorted(replaces),
                "replaces_rollups": sorted(rollups_of - replaces),
                "snapshot_covers": sorted(committed - replaces | {batch_id}),
                "compacted_at": now,
            }
        ],
        schema=table_schemas()["compactions"],
    )
    lake.write_file("compactions", batch_id, commit)  # the commit: one whole file
    old = [path for paths in files.values() for path in paths]
    for entry in old:
        lake.delete(entry)
    for entry in lake.files("syndication_snapshot"):  # the views read only the newest
        if entry.name not in (EMPTY_FILE, f"{batch_id}.parquet"):
            lake.delete(entry)
    logger.debug("compacted %d files (%d rows) into batch %s", len(old), rows, batch_id)
    names = {table: [p.name for p in paths] for table, paths in files.items() if paths}
    return Compaction(batch_id, len(old), rows, names)


def _compact_ledger(lake: Lake, name: str) -> None:
    paths = [p for p in lake.files("ledger") if p.name != EMPTY_FILE]
    if len(paths) < MIN_FILES:
        return
    lake.write_file("ledger", name, lake.read_table("ledger", paths=paths))
    for entry in paths:  # until removed, ledger rows exist twice; readers use them as a set
        lake.delete(entry)
