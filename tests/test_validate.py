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
        ({"title": None}, ["title_missing"]),
        ({"word_count": 12}, ["body_too_short"]),
        ({"title": None, "word_count": 0}, ["title_missing", "body_too_short"]),
        ({"word_count": 12, "language": "english"}, ["body_too_short", "language_invalid"]),
    ],
)
def test_a_row_that_is_no_article_is_quarantined_naming_every_failed_rule(changes, reasons):
    accepted, rejected = validate_articles([row(), row(article_id="a2", **changes)], NOW)
    assert [a["article_id"] for a in accepted] == ["a1"]
    assert [r.reasons for r in rejected] == [reasons]


@pytest.mark.parametrize(
    ("changes", "cleared", "warnings"),
    [
        ({}, [], []),
        ({"published_at": None, "url": None, "outlet_domain": None, "language": None}, [], []),
        ({"published_at": NOW + timedelta(days=30)}, ["published_at", "date_source"],
         ["date_implausible"]),
        ({"published_at": datetime(1850, 1, 1, tzinfo=UTC)}, ["published_at"],
         ["date_implausible"]),
        ({"language": "english"}, ["language"], ["language_invalid"]),
        ({"url": "/world/x"}, ["url"], ["url_invalid"]),
        ({"url": "www.example.com/x", "outlet_domain": "Example"}, ["url", "outlet_domain"],
         ["url_invalid", "domain_invalid"]),
    ],
)  # fmt: skip
def test_an_article_is_kept_with_a_bad_field_cleared_and_the_rule_in_warnings(
    changes, cleared, warnings
):
    accepted, rejected = validate_articles([row(**changes, date_source="html:meta")], NOW)
    assert rejected == []
    (article,) = accepted
    assert sorted(article["warnings"]) == sorted(warnings)
    assert all(article[name] is None for name in cleared)
    assert article["title"] == "Kim to meet Putin" and article["word_count"] == 300


def test_every_rule_says_what_it_does_and_clears_only_article_columns():
    from presswatch.lake.tables import table_schemas

    columns = set(table_schemas()["articles"].names)
    for rule in load_suite()["expectations"]:
        assert rule["meta"]["action"] in ("quarantine", "clear")
        assert set(rule["meta"].get("clears", [])) <= columns
        assert (rule["meta"]["action"] == "clear") == bool(rule["meta"].get("clears"))


def test_every_expectation_in_the_suite_has_a_reason_code():
    suite = load_suite()
    codes = [e["meta"]["reason"] for e in suite["expectations"]]
    assert len(codes) == len(set(codes)) and all(codes)
