"""Metadata rules: datelines and wires, bylines and credits, header dates, domains."""

from datetime import UTC, datetime

import pytest

from presswatch.extract import metadata


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        ("WASHINGTON (AP) — A U.S. official said Monday", ("AP", "WASHINGTON")),
        ("WASHINGTON (Reuters) - North Korean leader Kim Jong Un", ("Reuters", "WASHINGTON")),
        ("BEIJING, Nov 20 (Reuters) - China said on Wednesday", ("Reuters", "BEIJING")),
        ("Washington — North Korean leader Kim Jong Un plans", (None, "Washington")),
        ("SÃO PAULO (AFP) - O governo anunciou", ("AFP", "SÃO PAULO")),
        ("North Korean leader Kim Jong Un plans to visit - and meet", (None, None)),
        ("The official, who was not authorized, said so.", (None, None)),
    ],
)
def test_find_wire_and_dateline_from_story_opening(opening, expected):
    assert metadata.find_wire_and_dateline(opening) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["View", "Date:2025-04-27 18:20:48"], datetime(2025, 4, 27, 18, 20, 48, tzinfo=UTC)),
        (["World", "Tuesday, 05 Sep 2023"], datetime(2023, 9, 5, tzinfo=UTC)),
        (["Updated March 3, 2021", "Published March 1, 2021"], datetime(2021, 3, 1, tzinfo=UTC)),
        (["Log In", "Menu"], None),
    ],
)
def test_find_date_in_lines_prefers_published_labels(lines, expected):
    assert metadata.find_date_in_lines(lines)[0] == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.latimes.com/business/story.html", "latimes.com"),
        ("https://news.sky.com/story/x", "sky.com"),
        ("https://www.bbc.co.uk/news/x", "bbc.co.uk"),
        ("http://g1.globo.com.br/x", "globo.com.br"),
        ("not a url", None),
        (None, None),
    ],
)
def test_domain_of_is_the_registrable_domain_offline(url, expected):
    assert metadata.domain_of(url) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-09-05T10:00:00Z", datetime(2023, 9, 5, 10, tzinfo=UTC)),
        ("2023-09-05 12:00:00+02:00", datetime(2023, 9, 5, 10, tzinfo=UTC)),
        (1693908000, datetime(2023, 9, 5, 10, tzinfo=UTC)),
        ("Tue, 05 Sep 2023 10:00:00 GMT", datetime(2023, 9, 5, 10, tzinfo=UTC)),
        ("soon", None),
    ],
)
def test_parse_timestamp_keeps_the_instant_and_reads_naive_as_utc(value, expected):
    assert metadata.parse_timestamp(value) == expected
