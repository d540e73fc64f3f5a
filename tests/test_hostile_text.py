"""Hostile input: cases that made extraction quadratic or worse (or raise) now return at once.

No time is asserted: the output is what is checked. Sizes are those users hit (8.5 KB of "a@", a
300,000-character token, "WASHINGTON" and 10,000 spaces) or enough to hold the old code for
seconds to minutes; a few cases beside them (a dateline or site name that does follow the gap)
check that the rewritten patterns still find what the old ones found.
"""

import pytest

from presswatch.extract.html import extract_html
from presswatch.extract.record import extract_record
from presswatch.extract.text import extract_text
from presswatch.extract.textdump_lines import markup_share

TITLE = "City council approves new budget"
P1 = (
    "The city council voted on Tuesday to approve a new budget that raises spending on schools "
    "and parks, after months of debate among its members and residents."
)
P2 = (
    "The plan, which takes effect next year, also sets aside money for road repairs and for the "
    "city's aging water system, officials said in a statement released after the vote."
)
P3 = (
    "Critics said the budget does too little to address the rising cost of housing, and several "
    "members promised to bring the issue back to the council early next year."
)
STORY = "\n\n".join([P1, P2, P3])
GAP = " " * 10_000


def dump(*blocks: str) -> str:
    return "\n\n".join(blocks)


@pytest.fixture(autouse=True, scope="module")
def _models_loaded():
    """Language models and trafilatura load on first use: load them before the cases."""
    extract_text(dump(TITLE, STORY))
    extract_html(f"<html><body><p>{P1}</p></body></html>")


@pytest.mark.parametrize(
    "garbage",
    [
        pytest.param("a@" * 4000, id="run-of-at-signs"),
        pytest.param("a" * 300_000, id="one-300k-token"),
        pytest.param("—" * 100_000, id="run-of-em-dashes"),
        pytest.param("[" + " " * 50_000 + "x", id="bracket-before-a-long-gap"),
    ],
)
def test_garbage_beside_a_story_leaves_headline_and_story(garbage):
    result = extract_text(dump(TITLE, STORY, garbage))
    assert result["title"] == TITLE
    assert result["body"].startswith(STORY)


@pytest.mark.parametrize(
    ("text", "share"),
    [
        pytest.param("a@" * 4000, 0.0, id="at-signs-without-a-dot-are-no-address"),
        pytest.param("a" * 300_000 + "@site.com", 1.0, id="address-ending-a-300k-token"),
        pytest.param("x [" + GAP + "logo.png ] y", 1 - 4 / 10_015, id="placeholder-with-a-gap"),
    ],
)
def test_markup_share_of_long_runs(text, share):
    assert markup_share(text) == pytest.approx(share)


@pytest.mark.parametrize(
    ("opening", "dateline"),
    [
        pytest.param("WASHINGTON" + GAP + "said ", None, id="no-dateline-after-a-long-gap"),
        pytest.param("WASHINGTON" + GAP + "— ", "WASHINGTON", id="dateline-across-a-long-gap"),
    ],
)
def test_dateline_with_a_long_gap(opening, dateline):
    result = extract_text(dump(TITLE, opening + P1, P2, P3))
    assert result["dateline"] == dateline
    assert result["body"].endswith(P3)


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        pytest.param("By\nJane Doe" + GAP + "on Monday", ["Jane Doe"], id="date-after-a-gap"),
        pytest.param("By\nJane Doe " + "jan" * 30_000, [], id="month-names-in-a-long-word"),
        pytest.param("By\n" + "AA " * 20_000 + "Jane " + "AA " * 20_000, [], id="run-of-acronyms"),
    ],
)
def test_byline_on_the_line_after_by(byline, authors):
    result = extract_text(dump(TITLE, byline, STORY))
    assert result["authors"] == authors
    assert result["body"] == STORY


def test_credits_with_a_long_gap_between_names():
    credits = "(Reporting by Jane" + GAP + "Doe and John Roe)"
    assert extract_text(dump(TITLE, STORY, credits))["authors"] == ["Jane Doe", "John Roe"]


@pytest.mark.parametrize(
    ("suffix", "outlet"),
    [
        pytest.param(" -" + GAP + "Daily Bugle", "Daily Bugle", id="site-name-after-a-gap"),
        pytest.param(" -" + GAP + "a" * 41, None, id="too-long-for-a-site-name"),
    ],
)
def test_outlet_beside_the_headline_after_a_long_gap(suffix, outlet):
    result = extract_text(dump(TITLE + suffix, TITLE, STORY))
    assert result["outlet"] == outlet
    assert result["title"] == TITLE


def test_top_line_with_a_long_gap_is_the_headline_of_an_empty_page():
    line = "x" + " " * 20_000 + "y"
    result = extract_text(line)
    assert result["title"] == line
    assert result["body"] == ""


def html_page(head: str = "", body: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in (P1, P2, P3))
    return (
        f"<html><head><title>{TITLE} - Daily Bugle</title>"
        f'<meta property="og:title" content="{TITLE}">{head}</head>'
        f"<body><article><h1>{TITLE}</h1>{paragraphs}</article>{body}</body></html>"
    )


SAME_CLASS_CHUNK = '<div class="c"><p>x</p></div>'  # ad-split story chunks share a class


def json_ld(value: str) -> str:
    return f'<script type="application/ld+json">{value}</script>'


def publishers(names: range) -> str:
    pages = (f'{{"@type": "WebPage", "publisher": {{"name": "Site {i}"}}}}' for i in names)
    return json_ld("[" + ",".join(pages) + "]")


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(html_page(body=SAME_CLASS_CHUNK * 3000), id="same-class-chunks"),
        pytest.param(html_page(head=json_ld("[" * 100_000 + "]" * 100_000)), id="json-ld-too-deep"),
    ],
)
def test_html_beside_a_story_leaves_headline_and_story(page):
    result = extract_html(page)
    assert result["title"] == TITLE
    assert result["body"].startswith(STORY)


def test_html_with_thousands_of_site_names_keeps_the_first():
    head = publishers(range(6000)) + publishers(range(6000, 12_000))  # each block under the cap
    result = extract_html(html_page(head=head))
    assert result["outlet"] == "Site 0"
    assert result["title"] == TITLE


@pytest.mark.parametrize(
    ("record", "field", "expected"),
    [
        pytest.param({"text": STORY, "author": "Jane" + GAP + "Doe"}, "authors", ["Jane Doe"],
                     id="author-names-across-a-long-gap"),
        pytest.param({"text": "WASHINGTON" + GAP + "said " + STORY}, "dateline", None,
                     id="no-dateline-after-a-long-gap"),
    ],
)  # fmt: skip
def test_record_fields_with_a_long_gap(record, field, expected):
    assert extract_record({"title": TITLE, **record})[field] == expected
