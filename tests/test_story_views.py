"""Stories in the warehouse: copies of one text grouped, one event counted once."""

from __future__ import annotations

from tests.conftest import SEEDS

REUTERS = "004_60cfb84bfab2d6d6.txt"


def test_the_seeds_are_one_story_with_one_shared_copy_group(run_ingest, seed_drop, query):
    run_ingest(seed_drop)
    assert query("select count(distinct story_id) from articles") == [(1,)]
    groups = dict(query("select source_file[1:3], copy_group from articles"))
    assert groups["000"] == groups["001"]
    assert len({groups["000"], groups["002"], groups["003"], groups["004"]}) == 4
    assert query("select articles, copies from stories") == [(5, 1)]
    # A story per day it ran, and one for its undated articles: 001 prints no date, and 003's
    # only date is its menu's "today".
    assert query("select sum(stories) from coverage_by_date") == [(4,)]


def test_a_second_copy_of_a_page_with_another_header_joins_its_copy_group(
    run_ingest, seed_drop, query
):
    run_ingest(seed_drop)
    page = (SEEDS / REUTERS).read_text(encoding="utf-8")
    header = "Skip to content\nSubscribe  Sign in\nMarkets | World | Business | Tech\n\n"
    (seed_drop / "mirror" / "kim-putin.txt").parent.mkdir()
    (seed_drop / "mirror" / "kim-putin.txt").write_text(header + page.replace("World", "News"))

    assert run_ingest(seed_drop)["accepted"] == 1
    assert query(
        "select count(distinct copy_group), count(*) from articles "
        f"where source_file in ('{REUTERS}', 'mirror/kim-putin.txt')"
    ) == [(1, 2)]
    assert query("select articles, copies from stories") == [(6, 2)]
    assert query("select count(*) from syndication where source = 'Reuters'") == [(1,)]


def test_unrelated_articles_stay_in_stories_of_their_own(run_ingest, tmp_path, query):
    import gzip
    import shutil

    drop = tmp_path / "drop"
    drop.mkdir()
    corpus = SEEDS.parent.parent.parent / "eval" / "corpus" / "html"
    for page in ("098bb3e96c0acdf3", "921019755f4a96ac", "39d5c43beb60605c", "c90731f051d033e4"):
        (drop / f"{page}.html").write_bytes(
            gzip.decompress((corpus / f"{page}.html.gz").read_bytes())
        )
    shutil.copy(SEEDS / REUTERS, drop / REUTERS)
    run_ingest(drop)
    assert query("select count(distinct story_id), count(*) from articles") == [(5, 5)]


def test_syndication_takes_each_group_s_original_as_the_copies_view_does(tmp_path):
    """Groups whose original is a later arrival (wire-credited, or dated earlier), undated and
    tied members, groups of one and articles in no group: the syndication view's shortcut (an
    aggregate per group of two or more) gives the rows of the copies view's window. So it does
    from a compaction's snapshot of its rows and the groups that a later batch adds to or
    starts, and without the snapshot once a batch it read is gone."""
    import random
    from datetime import UTC, datetime

    import duckdb
    import pyarrow as pa

    from presswatch.lake.tables import Lake, table_schemas
    from presswatch.warehouse.publish import glob_literal
    from tests.test_rollups import RAW, REPO

    rng = random.Random(17)
    rows = []
    for group in range(120):
        founder, batch = f"a{group:03d}", rng.choice(["b1", "b2"])
        for member in range(rng.choice([1, 1, 2, 3, 5])):
            day = rng.choice([None, 1, 2, 2, 5])
            rows.append((
                founder if member == 0 else f"a{group:03d}{member}",
                None if group % 40 == 39 else founder,
                rng.choice(["AP", None, None, None]),
                rng.choice(["x.com", "y.org", None]),
                rng.choice(["X", None]),
                None if day is None else f"2025-01-0{day} 10:00:00+00",
                f"2025-02-0{rng.choice([1, 1, 2])} 00:00:00+00",
                batch,
            ))  # fmt: skip
            batch = rng.choice([batch, "b2"])  # a group's later members: never in an earlier one
    lake = Lake(tmp_path)
    lake.prepare()
    con = duckdb.connect()
    con.execute(
        "create table stored (article_id varchar, copy_group varchar, wire varchar, "
        "outlet_domain varchar, outlet varchar, published_at timestamptz, "
        "ingested_at timestamptz, batch_id varchar, story_id varchar)"
    )
    con.executemany("insert into stored values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(*r, r[1]) for r in rows])  # fmt: skip
    con.execute("create table committed_batches (batch_id varchar)")
    con.execute("create view articles as from stored semi join committed_batches using (batch_id)")
    location = glob_literal(lake.url).replace("'", "''")
    for view in ("60_copies.sql", "62_syndication.sql"):
        con.execute((REPO / "warehouse" / "views" / view).read_text().replace("{lake}", location))

    def committed(*batches: str) -> list[tuple]:
        """The view's rows with `batches` committed, checked against the copies view's."""
        con.execute("delete from committed_batches")
        con.executemany("insert into committed_batches values (?)", [(b,) for b in batches])
        got = con.sql("from syndication").fetchall()
        assert sorted(got, key=repr) == sorted(con.sql(RAW["syndication"]).fetchall(), key=repr)
        return got

    got = committed("b1", "b2")
    # Not vacuous: late originals and date suspects occur.
    founders = {r[0] for r in rows if r[0] == r[1]}
    assert sum(r[-1] in founders for r in got) >= 5
    assert sum(r[-2] for r in got) >= 3

    # A compaction c1 keeps b1's rows; b2 then adds to some of b1's groups and starts others.
    committed("b1")
    snapshot = con.sql("select *, 'c1' as batch_id from syndication").to_arrow_table()
    lake.write_file("syndication_snapshot", "c1", snapshot)
    commit = {"batch_id": "c1", "replaces": [], "snapshot_covers": ["b1", "c1"],
              "compacted_at": datetime(2025, 3, 1, tzinfo=UTC)}  # fmt: skip
    lake.write_file(
        "compactions", "c1", pa.Table.from_pylist([commit], table_schemas()["compactions"])
    )
    later, kept = {r[1] for r in rows if r[7] == "b2"}, set(snapshot["copy_group"].to_pylist())
    in_b1 = {r[1] for r in rows if r[7] == "b1"}
    assert len(later & kept) >= 3 and len(later & in_b1 - kept) >= 3  # grown; of one, joined
    assert sorted(committed("b1", "c1", "b2"), key=repr) == sorted(got, key=repr)

    # An untouched group is the snapshot's rows as they are.
    untouched = next(r for r in snapshot.to_pylist() if r["copy_group"] not in later)
    edited = [r | {"republisher": "edited"} if r == untouched else r for r in snapshot.to_pylist()]
    lake.write_file("syndication_snapshot", "c1", pa.Table.from_pylist(edited))
    assert ("edited", untouched["article_id"]) in {(r[6], r[-1]) for r in con.sql(
        "from syndication").fetchall()}  # fmt: skip

    # b1 gone (set aside, say): the snapshot no longer counts, every group is worked out again.
    committed("c1", "b2")
