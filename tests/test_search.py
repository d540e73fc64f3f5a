"""Keyword search: the terms index finds what a plain scan of titles and bodies finds, ranks
title matches first, counts attention per day like plain SQL, and sees committed batches only."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from presswatch.lake.tables import Lake
from tests.conftest import SEEDS

CORPUS = Path(__file__).parents[1] / "eval" / "corpus" / "html"
QUERIES = [
    "putin",
    "Putin",
    '"kim jong un"',
    '"jong kim"',  # the words, never in this order
    "kim -putin",
    '"north korea" russia -"official says"',
    "covid-19",
    "weapons ammunition",
    '"the"',
    "zzzunknownword",
]


@pytest.fixture
def lake(run_ingest, tmp_path, monkeypatch):
    monkeypatch.setenv("PRESSWATCH_BATCH_SIZE", "4")  # several batch files
    drop = tmp_path / "drop"
    shutil.copytree(SEEDS, drop)
    for page in sorted(CORPUS.glob("*.html.gz"))[:12]:
        (drop / page.name[:-3]).write_bytes(gzip.decompress(page.read_bytes()))
    run_ingest(drop)
    return run_ingest.data


def plain_matches(query: str, articles: list[tuple]) -> set[str]:
    """The query answered by a scan of every title and body, with regular expressions."""
    found = set()
    parts = re.findall(r'-?"[^"]*"|[^\s"]+', query)
    for article_id, title, body in articles:
        texts = [(title or "").lower(), (body or "").lower()]

        def has(part: str, texts: list[str] = texts) -> bool:
            words = re.findall(r"[^\W_]+", part.lower())
            pattern = r"(?<![^\W_])" + r"[\W_]+".join(map(re.escape, words)) + r"(?![^\W_])"
            return any(re.search(pattern, text) for text in texts)

        required = [p for p in parts if not p.startswith("-")]
        excluded = [p[1:] for p in parts if p.startswith("-")]
        if required and all(map(has, required)) and not any(map(has, excluded)):
            found.add(article_id)
    return found


def test_search_finds_what_a_scan_of_every_title_and_body_finds(lake, query):
    articles = query("select article_id, title, body from articles")
    assert len(articles) >= 15
    for q in QUERIES:
        found = {a for (a,) in query(f"select article_id from search_articles({_sql(q)})")}
        assert found == plain_matches(q, articles), q
    assert query(f"select count(*) from search_articles({_sql('putin')})")[0][0] >= 5


def test_a_headline_match_ranks_above_a_passing_mention(run_ingest, query, tmp_path):
    import json

    drop = tmp_path / "drop"
    drop.mkdir()
    filler = (SEEDS / "004_60cfb84bfab2d6d6.txt").read_text(encoding="utf-8").split()[200:500]
    for n, title in enumerate(["Floodgates opened as the river rises", "The weather this week"]):
        body = " ".join([*filler[:150], "floodgates", *filler[150:]])
        record = {"url": f"https://example.com/{n}", "title": title, "text": body,
                  "date_publish": "2024-05-01"}  # fmt: skip
        (drop / f"{n}.json").write_text(json.dumps(record))
    run_ingest(drop)
    ranked = query("select title, score from search_articles('floodgates')")
    assert [title for title, _ in ranked] == ["Floodgates opened as the river rises",
                                              "The weather this week"]  # fmt: skip
    assert ranked[0][1] > ranked[1][1]


def test_attention_counts_like_plain_sql_over_the_matches(lake, query):
    expected = query(
        "select published_date, count(*), count(distinct coalesce(story_id, article_id)), "
        "count(distinct coalesce(outlet_domain, outlet)) from articles "
        "where article_id in (select article_id from search_articles('putin')) "
        "group by 1 order by 1 nulls last"
    )
    assert query("from attention_by_day('putin')") == expected
    per_outlet = query("select sum(articles), sum(stories) from attention('putin')")
    assert per_outlet[0][0] == sum(row[1] for row in expected)
    # The five seeds are one story: attention counts it once a day, however many ran it.
    assert sum(row[2] for row in expected) < sum(row[1] for row in expected)


def test_search_sees_committed_batches_only_and_compaction_changes_nothing(lake, query, run_ingest):
    before = query("select article_id, score from search_articles('putin')")
    terms = Lake(lake).table_dir("terms")
    killed = "29990101T000000000000Z-uncommitted"  # a batch that wrote its terms, then died
    rows = pq.read_table(sorted(terms.glob("2*.parquet"))[0])
    rows = rows.set_column(rows.schema.get_field_index("batch_id"), "batch_id",
                           pa.array([killed] * len(rows)))  # fmt: skip
    pq.write_table(rows, terms / f"{killed}.parquet")
    assert query("select article_id, score from search_articles('putin')") == before

    from presswatch.flows.maintenance import compaction

    compaction(str(lake))
    assert len(list(terms.glob("2*.parquet"))) == 1
    assert query("select article_id, score from search_articles('putin')") == before


def test_the_command_line_prints_the_ranked_articles_and_attention_per_day(lake):
    command = [sys.executable, "-m", "presswatch.cli", "search", "--data", str(lake)]
    ranked = subprocess.run([*command, '"kim jong un" -nyt'], capture_output=True, text=True)
    assert ranked.returncode == 0, ranked.stderr
    assert "Kim Jong Un" in ranked.stdout and "NYT" not in ranked.stdout
    by_day = subprocess.run([*command, "putin", "--by", "day"], capture_output=True, text=True)
    assert by_day.returncode == 0 and "stories" in by_day.stdout


def _sql(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
