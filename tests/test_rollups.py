"""The coverage views read per-batch rollups: their sums equal the plain SQL over the raw tables,
batch after batch, after a compaction, after a batch killed before its commit, and for a lake
written before rollups existed. So does syndication, which reads only the copy groups of two or
more articles."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from presswatch.lake.storage import Folder
from presswatch.lake.tables import EMPTY_FILE, ROLLUP_TABLES, Lake
from tests.conftest import FIXTURES

REPO = Path(__file__).parent.parent

# The views as plain SQL over articles and entities: what the rollups must add up to.
STORY, OUTLET = "coalesce(a.story_id, a.article_id)", "coalesce(a.outlet_domain, a.outlet)"
RAW = {
    "coverage_by_outlet": f"""
        select outlet_domain, outlet, count(*), count(distinct {STORY}),
               min(published_date), max(published_date)
        from articles a group by all""",
    "coverage_by_date": f"""
        select published_date, count(*), count(distinct {STORY}), count(distinct {OUTLET})
        from articles a group by all""",
    "coverage_by_entity": f"""
        select e.name, e.label, count(*), count(distinct {STORY}), count(distinct {OUTLET}),
               sum(e.mentions), min(a.published_date), max(a.published_date)
        from entities e join articles a using (article_id) group by all""",
    "entity_by_date": f"""
        select e.name, e.label, a.published_date, count(*), count(distinct {STORY}),
               count(distinct {OUTLET})
        from entities e join articles a using (article_id) group by all""",
    "entity_cooccurrence": """
        select e.name, e.label, f.name, f.label, count(*), min(a.published_date),
               max(a.published_date)
        from entities e join articles a using (article_id)
        join entities f on f.article_id = e.article_id and e.name < f.name group by all""",
    "entity_pairs": """
        select e.name, e.label, f.name, f.label, count(*), min(a.published_date),
               max(a.published_date)
        from entities e join articles a using (article_id)
        join entities f on f.article_id = e.article_id and e.name <> f.name group by all""",
    "stories": f"""
        select story_id, min(published_at), count(*), count(distinct {OUTLET}),
               count(*) - count(distinct copy_group),
               list_sort(list(distinct wire) filter (where wire is not null))
        from articles a where story_id is not null and copy_group is not null group by all""",
    # Each copy that is not its group's original, beside the original (the copies view's).
    "syndication": """
        with member as (
            select c.is_original, c.date_suspect as suspect, a.*
            from copies c join articles a using (article_id)
        )
        select r.copy_group, coalesce(o.wire, o.outlet_domain, o.outlet), o.outlet_domain,
               o.outlet, o.published_at, r.outlet_domain, r.outlet, r.published_at, r.suspect,
               r.article_id
        from member r join member o on o.copy_group = r.copy_group and o.is_original
        where not r.is_original""",
}
# What each view is compared on: all its columns, but a story's headline, which is any of its
# earliest titles (HEADLINES checks it).
VIEWS = {view: f"select * from {view}" for view in RAW} | {
    "stories": "select * exclude (headline) from stories"
}
HEADLINES = """
    select count(*) from stories s
    where headline not in (
        select title from articles a
        where a.story_id = s.story_id and a.copy_group is not null and coalesce(a.published_at,
              a.ingested_at) = (select min(coalesce(published_at, ingested_at)) from articles b
                                where b.story_id = s.story_id and b.copy_group is not null
                                  and b.title is not null))"""


@pytest.fixture
def drop(tmp_path) -> Path:
    """Five copies of one story from five sites, three other pages, three crawl records."""
    folder = tmp_path / "drop"
    shutil.copytree(REPO / "samples" / "drop", folder)
    shutil.copy(FIXTURES / "crawl.jsonl", folder / "crawl.jsonl")
    return folder


def assert_views_equal_raw(query, copies: bool = True) -> None:
    """Every view equals its plain SQL; not vacuously (with `copies`: a copy republished)."""
    for view, raw in RAW.items():
        assert sorted(query(VIEWS[view]), key=repr) == sorted(query(raw), key=repr), view
    assert query(HEADLINES) == [(0,)]
    assert query("select count(*) from coverage_by_entity")[0][0] > 10
    assert query("select count(*) from syndication")[0][0] >= int(copies)


def rollup_files(lake: Lake) -> dict[str, int]:
    return {t: len([e for e in lake.files(t) if e.name != EMPTY_FILE]) for t in ROLLUP_TABLES}


def test_rollups_equal_raw_across_batches_and_after_compaction(
    run_ingest, drop, query, monkeypatch
):
    monkeypatch.setenv("PRESSWATCH_BATCH_SIZE", "2")  # one story's copies in several batches
    summary = run_ingest(drop)
    assert summary["accepted"] >= 10
    lake = Lake(run_ingest.data)
    assert rollup_files(lake)["rollup_outlet"] >= 5
    assert_views_equal_raw(query)
    # Not vacuous: a story and an entity's outlets span batches, so a batch's sum alone is wrong.
    spread = (
        "select count(*) from (select {} from {} group by all having count(distinct batch_id) > 1)"
    )
    assert query(spread.format("story_id", "articles"))[0][0] >= 1
    assert query(spread.format("name", "entities"))[0][0] >= 5

    from presswatch.flows.maintenance import compaction

    compaction(str(run_ingest.data))
    assert set(rollup_files(lake).values()) == {1}
    assert_views_equal_raw(query)
    # The compaction kept syndication's rows, with the batches they read.
    (commit,) = lake.read_table("compactions").to_pylist()
    assert set(commit["snapshot_covers"]) == lake.committed_batches()
    snapshot = lake.read_table("syndication_snapshot")
    assert len(snapshot) == query("select count(*) from syndication")[0][0]


def test_a_damaged_syndication_snapshot_is_removed_and_costs_no_row(
    run_ingest, drop, query, monkeypatch
):
    from presswatch.flows.maintenance import compaction

    monkeypatch.setenv("PRESSWATCH_BATCH_SIZE", "2")  # batches for the compaction to merge
    run_ingest(drop)
    compaction(str(run_ingest.data))
    lake = Lake(run_ingest.data)
    (path,) = [e.path for e in lake.files("syndication_snapshot") if e.name != EMPTY_FILE]
    Path(path).write_bytes(b"PAR1 not a parquet file PAR1")
    assert run_ingest(drop)["accepted"] == 0  # its lock verifies the lake's files
    assert not Path(path).exists()
    assert_views_equal_raw(query)


def test_a_batch_killed_before_its_commit_counts_nothing_and_is_counted_once_later(
    run_ingest, drop, query, monkeypatch
):
    monkeypatch.setenv("PRESSWATCH_BATCH_SIZE", "2")
    late = drop.parent / "late"
    late.mkdir()
    for name in ("001_4b262a0b457e2259.txt", "39d5c43beb60605c.html.gz"):
        shutil.move(drop / name, late / name)
    run_ingest(drop)
    before = {view: sorted(query(VIEWS[view]), key=repr) for view in RAW}
    # The next batch writes its table files (rollups included), then dies before its ledger file.
    for path in late.iterdir():
        shutil.move(path, drop / path.name)
    write = Folder.write_parquet

    def killed_at_commit(self, path, *args, **kwargs):
        if "/ledger/" in str(path) and "empty" not in str(path):
            raise RuntimeError("killed")
        return write(self, path, *args, **kwargs)

    monkeypatch.setattr(Folder, "write_parquet", killed_at_commit)
    with pytest.raises(RuntimeError, match="killed"):
        run_ingest(drop)
    monkeypatch.setattr(Folder, "write_parquet", write)
    lake = Lake(run_ingest.data)
    written = {p.stem for t in ROLLUP_TABLES for p in lake.files(t)}
    committed = lake.committed_batches()
    assert written - committed - {Path(EMPTY_FILE).stem}, "the killed batch left rollup files"
    assert {view: sorted(query(VIEWS[view]), key=repr) for view in RAW} == before

    # The next run removes them, and counts its articles once, against committed batches only.
    assert run_ingest(drop)["accepted"] == 2
    assert_views_equal_raw(query)


def test_a_lake_without_rollups_gets_them_on_the_next_run(run_ingest, drop, query, monkeypatch):
    monkeypatch.setenv("PRESSWATCH_BATCH_SIZE", "3")
    run_ingest(drop)
    lake = Lake(run_ingest.data)
    expected = {view: sorted(query(VIEWS[view]), key=repr) for view in RAW}
    # As a lake written by a release before rollups: no rollup files, segments of format 1.
    for table in ROLLUP_TABLES:
        for entry in lake.files(table):
            if entry.name != EMPTY_FILE:
                lake.delete(entry)
    shutil.rmtree(run_ingest.data / "story_segments")
    assert query("select count(*) from coverage_by_outlet") == [(0,)]

    assert run_ingest(drop)["accepted"] == 0  # nothing new: the run only rebuilds
    assert rollup_files(lake)["rollup_outlet"] >= 3
    assert {view: sorted(query(VIEWS[view]), key=repr) for view in RAW} == expected
    assert_views_equal_raw(query)


def test_compaction_leaves_full_batches_as_they_are_and_merges_every_rollup(
    run_ingest, drop, query, monkeypatch
):
    from presswatch.flows.maintenance import compaction
    from presswatch.lake import compact

    monkeypatch.setenv("PRESSWATCH_BATCH_SIZE", "2")
    monkeypatch.setattr(compact, "FULL_ARTICLES", 2)  # a batch of two articles is full
    late = drop.parent / "late"
    late.mkdir()
    for name in ("001_4b262a0b457e2259.txt", "39d5c43beb60605c.html.gz"):  # copies of a story
        shutil.move(drop / name, late / name)
    shutil.move(drop / "921019755f4a96ac.html.gz", drop.parent)
    run_ingest(drop)
    shutil.move(drop.parent / "921019755f4a96ac.html.gz", drop)
    assert run_ingest(drop)["accepted"] == 1  # a batch of one article: small
    lake = Lake(run_ingest.data)
    sizes = query("select batch_id, count(*) from articles group by all")
    full = {batch for batch, articles in sizes if articles >= 2}
    assert len(full) >= 3 and len(full) < len(sizes), sizes

    compaction(str(run_ingest.data))
    files = {p.stem for p in lake.files("articles")}
    assert full <= files and len(files - full) == 2, "full batches kept, the rest merged"
    # Their rollups stay too, but the story rollups, merged whole: one row per story.
    assert rollup_files(lake) == dict.fromkeys(ROLLUP_TABLES, len(full) + 1) | {"rollup_story": 1}
    (commit,) = lake.read_table("compactions").to_pylist()
    assert set(commit["replaces_rollups"]) == full
    assert_views_equal_raw(query, copies=False)  # the story's other copies come later

    # Later batches add to stories whose rollup rows the compaction holds: the stories view
    # takes those from both and the untouched ones from the compaction alone.
    for path in late.iterdir():
        shutil.move(path, drop / path.name)
    assert run_ingest(drop)["accepted"] == 2
    merged = commit["batch_id"]
    spread = f"""select count(distinct story_id) from rollup_story where batch_id != '{merged}'
                 and story_id in (select story_id from rollup_story where batch_id = '{merged}')"""
    assert query(spread) == [(1,)]
    assert query(f"select count(*) from rollup_story where batch_id = '{merged}'")[0][0] >= 3
    assert_views_equal_raw(query)

    # A second compaction: what is small is merged again, full batches stay. Killed
    # after its commit: the retired rollup files are back, and no row counts twice.
    paths = [Path(e.path) for t in ROLLUP_TABLES for e in lake.files(t) if e.name != EMPTY_FILE]
    rollups = {path: path.read_bytes() for path in paths}
    compaction(str(run_ingest.data))
    assert full <= {p.stem for p in lake.files("articles")}
    for path, content in rollups.items():
        path.write_bytes(content)
    assert_views_equal_raw(query)
    with lake.locked():  # recovery removes them
        assert rollup_files(lake)["rollup_story"] == 1
    assert_views_equal_raw(query)

    # A story index rebuilt from the files learns the full batches' keys without computing
    # their rollups again: the compaction holds them.
    shutil.rmtree(run_ingest.data / "story_segments")
    assert run_ingest(drop)["accepted"] == 0
    assert rollup_files(lake)["rollup_story"] == 1
    assert_views_equal_raw(query)


def test_a_damaged_compaction_takes_the_full_batches_whose_rollups_it_holds(
    run_ingest, drop, query, monkeypatch
):
    from presswatch.flows.maintenance import compaction
    from presswatch.lake import compact

    monkeypatch.setenv("PRESSWATCH_BATCH_SIZE", "2")
    monkeypatch.setattr(compact, "FULL_ARTICLES", 2)
    run_ingest(drop)
    expected = {view: sorted(query(VIEWS[view]), key=repr) for view in RAW}
    articles = query("select count(*) from articles")
    compaction(str(run_ingest.data))
    lake = Lake(run_ingest.data)
    (commit,) = lake.read_table("compactions").to_pylist()
    assert commit["replaces_rollups"]
    damaged = lake.table_dir("rollup_story") / f"{commit['batch_id']}.parquet"
    content = bytearray(damaged.read_bytes())
    content[len(content) // 2 - 100 : len(content) // 2 + 100] = bytes(200)
    damaged.write_bytes(bytes(content))

    # Its rollups were the only ones of the full batches: those are set aside with it, and
    # every input is read again, once.
    assert run_ingest(drop)["accepted"] == articles[0][0]
    aside = run_ingest.data / "damaged" / commit["batch_id"]
    assert {p.name for p in aside.iterdir()} >= set(commit["replaces_rollups"])
    assert query("select count(*) from articles") == articles
    assert {view: sorted(query(VIEWS[view]), key=repr) for view in RAW} == expected
    assert_views_equal_raw(query)
