"""Report queries: the numbers of the HTML report, read from the published views as plain data.

In: the data directory (and optionally the drop folder). Out: a ReportData of lists of dicts,
with nothing about HTML in it. The database is opened read-only, as any user opens it, and
closed before rendering starts.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from presswatch.progress import Progress
from presswatch.settings import Settings
from presswatch.sources.discover import scan

logger = logging.getLogger(__name__)

MAX_DAYS = 60  # days with articles on the day axis: the most recent ones
TOP_OUTLETS = 8  # outlets with a colour of their own; the rest are folded into OTHER
TOP_ENTITIES = 15
TOP_STORIES = 10
OTHER = "(other)"  # parenthesised: no outlet domain or name looks like this
UNKNOWN = "(unknown)"  # articles whose page names no outlet
PROGRESS_EVERY = 1.0  # seconds: a report quicker than this prints nothing on stderr
SECTIONS = 7  # queries below, for the progress line

# Ranks entities as coverage_by_entity does, explicitly: a view's order is not a contract.
TOP_ENTITIES_SQL = """
    select name, label, articles, stories, outlets, mentions from coverage_by_entity
    order by articles desc, mentions desc, name, label limit ?
"""


@dataclass
class Freshness:
    """How current the lake is and what it holds."""

    last_ingest: datetime | None = None
    files: int = 0  # distinct input paths in the ledger
    duplicates: int = 0  # of those, copies of bytes ingested under another name
    in_progress: int = 0  # streamed inputs whose last ledger row is `partial`
    waiting: int | None = None  # drop folder files not in the ledger (None: no --drop)
    articles: int = 0
    stories: int = 0
    outlets: int = 0
    undated: int = 0  # articles with no published_date: on no day axis
    quarantined: int = 0
    first_published: date | None = None
    last_published: date | None = None


@dataclass
class ReportData:
    database: Path
    generated_at: datetime
    freshness: Freshness
    days: list[date] = field(default_factory=list)  # the day axis, oldest first
    outlets: list[str] = field(default_factory=list)  # series, largest first, OTHER last
    outlet_days: list[dict] = field(default_factory=list)  # day, outlet, articles
    story_days: list[dict] = field(default_factory=list)  # day, articles, stories
    entities: list[dict] = field(default_factory=list)  # name, label, articles, stories, ...
    entity_days: list[dict] = field(default_factory=list)  # name, label, day, articles
    stories: list[dict] = field(default_factory=list)  # story_id, headline, ..., outlet_list
    reasons: list[dict] = field(default_factory=list)  # reason, records

    @property
    def empty(self) -> bool:
        """Nothing was ever ingested: not one file in the ledger."""
        return self.freshness.files == 0


def database_path(data: Path | str | None, views: str | None = None) -> Path:
    """The views file (DATA/presswatch.duckdb, or `views`), which must exist: it appears with
    the first ingest."""
    path = Settings.from_env(data=data, views=views).views_file
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `presswatch ingest DROP` first")
    return path


def read_report(
    data: Path | str | None, drop: Path | None = None, views: str | None = None
) -> ReportData:
    """Every number of the report, from one short read-only connection."""
    import duckdb

    path = database_path(data, views)
    if drop is not None and not drop.is_dir():
        raise FileNotFoundError(f"drop folder {str(drop)!r} does not exist or is not a folder")
    progress = Progress("report", SECTIONS, "queries", every=PROGRESS_EVERY)

    def step(name: str, value):
        progress.advance(note=name)
        return value

    with duckdb.connect(str(path), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")  # timestamps come back in UTC, as stored
        freshness = step("freshness", fetch_freshness(con))
        report = ReportData(path, datetime.now(UTC), freshness)
        report.days = days = step("days", fetch_days(con, MAX_DAYS))
        first = days[0] if days else None
        report.outlets, report.outlet_days = step(
            "outlets", fold_outlets(fetch_outlet_days(con, first), TOP_OUTLETS)
        )
        report.story_days = step("stories per day", fetch_story_days(con, first))
        report.entities, report.entity_days = step(
            "entities", fetch_entities(con, TOP_ENTITIES, first)
        )
        report.stories = step("stories", fetch_stories(con, TOP_STORIES))
        report.reasons = fetch_reasons(con)  # the last query: finish() below shows it
        ledger: set[tuple[str, int]] = set()
        if drop is not None:
            ledger = set(con.execute("select source_file, size from ingest_log").fetchall())
    if drop is not None:  # after closing: a large drop folder takes a while to walk
        freshness.waiting = count_waiting(drop, ledger, Settings.from_env(data=data))
    progress.done = SECTIONS
    if progress.shown > progress.started or time.monotonic() - progress.started >= PROGRESS_EVERY:
        progress.finish()  # ends the bar on a terminal, or the slow report's lines
    return report


def fetch_freshness(con) -> Freshness:
    last_ingest, files, duplicates = con.execute("""
        select max(ingested_at), count(distinct source_file),
               count(distinct source_file) filter (where outcome = 'duplicate')
        from ingest_log
    """).fetchone()
    # A stream writes one `partial` row per committed chunk and `ingested` after its last one.
    (in_progress,) = con.execute("""
        select count(*) from (
            select arg_max(outcome, ingested_at) as outcome from ingest_log group by content_hash
        ) where outcome = 'partial'
    """).fetchone()
    articles, stories, outlets, undated, first, last = con.execute("""
        select count(*), count(distinct coalesce(story_id, article_id)),
               count(distinct coalesce(outlet_domain, outlet)),
               count(*) filter (where published_date is null),
               min(published_date), max(published_date)
        from articles
    """).fetchone()
    (quarantined,) = con.execute("select count(*) from quarantine").fetchone()
    return Freshness(
        last_ingest=last_ingest,
        files=files,
        duplicates=duplicates,
        in_progress=in_progress,
        articles=articles,
        stories=stories,
        outlets=outlets,
        undated=undated,
        quarantined=quarantined,
        first_published=first,
        last_published=last,
    )


def fetch_days(con, limit: int) -> list[date]:
    """The most recent `limit` publication days that have articles, oldest first.

    Days without articles are left out rather than drawn empty: a corpus spread over years
    would otherwise be thousands of empty days. The charts mark where days are skipped.
    """
    rows = con.execute(
        "select published_date from coverage_by_date where published_date is not null "
        "order by published_date desc limit ?",
        [limit],
    ).fetchall()
    return sorted(day for (day,) in rows)


def fetch_outlet_days(con, first: date | None) -> list[dict]:
    """Articles per day and outlet (domain, else name, else UNKNOWN) from `first` on."""
    if first is None:
        return []
    return _dicts(
        con,
        """
        select published_date as day, coalesce(outlet_domain, outlet, ?) as outlet,
               count(*) as articles
        from articles where published_date >= ?
        group by all order by day, articles desc, outlet
        """,
        [UNKNOWN, first],
    )


def fold_outlets(rows: list[dict], keep: int) -> tuple[list[str], list[dict]]:
    """The `keep` largest outlets as series of their own and the rest summed as OTHER."""
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["outlet"]] = totals.get(row["outlet"], 0) + row["articles"]
    ranked = sorted(totals, key=lambda outlet: (-totals[outlet], outlet))
    if len(ranked) <= keep + 1:  # folding a single outlet into OTHER would only hide its name
        return ranked, rows
    kept = set(ranked[:keep])
    folded: dict[tuple[date, str], int] = {}
    for row in rows:
        key = (row["day"], row["outlet"] if row["outlet"] in kept else OTHER)
        folded[key] = folded.get(key, 0) + row["articles"]
    out = [{"day": day, "outlet": outlet, "articles": n} for (day, outlet), n in folded.items()]
    return [*ranked[:keep], OTHER], out


def fetch_story_days(con, first: date | None) -> list[dict]:
    if first is None:
        return []
    return _dicts(
        con,
        "select published_date as day, articles, stories from coverage_by_date "
        "where published_date >= ? order by day",
        [first],
    )


def fetch_entities(con, limit: int, first: date | None) -> tuple[list[dict], list[dict]]:
    """The top entities, and their articles per day on the day axis (for the sparklines)."""
    top = _dicts(con, TOP_ENTITIES_SQL, [limit])
    if not top or first is None:
        return top, []
    days = _dicts(
        con,
        f"""
        with top as ({TOP_ENTITIES_SQL})
        select d.name, d.label, d.published_date as day, d.articles
        from entity_by_date d join top using (name, label)
        where d.published_date >= ?
        order by d.name, d.label, day
        """,
        [limit, first],
    )
    return top, days


def fetch_stories(con, limit: int) -> list[dict]:
    """The largest stories, each with its outlets (most articles first)."""
    stories = _dicts(
        con,
        """
        select story_id, headline, articles, outlets, copies, wires, first_published
        from stories order by articles desc, first_published nulls last, story_id limit ?
        """,
        [limit],
    )
    if not stories:
        return stories
    outlets = _dicts(
        con,
        """
        select story_id, name, count(*) as articles from (
            select story_id, coalesce(outlet_domain, outlet) as name
            from articles where list_contains(?, story_id)
        )
        group by story_id, name order by story_id, name is null, articles desc, name
        """,
        [[s["story_id"] for s in stories]],
    )
    by_story: dict[str, list[tuple[str, int]]] = {}
    for row in outlets:
        by_story.setdefault(row["story_id"], []).append((row["name"] or UNKNOWN, row["articles"]))
    for story in stories:
        story["outlet_list"] = by_story.get(story["story_id"], [])
    return stories


def fetch_reasons(con) -> list[dict]:
    """Quarantined records per reason code (a record failing two rules counts under both)."""
    return _dicts(
        con,
        """
        select reason, count(*) as records from (select unnest(reasons) as reason from quarantine)
        group by reason order by records desc, reason
        """,
    )


def count_waiting(drop: Path, ledger: set[tuple[str, int]], settings: Settings) -> int:
    """Files of the drop folder whose path and size the ledger does not have yet."""
    # The folders `ingest` leaves out (flows/ingest.py's excluded_folders; not imported: Prefect).
    excluded = (settings.data, drop / settings.processed_dir, drop / settings.rejected_dir)
    return sum((f.source_file, f.size) not in ledger for f in scan(drop, excluded))


def _dicts(con, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
