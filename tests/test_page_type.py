"""Page type: pages that are not articles (products, listings, forms) are told from articles.

The fitted model (schemas/page_type.json) is checked on built pages of each kind and on hostile
input; its figures on ../shared/wcxb are the quality gate's.
"""

from __future__ import annotations

import json

import pytest
from trafilatura.utils import load_html

from presswatch.extract import html_metadata, page_type

PROSE = (
    "The city council voted on Tuesday to expand the bus network after a year of public "
    "hearings, officials said. The plan adds four routes and longer evening hours, and it "
    "will be paid for by a regional grant that was approved in March."
)
STORY = "\n\n".join(f"{PROSE} Paragraph {n} adds more detail from the meeting." for n in range(8))


def classify(html: str, body: str, url: str | None = None) -> str:
    tree = load_html(html)
    return page_type.classify_html(tree, html_metadata.read_page_meta(tree), body, url)


def news_article() -> str:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Council expands the bus network",
        "datePublished": "2025-03-04T08:00:00Z",
        "author": {"@type": "Person", "name": "Jane Doe"},
    }
    paragraphs = "".join(f"<p>{part}</p>" for part in STORY.split("\n\n"))
    return f"""<html><head><title>Council expands the bus network | The Daily</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="2025-03-04T08:00:00Z">
<script type="application/ld+json">{json.dumps(ld)}</script></head>
<body class="single single-post postid-42"><article><h1>Council expands the bus network</h1>
<p class="byline">By Jane Doe, March 4, 2025</p>{paragraphs}</article></body></html>"""


def test_a_news_article_with_its_metadata_byline_and_date_is_an_article():
    html = news_article()
    assert classify(html, STORY, "https://news.example/2025/03/04/council-expands-bus-network") == (
        page_type.ARTICLE
    )
    assert classify(html, STORY, None) == page_type.ARTICLE


def test_a_bare_article_of_prose_paragraphs_without_metadata_is_kept():
    paragraphs = "".join(f"<p>{part}</p>" for part in STORY.split("\n\n"))
    html = f"<html><head><title>Notes</title></head><body><h1>Notes</h1>{paragraphs}</body></html>"
    assert classify(html, STORY) == page_type.ARTICLE


def test_a_product_page_with_product_json_ld_offers_and_a_cart_is_a_product():
    ld = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Trail running shoe",
        "offers": {"@type": "Offer", "price": "129.00", "priceCurrency": "USD"},
    }
    html = f"""<html><head><title>Trail running shoe | Shop</title>
<meta property="og:type" content="product">
<script type="application/ld+json">{json.dumps(ld)}</script></head>
<body class="single-product woocommerce-page"><h1>Trail running shoe</h1>
<p class="price"><span itemprop="price">$129.00</span></p>
<form class="cart"><input type="number" name="quantity"><button>Add to cart</button></form>
<ul>{"".join(f"<li><a href='/size/{n}'>Size {n}</a></li>" for n in range(6, 14))}</ul>
<div class="description"><p>Light and grippy for muddy trails.</p></div></body></html>"""
    body = "Light and grippy for muddy trails. A cushioned sole for long days out, $129.00."
    assert classify(html, body, "https://shop.example/products/trail-shoe") == "product"


def test_a_listing_of_thirty_teaser_cards_is_not_an_article():
    cards = "".join(
        f"""<div class="card"><h3><a href="/story-{n}">Headline number {n} of the day</a></h3>
<p>A short teaser of two lines for story {n}, cut before its end...</p>
<a href="/story-{n}">Read more</a></div>"""
        for n in range(30)
    )
    html = f"""<html><head><title>Latest news</title>
<meta property="og:type" content="website"></head>
<body class="archive category"><h1>Latest news</h1><div class="grid">{cards}</div>
<nav class="pagination"><a rel="next" href="?page=2">Next</a></nav></body></html>"""
    body = "\n\n".join(f"A short teaser of two lines for story {n}." for n in range(30))
    assert classify(html, body, "https://news.example/category/local/") != page_type.ARTICLE


def test_a_log_in_page_is_not_an_article():
    html = """<html><head><title>Sign in</title></head><body><h1>Sign in</h1>
<form action="/login"><input type="email" name="email"><input type="password" name="pw">
<button>Sign in</button></form><p>Forgot your password?</p></body></html>"""
    assert classify(html, "Sign in to continue. Forgot your password?") != page_type.ARTICLE


@pytest.mark.parametrize(
    "ld",
    [
        '[1, 2, "a"]',
        '"a string"',
        "42",
        '{"@type": 5, "author": [null, 3]}',
        '{"@type": ["Product", null, {"x": 1}], "offers": [1, "x"]}',
        '{"@graph": "nope", "mainEntity": [[[{"@type": "ItemList"}]]]}',
        "[" * 3000 + "]" * 3000,
        "{not json",
    ],
)
def test_odd_json_ld_never_raises(ld):
    html = f"""<html><head><script type="application/ld+json">{ld}</script>
<meta property="og:type"></head><body><h1>T</h1><p>{PROSE}</p></body></html>"""
    assert classify(html, PROSE, "http://[::1/broken") in {
        page_type.ARTICLE,
        "product",
        "listing",
        "collection",
        "service",
        "documentation",
        "forum",
        "login",
    }


def test_a_huge_page_is_classified_quickly():
    import time

    rows = "".join(
        f"<div class='row'><a href='/{n}'>item {n}</a> {PROSE}</div>" for n in range(5000)
    )
    html = f"<html><body><h1>Everything</h1>{rows}</body></html>"
    tree = load_html(html)
    page = html_metadata.read_page_meta(tree)
    started = time.perf_counter()
    page_type.classify_html(tree, page, STORY, None)
    assert time.perf_counter() - started < 2.0


def test_a_text_dump_of_an_article_is_an_article_and_odd_dumps_do_not_raise():
    header = "Skip to content\n\n  • Home\n  • News\n\nCouncil expands the bus network\n\n"
    dump = header + "By Jane Doe\nMarch 4, 2025\n\n" + STORY + "\n\n© 2025 The Daily\n"
    title = "Council expands the bus network"
    assert page_type.classify_text(dump, STORY, title) == page_type.ARTICLE
    for odd in ("", "\n" * 10000, "[      ]" * 5000, "2025 " * 20000):
        page_type.classify_text(odd, "", None)


def test_the_model_scores_with_plain_python_and_unknown_features_count_as_average():
    weights = page_type.load_weights()
    assert set(weights) == {"html", "text"}
    for model in weights.values():
        lengths = {len(model[key]) for key in ("features", "mean", "scale", "coef")}
        assert len(lengths) == 1
    features = {"url_known": 0.0}  # nothing else known: only the intercept and this one count
    model = weights["html"]
    at = model["features"].index("url_known")
    expected = model["intercept"] + model["coef"][at] * page_type.standardise(
        0.0, model["mean"][at], model["scale"][at]
    )
    assert page_type.score("html", features) == pytest.approx(expected)


# On ../shared/wcxb, articles kept and non-articles accepted per half of the site split are pinned
# by the quality gate (tests/test_quality_gate.py, eval/baseline_wcxb.json), through the pipeline.
