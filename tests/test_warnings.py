"""An article is never lost for one bad field: the field becomes NULL, the rule goes to warnings."""

from __future__ import annotations

import json

STORY = " ".join(
    "The county council voted on Tuesday to fund three new libraries and to keep the old one open "
    "late on weekdays, after a year of petitions from parents and students."
    for _ in range(6)
)


def page(head: str, title: str = "Council funds three new libraries") -> str:
    return (f"<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>"
            f"<p>{STORY}</p><p>{STORY}</p></article></body></html>")  # fmt: skip


def test_bad_fields_are_cleared_with_a_warning_and_the_article_is_kept(run_ingest, tmp_path, query):
    drop = tmp_path / "drop"
    drop.mkdir()
    future = '<meta property="article:published_time" content="2191-05-01T10:00:00Z">'
    (drop / "future.html").write_text(page(future))
    (drop / "relative.html").write_text(page('<meta property="og:url" content="/news/libraries">'))
    record = {"title": "Libraries", "text": STORY, "url": "libraries.html"}
    (drop / "record.json").write_text(json.dumps(record))
    counts = run_ingest(drop)
    assert (counts["accepted"], counts["quarantined"]) == (3, 0)
    rows = dict(query("select source_file, warnings from articles order by source_file"))
    assert rows == {"future.html": ["date_implausible"], "record.json": ["url_invalid"],
                    "relative.html": ["url_invalid"]}  # fmt: skip
    assert query("select count(*) from articles where published_at is not null") == [(0,)]
    assert query("select count(*) from articles where url is not null") == [(0,)]


def test_relative_and_protocol_relative_urls_resolve_against_the_page(run_ingest, tmp_path, query):
    drop = tmp_path / "drop"
    drop.mkdir()
    canonical = '<link rel="canonical" href="https://www.example-news.com/news/libraries">'
    (drop / "a.html").write_text(page('<meta property="og:url" content="/news/a">' + canonical))
    (drop / "b.html").write_text(page('<meta property="og:url" content="//example-news.com/b">'))
    (drop / "c.html").write_text(page('<base href="https://example-news.com/x/">'
                                      '<meta property="og:url" content="c">'))  # fmt: skip
    run_ingest(drop)
    assert query("select source_file, url, outlet_domain, warnings from articles order by 1") == [
        ("a.html", "https://www.example-news.com/news/a", "example-news.com", []),
        ("b.html", "https://example-news.com/b", "example-news.com", []),
        ("c.html", "https://example-news.com/x/c", "example-news.com", []),
    ]
