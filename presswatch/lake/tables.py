"""Write: the Parquet lake under the data directory, with atomic files and batch commits.

A batch writes its table files first and its ledger file last: the ledger file is the commit.
Views read only rows whose batch has a ledger file, and `recover` deletes table files of batches
that never committed (a crash between the two), so a kill at any instant loses or doubles nothing.
"""

from __future__ import annotations

import functools
import json
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from presswatch.lake.storage import TMP_SUFFIX, Entry, Folder

logger = logging.getLogger(__name__)

# Per-batch sums the coverage views read (presswatch.lake.rollups).
ROLLUP_TABLES = (
    "rollup_outlet", "rollup_date", "rollup_entity", "rollup_entity_date", "rollup_pairs",
    "rollup_story",
)  # fmt: skip
# Merged whole by every compaction, one row per group (presswatch.lake.compact): the stories view
# then reads the newest compaction's rows as they are.
WHOLE_ROLLUPS = ("rollup_story",)
# Rows visible only for committed batches, and merged by compaction.
DATA_TABLES = ("articles", "quarantine", "entities", "story_index", "terms", *ROLLUP_TABLES)
# Derived whole by each compaction from the views, and read by them in place of what they cover:
# a copy of what can be read again, so a damaged or missing one costs time, not rows.
SNAPSHOTS = ("syndication_snapshot",)
TABLES = (*DATA_TABLES, *SNAPSHOTS, "ledger", "compactions")
# Sorted by a column, in row groups small enough that DuckDB skips most of them for a lookup by
# its min/max statistics: a word's postings, an entity's days are a few row groups per file.
SORTED = {
    "terms": ("term", 50_000),
    "rollup_entity_date": ("name", 50_000),
    "rollup_pairs": ("name", 50_000),
}
# Otherwise: DuckDB reads a file's row groups in parallel, so a merged file is not read by one
# thread alone (pyarrow's default is a million rows).
ROW_GROUP_ROWS = 100_000
EMPTY_FILE = "00000000-empty.parquet"  # keeps every glob non-empty and pins column types
LOCK_FILE = ".presswatch.lock"
VERIFIED_FILE = ".presswatch.verified.json"  # lake files read whole once: name -> size, mtime
DAMAGED_DIR = "damaged"  # batches set aside because one of their files cannot be read
TYPES = {
    "string": pa.string(),
    "int32": pa.int32(),
    "int64": pa.int64(),
    "date32": pa.date32(),
    "timestamp[us, UTC]": pa.timestamp("us", tz="UTC"),
    "list<string>": pa.list_(pa.string()),
    "list<int32>": pa.list_(pa.int32()),
    "bool": pa.bool_(),
    "binary": pa.binary(),
}


@functools.cache
def table_schemas() -> dict[str, pa.Schema]:
    """Arrow schemas of the lake's tables, from schemas/tables.json."""
    spec = json.loads(
        files("presswatch.schemas").joinpath("tables.json").read_text(encoding="utf-8")
    )
    return {
        table: pa.schema(
            pa.field(
                c["name"],
                TYPES[c["type"]],
                nullable=c.get("nullable", True),
                metadata={"doc": c["doc"]},
            )
            for c in columns
        )
        for table, columns in spec.items()
    }


class LakeDamaged(RuntimeError):
    """A ledger or compaction file cannot be read: what was ingested is unknown, so the run
    stops rather than ingest anything twice."""


def new_batch_id(now: datetime) -> str:
    """Sortable by time, unique across processes."""
    return f"{now:%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}"


