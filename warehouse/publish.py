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

from presswatch.lake.storage import Folder
from presswatch.lake.tables import Lake
from presswatch.settings import VIEWS_FILE, Settings

logger = logging.getLogger(__name__)

DATABASE = VIEWS_FILE
STAMP_SUFFIX = ".views"  # .NAME.views beside the views file: the SQL it was built from
STAMP = f".{DATABASE}{STAMP_SUFFIX}"
# The oldest storage format DuckDB can write (number 64): DuckDB 0.10 and every 1.x library and
# command line open the file. The database holds only views, so it loses nothing by it; their
# SQL binds in every release from 1.0 on (tests/test_compat.py opens it with 1.0 to 1.5).
STORAGE_VERSION = "v1.0.0"
VIEW_NAME = re.compile(r"create\s+or\s+replace\s+view\s+(\w+)", re.I)
TABLE_MACRO = re.compile(r"create\s+or\s+replace\s+macro\s+(\w+)\s*\(q\b[^)]*\)\s+as\s+table", re.I)


class PublishError(RuntimeError):
    """The new views file could not be built or failed its check; the old one is kept."""


def render_views(lake: Lake) -> str:
    """The SQL of every view, in file-name order, pointed at this lake's absolute path or URL."""
    location = glob_literal(lake.url).replace("'", "''")
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


def views_file(data: Path | str, views: Path | str | None = None) -> Path:
    """The views file: `views`, else DATA/presswatch.duckdb (./presswatch.duckdb for a bucket)."""
    return Settings(data=data, views=str(views or "")).views_file.absolute()


def publish(data: Path | str, views: Path | str | None = None) -> bool:
    """Make the views file (DATA/presswatch.duckdb, or `views`) current; True when it was
    (re)built.

    The new file replaces the old one only once it is complete: written, checkpointed (no
    write-ahead log left beside it) and opened again with every view there and binding.
    Otherwise PublishError, and the old file stays as it was. For a lake in a bucket, DuckDB's
    httpfs extension is installed from its PyPI wheel and the store's address and keys are
    kept as a DuckDB secret scoped to the lake (see object_store_secret).
    """
    lake = Lake(data)
    sql = render_views(lake)
    if lake.folder.remote:
        prepare_object_store(lake.folder)
    fingerprint = hashlib.sha256(f"{STORAGE_VERSION}\n{sql}".encode()).hexdigest()
    database = views_file(lake.data, views)
    stamp = database.with_name(f".{database.name}{STAMP_SUFFIX}")
    if database.exists() and stamp.exists() and stamp.read_text().strip() == fingerprint:
        return False
    database.parent.mkdir(parents=True, exist_ok=True)
    lake.prepare()  # the views name the columns a release adds: the empty schema files have them
    tmp = database.with_name(f".{database.name}.{os.getpid()}.tmp")
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
            for name in TABLE_MACRO.findall(sql):  # the search macros: a query binds them
                con.execute(f"select * from {name}('check') limit 0")
    except duckdb.Error as exc:
        raise PublishError(str(exc)) from exc


def prepare_object_store(folder: Folder) -> None:
    """Let every DuckDB of this user read the bucket with no setup and no download: httpfs
    from the duckdb-extension-httpfs wheel (the pinned duckdb's version) into DuckDB's
    extension folder, and a persistent secret (in ~/.duckdb/stored_secrets) scoped to this
    prefix, with the AWS_* variables' endpoint, region and keys."""
    import duckdb
    import duckdb_extensions

    with duckdb.connect() as con:
        duckdb_extensions.import_extension("httpfs", con=con)
        con.execute(object_store_secret(folder))


def object_store_secret(folder: Folder) -> str:
    """CREATE PERSISTENT SECRET for DuckDB's reads of `folder` (also for a user's own DuckDB)."""
    config = folder.config
    options = {"type": "s3", "region": config.region, "scope": folder.url}
    if config.key_id and config.secret:
        options |= {"key_id": config.key_id, "secret": config.secret}
        if config.token:
            options["session_token"] = config.token
    if config.endpoint:
        scheme, _, host = config.endpoint.partition("://")
        options |= {"endpoint": host or scheme, "url_style": "path"}
        options["use_ssl"] = scheme != "http"
    name = "presswatch_" + hashlib.sha256(folder.url.encode()).hexdigest()[:12]
    values = ", ".join(
        f"{key} {str(value).lower() if isinstance(value, bool) else _quote(value)}"
        for key, value in options.items()
    )
    return f"create or replace persistent secret {name} ({values})"


def _quote(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
