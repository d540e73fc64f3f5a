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


def test_syndication_takes_each_group_s_original_as_the_copies_view_does():
    """Groups whose original is a later arrival (wire-credited, or dated earlier), undated and
    tied members, groups of one and articles in no group: the syndication view's shortcut (an
    aggregate per group of two or more) gives the rows of the copies view's window."""
    import random

    import duckdb

    from tests.test_rollups import RAW, REPO

    views = REPO / "warehouse" / "views"
    rng = random.Random(17)
    rows = []
    for group in range(120):
        founder = f"a{group:03d}"
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
            ))  # fmt: skip
    con = duckdb.connect()
    con.execute(
        "create table articles (article_id varchar, copy_group varchar, wire varchar, "
        "outlet_domain varchar, outlet varchar, published_at timestamptz, "
        "ingested_at timestamptz, story_id varchar)"
    )
    con.executemany("insert into articles values (?, ?, ?, ?, ?, ?, ?, ?)",
                    [(*r, r[1]) for r in rows])  # fmt: skip
    for view in ("60_copies.sql", "62_syndication.sql"):
        con.execute((views / view).read_text())
    got = con.sql("from syndication").fetchall()
    assert sorted(got, key=repr) == sorted(con.sql(RAW["syndication"]).fetchall(), key=repr)
    # Not vacuous: late originals and date suspects occur.
    founders = {r[0] for r in rows if r[0] == r[1]}
    assert sum(r[-1] in founders for r in got) >= 5
    assert sum(r[-2] for r in got) >= 3