class Lake:
    """The data directory's Parquet tables: lake/<table>/<batch_id>.parquet, in a local folder
    or a bucket (presswatch.lake.storage)."""

    def __init__(self, data: Path | str):
        self.folder = Folder(data)
        # A local data directory stays a Path (callers join paths to it); a bucket's is its URL.
        self.data: Path | str = self.folder.url if self.folder.remote else Path(self.folder.root)
        self.url = self.folder.url + "/lake"  # what the views read
        self.lease = None  # while locked in a bucket: the writer lease, checked before commits
        # What the last recovery found committed, so a long-lived process (watch) re-reads the
        # ledger only when a data file it has not seen, or a new compaction, appears.
        self._committed: set[str] = set()
        self._committed_rollups: set[str] = set()
        self._compactions: set[str] = set()
        self.set_aside: list[str] = []  # what verify set aside while this object lived

    def table_dir(self, table: str) -> Path:
        """A local lake's table folder (tests look into it)."""
        return self.folder.local("lake", table)

    def path(self, table: str, name: str) -> str:
        return self.folder.path("lake", table, name)

    def prepare(self) -> None:
        """Create the folders and the empty schema files of every table."""
        for table, schema in table_schemas().items():
            self.folder.makedirs("lake", table)
            # Rewritten when a release adds a column: the views name it, and a glob's union of
            # older files alone would not have it.
            empty = self.path(table, EMPTY_FILE)
            if self.folder.info(empty) is None or not self.folder.read_schema(empty).equals(schema):
                self.folder.write_parquet(empty, schema.empty_table())

    @contextmanager
    def locked(self) -> Iterator[Lake]:
        """Hold the data directory's writer lock: one ingest at a time, others wait (on other
        machines too, for a lake in a bucket)."""
        waiting = f"another presswatch process is writing to {self.data}; waiting"
        with self.folder.lock(LOCK_FILE, waiting) as lease:
            self.lease = lease
            try:
                self.prepare()
                self.verify()
                self.recover()
                yield self
            finally:
                self.lease = None

    def committed_batches(self) -> set[str]:
        """Batches whose rows are visible: ledger and compaction batches, less retired ones."""
        return self.commit_sets()[0]

    def commit_sets(self) -> tuple[set[str], set[str]]:
        """The committed batches, and those of them whose rows of WHOLE_ROLLUPS are visible (a
        compaction merges those whole: see presswatch.lake.compact)."""
        ledger = set(self.read_table("ledger", ["batch_id"])["batch_id"].to_pylist())
        compactions = self.read_table("compactions").to_pylist()
        retired = {batch for row in compactions for batch in row["replaces"]}
        committed = (ledger | {row["batch_id"] for row in compactions}) - retired
        return committed, committed - {b for row in compactions for b in _rollups_of(row)}

    def recover(self) -> None:
        """Remove what an interrupted batch or compaction left: temporary files, and data files
        of batches never committed or already merged into a compaction."""
        stems = {p.stem for t in DATA_TABLES for p in self.files(t) if p.name != EMPTY_FILE}
        compactions = {p.name for p in self.files("compactions")}
        if not stems <= self._committed or compactions != self._compactions:
            self._committed, self._committed_rollups = self.commit_sets()
            self._compactions = compactions
        for table in TABLES:
            committed = self._committed_rollups if table in WHOLE_ROLLUPS else self._committed
            for entry in self.folder.list("lake", table):
                stale = (
                    table in (*DATA_TABLES, *SNAPSHOTS)
                    and entry.name != EMPTY_FILE
                    and entry.stem not in committed
                )
                if entry.name.endswith(TMP_SUFFIX) or (entry.suffix == ".parquet" and stale):
                    logger.warning("removing %s, left by an interrupted batch", entry.name)
                    self.folder.delete(entry.path)

    def verify(self) -> None:
        """Read every lake file not read whole before (or changed since), so that a damaged one
        never reaches a query: the views would fail on it, naming no file.

        A data file that cannot be read takes its batch out: every file of the batch goes to
        DATA/damaged/BATCH/ with a REASON.txt, and the ledger forgets the batch's inputs, so they
        are read again from the drop folder on the next pass, counted once. A ledger or
        compaction file that cannot be read raises LakeDamaged.
        """
        record = self.folder.path(VERIFIED_FILE)
        try:
            known = json.loads(self.folder.read_bytes(record))
        except (OSError, ValueError):
            known = {}
        checked, damaged = {}, {}
        for table in TABLES:
            for entry in self.files(table):
                key, signature = f"{table}/{entry.name}", [entry.size, entry.mtime_ns]
                if known.get(key) != signature:
                    try:
                        self._read_whole(entry)
                    except Exception as exc:  # what a damaged file raises varies by damage
                        damaged[(table, entry)] = f"{type(exc).__name__}: {exc}"
                        continue
                checked[key] = signature
        for (table, entry), error in damaged.items():
            if table in ("ledger", "compactions"):
                where = self.folder.url + "/lake/" + table
                raise LakeDamaged(
                    f"{where}/{entry.name} cannot be read ({error}). It records what was "
                    "ingested, so presswatch stops rather than ingest anything twice: restore "
                    f"it from a backup, or move it out of {where} to have its inputs read again."
                )
            if table in SNAPSHOTS:
                logger.warning("removing %s/%s, which cannot be read: %s", table, entry.name, error)
                self.folder.delete(entry.path)
            elif self.folder.info(entry.path):  # not yet moved with another file of its batch
                self._set_aside(entry.stem, f"{table}/{entry.name} cannot be read: {error}")
        if checked != known:
            self.folder.write_text(record, json.dumps(checked, sort_keys=True))
        if damaged:
            self._committed, self._committed_rollups, self._compactions = set(), set(), set()
            self.prepare()  # an empty schema file may have been among them

    def _set_aside(self, batch: str, why: str) -> None:
        """Move every file of `batch` to DATA/damaged/BATCH/ and forget its inputs."""
        replaced = self._merged_into(batch)
        target = self.folder.path(DAMAGED_DIR, batch)
        # A compaction's rows of WHOLE_ROLLUPS are the only ones left of the full batches whose
        # rows it merged: those batches go too, and their inputs are read again with the rest.
        self.folder.makedirs(DAMAGED_DIR, batch)
        for name in (batch, *sorted(replaced)):
            below = () if name == batch else (name,)
            paths = [(t, self.path(t, f"{name}.parquet")) for t in TABLES]
            for table, path in [(t, p) for t, p in paths if self.folder.info(p)]:
                self.folder.makedirs(DAMAGED_DIR, batch, *below)
                self.folder.move(
                    path, self.folder.path(DAMAGED_DIR, batch, *below, f"{table}.parquet")
                )
        self._forget(replaced | {batch})
        inputs = "the inputs of the batches it merged" if replaced else "its inputs"
        self.folder.write_text(
            f"{target}/REASON.txt",
            f"{why}\nThe files of batch {batch} were moved here, out of the views; {inputs} "
            "are read again from the drop folder on the next pass, if they are still there.\n",
        )
        target = self.folder.url + target[len(self.folder.root) :]
        logger.error("%s: batch %s set aside in %s", why, batch, target)
        self.set_aside.append(f"{why} (batch {batch}, now in {target})")

    def _merged_into(self, batch: str) -> set[str]:
        """Every batch whose rows (or WHOLE_ROLLUPS rows) a compaction holds, through the
        compactions it merged: their ledger rows keep their own batch ids."""
        compactions = {row["batch_id"]: row for row in self.read_table("compactions").to_pylist()}
        found, todo = set(), [batch]
        while todo:
            row = compactions.get(todo.pop())
            for merged in (row["replaces"] + _rollups_of(row)) if row else []:
                if merged not in found:
                    found.add(merged)
                    todo.append(merged)
        return found

    def _forget(self, batches: set[str]) -> None:
        """Drop the ledger rows of `batches` (rewriting merged ledger files without them)."""
        for entry in self.files("ledger"):
            rows = self.folder.read_parquet(entry.path)
            keep = pc.invert(pc.is_in(rows["batch_id"], pa.array(sorted(batches))))
            if pc.all(keep).as_py() is not False:
                continue
            kept = rows.filter(keep)
            if len(kept) or entry.name == EMPTY_FILE:
                self.folder.write_parquet(entry.path, kept)
            else:
                self.folder.delete(entry.path)

    def commit_batch(self, batch_id: str, rows: dict[str, list[dict]]) -> None:
        """Write the batch's table files, then its ledger file, which commits it."""
        schemas = table_schemas()
        for table in DATA_TABLES:
            given = rows.get(table)
            if given is not None and len(given):
                if isinstance(given, pa.Table):
                    self.write_file(table, batch_id, given)
                else:
                    self.write_file(table, batch_id, pa.Table.from_pylist(given, schemas[table]))
        ledger = pa.Table.from_pylist(rows["ledger"], schema=schemas["ledger"])
        if self.lease is not None:
            self.lease.check()  # the commit point: only while the lease is surely ours
        self.folder.write_parquet(self.path("ledger", f"{batch_id}.parquet"), ledger)
        self._committed.add(batch_id)
        self._committed_rollups.add(batch_id)

    def files(self, table: str) -> list[Entry]:
        return [e for e in self.folder.list("lake", table) if e.name.endswith(".parquet")]

    def read_table(
        self, table: str, columns: list[str] | None = None, paths: list[Entry] | None = None
    ) -> pa.Table:
        """Rows of a table's files (all, or `paths`) in today's schema; new columns are NULL."""
        schema = table_schemas()[table]
        if columns:
            schema = pa.schema([schema.field(name) for name in columns])
        paths = self.files(table) if paths is None else paths
        tables = [_conform(self.folder.read_parquet(e.path), schema) for e in paths]
        return pa.concat_tables(tables) if tables else schema.empty_table()

    def write_file(self, table: str, name: str, rows: pa.Table) -> str:
        path = self.path(table, f"{name}.parquet")
        rows, row_groups = rows.cast(table_schemas()[table]), ROW_GROUP_ROWS
        if table in SORTED:
            key, row_groups = SORTED[table]
            rows = rows.take(_sorting(rows[key]))
        self.folder.write_parquet(path, rows, row_groups)
        return path

    def delete(self, entry: Entry) -> None:
        self.folder.delete(entry.path)

    def _read_whole(self, entry: Entry) -> None:
        """Decode every page of a Parquet file, a row group at a time (memory stays small)."""
        parquet = self.folder.parquet_file(entry.path)
        for group in range(parquet.num_row_groups):
            parquet.read_row_group(group)


def _rollups_of(compaction: dict) -> list[str]:
    """The full batches whose WHOLE_ROLLUPS rows a compaction merged (none in older lakes)."""
    return compaction.get("replaces_rollups") or []


def _sorting(column: pa.ChunkedArray) -> np.ndarray:
    """Row order that sorts by a string column: its distinct values sorted, then the rows by
    their value's rank (integers, a radix sort): several times faster than sorting strings."""
    encoded = pc.dictionary_encode(column).combine_chunks()
    rank = np.empty(len(encoded.dictionary), dtype=np.int32)
    rank[pc.sort_indices(encoded.dictionary).to_numpy()] = np.arange(len(rank), dtype=np.int32)
    return np.argsort(rank[encoded.indices.to_numpy(zero_copy_only=False)], kind="stable")


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    names = table.column_names
    columns = [
        table[f.name].cast(f.type) if f.name in names else pa.nulls(len(table), f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def utc_now() -> datetime:
    return datetime.now(UTC)
