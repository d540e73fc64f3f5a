"""Snapshot: a view's rows as the lake stands, for a compaction to keep beside the files it
writes (lake/syndication_snapshot): the view then reads them in place of what they cover."""

from __future__ import annotations

import pyarrow as pa

from presswatch.lake.tables import Lake
from presswatch.warehouse.publish import prepare_object_store, render_views


def view_rows(lake: Lake, view: str) -> pa.Table:
    """Every row of `view`, read through the package's views (not the user's views file) in a
    DuckDB of this process's own."""
    import duckdb

    if lake.folder.remote:
        prepare_object_store(lake.folder)
    with duckdb.connect() as con:
        con.execute(render_views(lake))
        return con.sql(f"from {view}").to_arrow_table()
