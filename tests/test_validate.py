"""The GX suite in schemas/ decides acceptance; each failed rule is a reason code on the row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from presswatch.validate import load_suite, validate_articles

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def row(**changes) -> dict:
    base = {
        "article_id": "a1",
        "source_file": "x.txt",
        "source_record": 0,
        "format": "text",
        "content_hash": "h",
        "title": "Kim to meet Putin",
        "word_count": 300,
        "language": "en",
        "url": "https://www.reuters.com/world/x",
        "outlet_domain": "reuters.com",
        "published_at": NOW - timedelta(days=3),
    }
    return {**base, **changes}


@pytest.mark.parametrize(
    ("changes", "reasons"),
    [
        ({}, None),
        ({"published_at": None, "url": None, "outlet_domain": None, "language": None}, None),
        ({"title": None}, ["title_missing"]),
        ({"word_count": 12}, ["body_too_short"]),
        ({"published_at": NOW + timedelta(days=30)}, ["date_implausible"]),
        ({"published_at": datetime(1850, 1, 1, tzinfo=UTC)}, ["date_implausible"]),
        ({"language": "english"}, ["language_invalid"]),
        ({"url": "www.example.com/x"}, ["url_invalid"]),
        ({"title": None, "word_count": 0}, ["title_missing", "body_too_short"]),
    ],
)
def test_validate_articles_names_every_failed_rule(changes, reasons):
    accepted, rejected = validate_articles([row(), row(article_id="a2", **changes)], NOW)
    if reasons is None:
        assert (len(accepted), rejected) == (2, [])
    else:
        assert len(accepted) == 1 and accepted[0]["article_id"] == "a1"
        assert [r.reasons for r in rejected] == [reasons]


def test_every_expectation_in_the_suite_has_a_reason_code():
    suite = load_suite()
    codes = [e["meta"]["reason"] for e in suite["expectations"]]
    assert len(codes) == len(set(codes)) and all(codes)
