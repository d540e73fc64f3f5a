"""Write: the Parquet lake under the data directory, with atomic files and batch commits.

A batch writes its table files first and its ledger file last: the ledger file is the commit.
Views read only rows whose batch has a ledger file, and `recover` deletes table files of batches
that never committed (a crash between the two), so a kill at any instant loses or doubles nothing.
"""

from __future__ import annotations

import fcntl
import functools
import json
import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

logger = logging.getLogger(__name__)

TABLES = ("articles", "quarantine", "entities", "story_index", "ledger", "compactions")
# Rows visible only for committed batches, and merged by compaction.
DATA_TABLES = ("articles", "quarantine", "entities", "story_index")
EMPTY_FILE = "00000000-empty.parquet"  # keeps every glob non-empty and pins column types
LOCK_FILE = ".presswatch.lock"
TMP_SUFFIX = ".tmp"
TYPES = {
    "string": pa.string(),
    "int32": pa.int32(),
    "int64": pa.int64(),
    "date32": pa.date32(),
    "timestamp[us, UTC]": pa.timestamp("us", tz="UTC"),
    "list<string>": pa.list_(pa.string()),
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


def new_batch_id(now: datetime) -> str:
    """Sortable by time, unique across processes."""
    return f"{now:%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}"


class Lake:
    """The data directory's Parquet tables: lake/<table>/<batch_id>.parquet."""

    def __init__(self, data: Path):
        self.data = Path(data).resolve()
        self.root = self.data / "lake"
        # What the last recovery found committed, so a long-lived process (watch) re-reads the
        # ledger only when a data file it has not seen, or a new compaction, appears.
        self._committed: set[str] = set()
        self._compactions: set[str] = set()

    def table_dir(self, table: str) -> Path:
        return self.root / table

    def prepare(self) -> None:
        """Create the folders and the empty schema files of every table."""
        for table, schema in table_schemas().items():
            folder = self.table_dir(table)
            folder.mkdir(parents=True, exist_ok=True)
            if not (folder / EMPTY_FILE).exists():
                self._write_atomic(folder / EMPTY_FILE, schema.empty_table())

    @contextmanager
    def locked(self) -> Iterator[Lake]:
        """Hold the data directory's writer lock: one ingest at a time, others wait."""
        self.data.mkdir(parents=True, exist_ok=True)
        with open(self.data / LOCK_FILE, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                logger.info("another presswatch process is writing to %s; waiting", self.data)
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                self.prepare()
                self.recover()
                yield self
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def committed_batches(self) -> set[str]:
        """Batches whose rows are visible: ledger and compaction batches, less retired ones."""
        ledger = set(self.read_table("ledger", ["batch_id"])["batch_id"].to_pylist())
        compactions = self.read_table("compactions").to_pylist()
        retired = {batch for row in compactions for batch in row["replaces"]}
        return (ledger | {row["batch_id"] for row in compactions}) - retired

    def recover(self) -> None:
        """Remove what an interrupted batch or compaction left: temporary files, and data files
        of batches never committed or already merged into a compaction."""
        stems = {p.stem for t in DATA_TABLES for p in self.files(t) if p.name != EMPTY_FILE}
        compactions = {p.name for p in self.files("compactions")}
        if not stems <= self._committed or compactions != self._compactions:
            self._committed, self._compactions = self.committed_batches(), compactions
        committed = self._committed
        for table in TABLES:
            for path in self.table_dir(table).iterdir():
                stale = (
                    table in DATA_TABLES and path.name != EMPTY_FILE and path.stem not in committed
                )
                if path.name.endswith(TMP_SUFFIX) or (path.suffix == ".parquet" and stale):
                    logger.warning("removing %s, left by an interrupted batch", path.name)
                    path.unlink(missing_ok=True)

    def commit_batch(self, batch_id: str, rows: dict[str, list[dict]]) -> None:
        """Write the batch's table files, then its ledger file, which commits it."""
        schemas = table_schemas()
        for table in DATA_TABLES:
            if rows.get(table):
                table_rows = pa.Table.from_pylist(rows[table], schema=schemas[table])
                self._write_atomic(self.table_dir(table) / f"{batch_id}.parquet", table_rows)
        ledger = pa.Table.from_pylist(rows["ledger"], schema=schemas["ledger"])
        self._write_atomic(self.table_dir("ledger") / f"{batch_id}.parquet", ledger)
        self._committed.add(batch_id)

    def files(self, table: str) -> list[Path]:
        return sorted(self.table_dir(table).glob("*.parquet"))

    def read_table(
        self, table: str, columns: list[str] | None = None, paths: list[Path] | None = None
    ) -> pa.Table:
        """Rows of a table's files (all, or `paths`) in today's schema; new columns are NULL."""
        schema = table_schemas()[table]
        if columns:
            schema = pa.schema([schema.field(name) for name in columns])
        paths = self.files(table) if paths is None else paths
        tables = [_conform(pq.read_table(p), schema) for p in paths]
        return pa.concat_tables(tables) if tables else schema.empty_table()

    def write_file(self, table: str, name: str, rows: pa.Table) -> Path:
        path = self.table_dir(table) / f"{name}.parquet"
        self._write_atomic(path, rows.cast(table_schemas()[table]))
        return path

    @staticmethod
    def _write_atomic(path: Path, table: pa.Table) -> None:
        """Readers see the whole file or none: write beside it, fsync, rename into place."""
        tmp = path.with_name(path.name + TMP_SUFFIX)
        pq.write_table(table, tmp, compression="zstd")
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    names = table.column_names
    columns = [
        table[f.name].cast(f.type) if f.name in names else pa.nulls(len(table), f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def utc_now() -> datetime:
    return datetime.now(UTC)
