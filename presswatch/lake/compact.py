"""Compact: merge the lake's many small batch files into one file per table, invisibly to readers.

Micro-batches leave one small Parquet file per table and batch. A compaction rewrites the data
files of all committed batches as one file per table under a new batch id, then commits with a
single `compactions` file that both makes the new files visible and retires the merged batches
(see warehouse/views/00_committed_batches.sql): readers see every row exactly once throughout.
The old files are deleted after the commit (or by the next run's recovery after a crash).
Ledger files are merged too; their rows keep their batch ids. Call with the lake's lock held.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pyarrow as pa

from presswatch.lake.rollups import ROLLUPS, reduce
from presswatch.lake.tables import DATA_TABLES, EMPTY_FILE, Lake, new_batch_id, utc_now

logger = logging.getLogger(__name__)

MIN_FILES = 2  # fewer batch files than this in every table: nothing worth rewriting


@dataclass
class Compaction:
    batch_id: str | None = None
    merged_files: int = 0
    rows: int = 0
    merged: dict[str, list[str]] = field(default_factory=dict)  # table -> file names merged


def compact(lake: Lake) -> Compaction:
    """Merge the committed batch files of every data table, then the ledger's files."""
    now = utc_now()
    files = {t: [p for p in lake.files(t) if p.name != EMPTY_FILE] for t in DATA_TABLES}
    result = Compaction()
    if any(len(paths) >= MIN_FILES for paths in files.values()):
        result = _compact_data(lake, files, new_batch_id(now), now)
    _compact_ledger(lake, new_batch_id(now))
    return result


def _compact_data(lake: Lake, files: dict, batch_id: str, now) -> Compaction:
    merged = {table: lake.read_table(table, paths=paths) for table, paths in files.items()}
    replaces = sorted(
        {b for table in merged.values() for b in table["batch_id"].unique().to_pylist()}
    )
    for table, rows in merged.items():
        if not len(rows):
            continue
        if table in ROLLUPS:  # one row per group: the sums of the batches merged
            rows = reduce(table, rows)
            rows = rows.append_column("batch_id", pa.repeat(batch_id, len(rows)))
        else:
            column = rows.schema.get_field_index("batch_id")
            rows = rows.set_column(column, "batch_id", pa.array([batch_id] * len(rows)))
        lake.write_file(table, batch_id, rows)
    commit = pa.Table.from_pylist(
        [{"batch_id": batch_id, "replaces": replaces, "compacted_at": now}]
    )
    lake.write_file("compactions", batch_id, commit)  # the commit: one whole file
    old = [path for paths in files.values() for path in paths]
    for entry in old:
        lake.delete(entry)
    rows = sum(len(t) for t in merged.values())
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
