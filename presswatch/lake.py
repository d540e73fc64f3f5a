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
import pyarrow.compute as pc
import pyarrow.parquet as pq

logger = logging.getLogger(__name__)

TABLES = ("articles", "quarantine", "entities", "story_index", "ledger", "compactions")
# Rows visible only for committed batches, and merged by compaction.
DATA_TABLES = ("articles", "quarantine", "entities", "story_index")
EMPTY_FILE = "00000000-empty.parquet"  # keeps every glob non-empty and pins column types
LOCK_FILE = ".presswatch.lock"
VERIFIED_FILE = ".presswatch.verified.json"  # lake files read whole once: name -> size, mtime
DAMAGED_DIR = "damaged"  # batches set aside because one of their files cannot be read
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


class LakeDamaged(RuntimeError):
    """A ledger or compaction file cannot be read: what was ingested is unknown, so the run
    stops rather than ingest anything twice."""


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
        self.set_aside: list[str] = []  # what verify set aside while this object lived

    def table_dir(self, table: str) -> Path:
        return self.root / table

    def prepare(self) -> None:
        """Create the folders and the empty schema files of every table."""
        for table, schema in table_schemas().items():
            folder = self.table_dir(table)
            folder.mkdir(parents=True, exist_ok=True)
            # Rewritten when a release adds a column: the views name it, and a glob's union of
            # older files alone would not have it.
            empty = folder / EMPTY_FILE
            if not empty.exists() or not pq.read_schema(empty).equals(schema):
                self._write_atomic(empty, schema.empty_table())

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
                self.verify()
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

    def verify(self) -> None:
        """Read every lake file not read whole before (or changed since), so that a damaged one
        never reaches a query: the views would fail on it, naming no file.

        A data file that cannot be read takes its batch out: every file of the batch goes to
        DATA/damaged/BATCH/ with a REASON.txt, and the ledger forgets the batch's inputs, so they
        are read again from the drop folder on the next pass, counted once. A ledger or
        compaction file that cannot be read raises LakeDamaged.
        """
        record = self.data / VERIFIED_FILE
        try:
            known = json.loads(record.read_text())
        except (OSError, ValueError):
            known = {}
        checked, damaged = {}, {}
        for table in TABLES:
            for path in self.files(table):
                key, found = f"{table}/{path.name}", path.stat()
                signature = [found.st_size, found.st_mtime_ns]
                if known.get(key) != signature:
                    try:
                        _read_whole(path)
                    except Exception as exc:  # what a damaged file raises varies by damage
                        damaged[path] = f"{type(exc).__name__}: {exc}"
                        continue
                checked[key] = signature
        for path, error in damaged.items():
            table = path.parent.name
            if table in ("ledger", "compactions"):
                raise LakeDamaged(
                    f"{path} cannot be read ({error}). It records what was ingested, so "
                    "presswatch stops rather than ingest anything twice: restore it from a "
                    f"backup, or move it out of {path.parent} to have its inputs read again."
                )
            if path.exists():  # not yet moved with another damaged file of its batch
                self._set_aside(path.stem, f"{table}/{path.name} cannot be read: {error}")
        if checked != known:
            _write_text_atomic(record, json.dumps(checked, sort_keys=True))
        if damaged:
            self._committed, self._compactions = set(), set()
            self.prepare()  # an empty schema file may have been among them

    def _set_aside(self, batch: str, why: str) -> None:
        """Move every file of `batch` to DATA/damaged/BATCH/ and forget its inputs."""
        compaction = self.table_dir("compactions") / f"{batch}.parquet"
        replaced = set()
        if compaction.exists():
            replaced = {b for row in pq.read_table(compaction).to_pylist() for b in row["replaces"]}
        target = self.data / DAMAGED_DIR / batch
        target.mkdir(parents=True, exist_ok=True)
        for table in TABLES:
            path = self.table_dir(table) / f"{batch}.parquet"
            if path.exists():
                os.replace(path, target / f"{table}.parquet")
        self._forget(replaced | {batch})
        inputs = "the inputs of the batches it merged" if replaced else "its inputs"
        (target / "REASON.txt").write_text(
            f"{why}\nThe files of batch {batch} were moved here, out of the views; {inputs} "
            "are read again from the drop folder on the next pass, if they are still there.\n"
        )
        logger.error("%s: batch %s set aside in %s", why, batch, target)
        self.set_aside.append(f"{why} (batch {batch}, now in {target})")

    def _forget(self, batches: set[str]) -> None:
        """Drop the ledger rows of `batches` (rewriting merged ledger files without them)."""
        for path in self.files("ledger"):
            rows = pq.read_table(path)
            keep = pc.invert(pc.is_in(rows["batch_id"], pa.array(sorted(batches))))
            if pc.all(keep).as_py() is not False:
                continue
            kept = rows.filter(keep)
            if len(kept) or path.name == EMPTY_FILE:
                self._write_atomic(path, kept)
            else:
                path.unlink()

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


def _read_whole(path: Path) -> None:
    """Decode every page of a Parquet file, a row group at a time (memory stays small)."""
    parquet = pq.ParquetFile(path)
    for group in range(parquet.num_row_groups):
        parquet.read_row_group(group)


def _write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + TMP_SUFFIX)
    tmp.write_text(text)
    os.replace(tmp, path)


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
