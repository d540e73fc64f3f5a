"""Publish: (re)create presswatch.duckdb's views over the Parquet lake when they changed.

The database holds views only; they read the lake by glob, so new Parquet files show up with
no write to the database. When the views must change, a new database file is built beside the
old one and renamed over it: the pipeline never opens the user's file, so a user holding it open
(read-only or read-write) never blocks a run, and readers see the old or the new file whole.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from importlib.resources import files
from pathlib import Path

from presswatch.lake import Lake

logger = logging.getLogger(__name__)

DATABASE = "presswatch.duckdb"
STAMP = ".presswatch.duckdb.views"  # fingerprint of the SQL the database was built from
# The oldest storage format DuckDB can write (number 64): DuckDB 0.10 and every 1.x library and
# command line open the file. The database holds only views, so it loses nothing by it; their
# SQL binds in every release from 1.0 on (tests/test_compat.py opens it with 1.0 to 1.5).
STORAGE_VERSION = "v1.0.0"
VIEW_NAME = re.compile(r"create\s+or\s+replace\s+view\s+(\w+)", re.I)


class PublishError(RuntimeError):
    """The new views file could not be built or failed its check; the old one is kept."""


def render_views(lake: Lake) -> str:
    """The SQL of every view, in file-name order, pointed at this lake's absolute path."""
    location = glob_literal(str(lake.root)).replace("'", "''")
    scripts = sorted(
        (
            p
            for p in files("presswatch.warehouse").joinpath("views").iterdir()
            if p.name.endswith(".sql")
        ),
        key=lambda p: p.name,
    )
    return "\n".join(p.read_text(encoding="utf-8").replace("{lake}", location) for p in scripts)


def glob_literal(path: str) -> str:
    """`path` as a DuckDB glob that matches only itself: its own *, ? and [ become classes
    ("d[1]" would otherwise read folder "d1", "data*" every folder starting so)."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in path)


def publish(data: Path) -> bool:
    """Make DATA/presswatch.duckdb current; True when it was (re)built.

    The new file replaces the old one only once it is complete: written, checkpointed (no
    write-ahead log left beside it) and opened again with every view there and binding.
    Otherwise PublishError, and the old file stays as it was.
    """
    lake = Lake(data)
    sql = render_views(lake)
    fingerprint = hashlib.sha256(f"{STORAGE_VERSION}\n{sql}".encode()).hexdigest()
    database, stamp = lake.data / DATABASE, lake.data / STAMP
    if database.exists() and stamp.exists() and stamp.read_text().strip() == fingerprint:
        return False
    tmp = lake.data / f".{DATABASE}.{os.getpid()}.tmp"
    try:
        _build(tmp, sql)
        os.replace(tmp, database)
        _write_atomic(stamp, fingerprint + "\n")
    except (OSError, PublishError) as exc:
        raise PublishError(
            f"could not rebuild the views file {database} ({exc}); the previous one is kept. "
            "Free disk space or fix the cause, then run again."
        ) from exc
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    logger.debug("published views to %s", database)
    return True


def _build(path: Path, sql: str) -> None:
    import duckdb

    path.unlink(missing_ok=True)
    try:
        config = {"storage_compatibility_version": STORAGE_VERSION}
        with duckdb.connect(str(path), config=config) as con:
            con.execute(sql)
            con.execute("checkpoint")
        if path.with_name(path.name + ".wal").exists():
            raise PublishError("its write-ahead log was not checkpointed into it")
        wanted = set(VIEW_NAME.findall(sql))
        with duckdb.connect(str(path), read_only=True) as con:
            found = {name for (name,) in con.execute(
                "select view_name from duckdb_views() where not internal"
            ).fetchall()}  # fmt: skip
            if found != wanted:
                raise PublishError(f"views missing from it: {', '.join(sorted(wanted - found))}")
            for name in sorted(wanted):
                con.execute(f"select * from {name} limit 0")
    except duckdb.Error as exc:
        raise PublishError(str(exc)) from exc


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
