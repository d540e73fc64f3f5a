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


def render_views(lake: Lake) -> str:
    """The SQL of every view, in file-name order, pointed at this lake's absolute path."""
    location = str(lake.root).replace("'", "''")
    scripts = sorted(
        (
            p
            for p in files("presswatch.warehouse").joinpath("views").iterdir()
            if p.name.endswith(".sql")
        ),
        key=lambda p: p.name,
    )
    return "\n".join(p.read_text(encoding="utf-8").replace("{lake}", location) for p in scripts)


def publish(data: Path) -> bool:
    """Make DATA/presswatch.duckdb current; True when it was (re)built."""
    import duckdb

    lake = Lake(data)
    sql = render_views(lake)
    fingerprint = hashlib.sha256(f"{STORAGE_VERSION}\n{sql}".encode()).hexdigest()
    database, stamp = lake.data / DATABASE, lake.data / STAMP
    if database.exists() and stamp.exists() and stamp.read_text().strip() == fingerprint:
        return False
    tmp = lake.data / f".{DATABASE}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    with duckdb.connect(str(tmp), config={"storage_compatibility_version": STORAGE_VERSION}) as con:
        con.execute(sql)
    os.replace(tmp, database)
    stamp.write_text(fingerprint + "\n")
    logger.debug("published views to %s", database)
    return True
