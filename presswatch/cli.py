"""The presswatch command: ingest, watch, report."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from presswatch import lifeline
from presswatch.lake.tables import LakeDamaged
from presswatch.settings import set_quiet_defaults
from presswatch.temporary_server import local_flow_runs
from presswatch.warehouse.publish import PublishError

logger = logging.getLogger("presswatch")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    set_quiet_defaults(args.verbose)
    # presswatch's own progress at INFO; libraries' messages (trafilatura's "discarding data")
    # only when they are errors, unless -v asks for everything.
    root_level = logging.INFO if args.verbose else logging.ERROR
    logging.basicConfig(level=root_level, format="%(message)s", stream=sys.stderr)
    logger.setLevel(logging.DEBUG if args.verbose else logging.INFO)
    lifeline.forked_children_die_with_us()
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except (FileNotFoundError, NotADirectoryError, ValueError) as exc:
        print(f"presswatch: {exc}", file=sys.stderr)
        return 2
    except (OSError, PublishError, LakeDamaged) as exc:  # the pipeline itself failed
        print(f"presswatch: {exc}", file=sys.stderr)
        return 1


def run_ingest(args: argparse.Namespace) -> int:
    from presswatch.flows.ingest import ingest

    with local_flow_runs():
        counts = ingest(str(args.drop), _data(args), _views(args))
    print(format_summary(counts))
    return 0


def run_watch(args: argparse.Namespace) -> int:
    from presswatch.flows.watch import watch

    with local_flow_runs():
        counts = watch(str(args.drop), _data(args), _views(args))
    print(format_summary(counts))
    return 0


def run_compact(args: argparse.Namespace) -> int:
    from presswatch.flows.maintenance import compaction

    with local_flow_runs():
        result = compaction(_data(args))
    print(f"compacted {result['merged_files']} files ({result['rows']} rows)")
    return 0


def run_report(args: argparse.Namespace) -> int:
    """Write the HTML report (--out), else print the coverage views as a user would query them."""
    import duckdb

    from presswatch.report import database_path, write_report

    if args.out:
        write_report(args.data, args.out, args.drop, args.views)
        print(f"wrote {args.out}")
        return 0
    with duckdb.connect(str(database_path(args.data, args.views)), read_only=True) as con:
        for view in ("coverage_by_outlet", "coverage_by_date", "coverage_by_entity"):
            print(f"\n{view}")
            con.sql(f"from {view} limit {args.limit}").show(max_width=120)
        print("\nquarantine")
        con.sql(
            "select source_file, source_record, reasons, detail from quarantine "
            f"order by source_file, source_record limit {args.limit}"
        ).show(max_width=120)
    return 0


SEARCHES = {
    "articles": "select * exclude (story_id, url) from search_articles(?, top := {limit})",
    "day": "from attention_by_day(?)",
    "outlet": "from attention(?)",
}


def run_search(args: argparse.Namespace) -> int:
    """Print the articles matching a keyword query, best first, or its attention per day."""
    import duckdb

    from presswatch.report import database_path

    with duckdb.connect(str(database_path(args.data, args.views)), read_only=True) as con:
        sql = SEARCHES[args.by].format(limit=args.limit)
        con.sql(sql, params=[args.query]).show(max_width=120, max_rows=10**6)
    return 0


def format_summary(counts: dict) -> str:
    line = (
        f"ingested {counts['files']} files: {counts['accepted']} accepted, "
        f"{counts['quarantined']} quarantined, {counts['duplicates']} duplicates, "
        f"{counts['unchanged']} already ingested"
    )
    if counts.get("waiting"):
        line += f", {counts['waiting']} still being written (next pass)"
    if counts["reasons"]:
        reasons = ", ".join(f"{code} {n}" for code, n in sorted(counts["reasons"].items()))
        line += f"\nquarantine reasons: {reasons}"
    for damage in counts.get("set_aside", []):
        line += f"\ndamaged lake file set aside: {damage}"
    return line


def _data(args: argparse.Namespace) -> str | None:
    return str(args.data) if args.data else None


def _views(args: argparse.Namespace) -> str | None:
    return str(args.views) if args.views else None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="presswatch", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    data_help = "data directory, a path or s3://bucket/prefix (default: $PRESSWATCH_DATA or ./data)"
    drop_help = "the drop folder, a path or s3://bucket/prefix"
    views_help = ("the views file (default: DATA/presswatch.duckdb, or ./presswatch.duckdb for "
                  "a data directory in a bucket)")  # fmt: skip

    ingest = commands.add_parser("ingest", help="one pass over a drop folder (a Prefect flow run)")
    ingest.add_argument("drop", help=drop_help)
    ingest.add_argument("--data", help=data_help)
    ingest.add_argument("--views", help=views_help)
    ingest.set_defaults(run=run_ingest)

    watch = commands.add_parser(
        "watch", help="keep ingesting as files arrive, until Ctrl-C or SIGTERM (one flow run)"
    )
    watch.add_argument("drop", help=drop_help)
    watch.add_argument("--data", help=data_help)
    watch.add_argument("--views", help=views_help)
    watch.set_defaults(run=run_watch)

    compact = commands.add_parser("compact", help="merge the lake's small batch files")
    compact.add_argument("--data", help=data_help)
    compact.set_defaults(run=run_compact)

    report = commands.add_parser(
        "report", help="print the coverage views, or write them as one HTML page (--out)"
    )
    report.add_argument("--data", help=data_help)
    report.add_argument("--views", help=views_help)
    report.add_argument("--limit", type=int, default=20, help="rows per view (printed views)")
    report.add_argument(
        "--out", type=Path, help="write a self-contained HTML report with charts to this file"
    )
    report.add_argument(
        "--drop", type=Path, help="with --out: also count this drop folder's files not yet ingested"
    )
    report.set_defaults(run=run_report)

    search = commands.add_parser(
        "search", help='keyword search of titles and bodies: words, "phrases", -excluded'
    )
    search.add_argument("query", help="e.g. '\"climate change\" -sports'")
    search.add_argument("--data", help=data_help)
    search.add_argument("--views", help=views_help)
    search.add_argument(
        "--by", choices=SEARCHES, default="articles",
        help="articles (ranked, the default), or attention per day, or per day and outlet",
    )  # fmt: skip
    search.add_argument("--limit", type=int, default=20, help="articles to print")
    search.set_defaults(run=run_search)
    return parser


if __name__ == "__main__":
    sys.exit(main())
