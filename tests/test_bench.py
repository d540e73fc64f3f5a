"""The benchmark's own parts: its inputs are what it says they are, its table holds its figures.
(Speed itself is measured by `make bench`, never asserted here.)"""

from __future__ import annotations

import json

from presswatch.bench.inputs import load_pages, make_drop, write_jsonl, write_warc
from presswatch.bench.results import Figure, cpu_times, machine, report, steal_share, table
from presswatch.model import InputFile
from presswatch.sources.archive import read_archive_chunk


def test_the_table_holds_every_figure_with_its_runs_and_comparison():
    figures = [
        Figure("throughput", "HTML pages, entities on", 6.25, "articles/s", 3, "1.2x its parts"),
        Figure("scale", "coverage_by_outlet, 1M articles", 123.4, "ms", 5),
    ]
    lines = table(figures).splitlines()
    assert len(lines) == 4 and len({len(line) for line in lines}) == 1  # aligned
    assert "| 6.25 articles/s" in lines[2] and "median of 3" in lines[2]
    assert "1.2x its parts" in lines[2]
    assert "| 123 ms" in lines[3]
    page = report(figures, 600)
    assert page.startswith("# presswatch benchmarks") and "10.0 minutes" in page
    assert "cores" in page and "duckdb" in page


def test_the_report_says_how_much_cpu_a_busy_host_took():
    # /proc/stat counters: user nice system idle iowait irq softirq steal
    before, after = [100, 0, 50, 800, 0, 0, 0, 50], [400, 0, 100, 1200, 0, 0, 0, 300]
    assert steal_share(before, after) == 25
    assert "took 25% of its CPU time" in report([], 60, machine(steal_share(before, after)))
    assert steal_share([], after) is None and "steal" not in machine(None)  # not Linux
    assert len(cpu_times()) == 8  # the machine the tests run on is Linux


def test_the_drop_folders_hold_each_page_once_in_their_format(tmp_path):
    pages = load_pages()[:3]
    html = make_drop(pages, "html", tmp_path / "html")
    assert sorted(p.suffix for p in html.iterdir()) == [".html"] * 3
    jsonl = make_drop(pages, "jsonl", tmp_path / "jsonl") / "crawl.jsonl"
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert [r["url"] for r in records] == [p["url"] for p in pages]
    assert all(r["maintext"] for r in records)


def test_large_streams_reach_their_size_with_distinct_articles(tmp_path):
    pages = load_pages()[:5]
    jsonl = tmp_path / "crawl.jsonl"
    count = write_jsonl(jsonl, pages, 3_000_000)
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    assert jsonl.stat().st_size >= 3_000_000 and len(lines) == count
    assert len({json.loads(line)["url"] for line in lines}) == count
    assert all("raw_html" in json.loads(line) for line in lines)

    warc = tmp_path / "crawl.warc.gz"
    responses = write_warc(warc, pages, 5_000_000)
    item = InputFile(warc, warc.name, warc.stat().st_size, 0)
    chunk = read_archive_chunk(item, "hash", 0, 0, 1000)
    assert warc.stat().st_size >= 5_000_000
    assert len(chunk.documents) == responses and chunk.skipped > responses  # images around pages


def test_the_synthetic_lake_is_committed_by_the_lake_writer_and_queryable(tmp_path):
    import duckdb
    import numpy as np

    from presswatch.bench.scale import _compaction_figure, grow
    from presswatch.bench.synthetic import SEED, load_pools
    from presswatch.stories.segments import KeySet
    from presswatch.warehouse.publish import publish

    rng, pairs = np.random.default_rng(SEED), KeySet()
    pools = load_pools(rng)
    grow(tmp_path, pools, rng, 0, 2_000, pairs)
    grow(tmp_path, pools, rng, 2_000, 3_000, pairs)  # a second batch: its rollups count the first
    publish(tmp_path)
    with duckdb.connect(str(tmp_path / "presswatch.duckdb"), read_only=True) as con:
        check_synthetic_lake(con)
    # The bench compacts after each size: the views read the merged rollups, and agree.
    assert "rollup rows merged" in _compaction_figure(tmp_path, 3_000).compare
    with duckdb.connect(str(tmp_path / "presswatch.duckdb"), read_only=True) as con:
        check_synthetic_lake(con)


def check_synthetic_lake(con) -> None:
    """The synthetic lake of 3,000 articles: skewed, its views equal to the raw SQL, searchable."""
    from tests.test_rollups import HEADLINES, RAW, VIEWS

    articles, outlets, ids = con.sql(
        "select count(*), count(distinct outlet_domain), count(distinct article_id) from articles"
    ).fetchall()[0]
    assert articles == ids == 3_000 and outlets > 50
    top = con.sql("select articles from coverage_by_entity limit 1").fetchall()[0][0]
    assert 100 < top < 3_000  # skewed names: the top one in many articles, not all
    assert con.sql("select max(articles) from stories").fetchall()[0][0] > 5
    for view, raw in RAW.items():  # the rollups the bench writes add up as the pipeline's
        rows = sorted(con.sql(VIEWS[view]).fetchall(), key=repr)
        assert rows == sorted(con.sql(raw).fetchall(), key=repr), view
    assert con.sql(HEADLINES).fetchall() == [(0,)]
    # Its keyword index, made in bulk, finds what the pipeline's would.
    found = con.sql("select count(*) from search_matches('trump')").fetchall()[0][0]
    scanned = con.sql(
        "select count(*) from articles where regexp_matches(lower(title || ' ' || body), "
        "'(^|[^[:alnum:]])trump([^[:alnum:]]|$)')"
    ).fetchall()[0][0]
    assert found == scanned > 100
