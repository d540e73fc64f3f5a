"""Report: the coverage views as one self-contained HTML page.

queries (plain data out of the read-only database) -> charts (SVG) -> page (HTML).
"""

from __future__ import annotations

import os
from pathlib import Path

from presswatch.report.page import render_page
from presswatch.report.queries import ReportData, database_path, read_report

__all__ = ["ReportData", "database_path", "read_report", "render_page", "write_report"]


def write_report(
    data: Path | str | None, out: Path, drop: Path | None = None, views: str | None = None
) -> ReportData:
    """Query DATA's views (or the views file `views`) and write the page to `out`, whole or
    not at all."""
    report = read_report(data, drop, views)
    html = render_page(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, out)  # a browser reloading the page never sees half of it
    return report
