"""HTML extraction: headline, site name, date, domain and byline conventions; story assembly."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import html as lxml_html

from presswatch.extract import html_body, html_date, html_metadata
from presswatch.extract.html import extract_html

FIXTURES = Path(__file__).parent / "fixtures" / "html"
PROSE = (
    "The council voted on Tuesday to extend the program for another year, officials said, "
    "after months of debate over its cost and the number of families it reaches each week. "
)


def _page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def _meta(head: str, body: str = "") -> html_metadata.PageMeta:
    return html_metadata.read_page_meta(lxml_html.fromstring(_page(head, body)))


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        # og:title is the publisher's shared headline and is kept as written.
        (
            '<meta property="og:title" content="Home Depot sales miss, shares plunge">'
            "<title>Home Depot sales miss, shares plunge | Fox Business</title>",
            "Home Depot sales miss, shares plunge",
        ),
        # Without og:title, the <title>'s site suffix named by og:site_name is dropped.
        (
            '<meta property="og:site_name" content="BIG Brand System">'
            "<title>How to Adopt an Online Leader Success Mindset | BIG Brand System</title>",
            "How to Adopt an Online Leader Success Mindset",
        ),
        # A site-name prefix goes too, even one with its own separators.
        (
            '<meta property="og:site_name" content="LinkNaija | Nigeria\'s news platform">'
            "<title>LinkNaija | Nigeria's news platform: Kate Henshaw Looks Stunning</title>",
            "Kate Henshaw Looks Stunning",
        ),
        # The domain's own name counts as the site name when no og:site_name is given.
        (
            '<meta property="og:url" content="https://www.newsnation.in/a/b">'
            "<title>Is An Oxygen Bar In Delhi Offering Fresh Air? - News Nation</title>",
            "Is An Oxygen Bar In Delhi Offering Fresh Air?",
        ),
        # A JSON-LD headline serves when there is no og:title.
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"headline": "Zach Parise scores twice"}</script><title>Twin Cities</title>',
            "Zach Parise scores twice",
        ),
    ],
)
def test_find_title_prefers_shared_headline_and_strips_site_name(head, expected):
    page = _meta(head)
    fallback = lxml_html.fromstring(_page(head)).findtext(".//title")
    assert html_metadata.find_title(page, fallback) == expected


def test_find_title_never_returns_the_site_name_alone():
    page = _meta('<meta property="og:site_name" content="Wired"><title>WIRED</title>')
    assert html_metadata.find_title(page, "WIRED") is None


def test_headline_put_in_og_site_name_is_not_taken_for_the_site():
    headline = "The man whose duvet nearly killed him: How this medical mystery was solved"
    page = _meta(
        f'<meta property="og:site_name" content="{headline}">'
        f'<meta property="og:title" content="{headline}">'
    )
    assert html_metadata.find_title(page, None) == headline


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<link rel="canonical" href="https://www.latimes.com/story/x">', "latimes.com"),
        ('<meta property="og:url" content="http://www.autoracing.com.br/x/">', "autoracing.com.br"),
        # A syndicated copy: og:url is this page, canonical the originator's.
        (
            '<meta property="og:url" content="https://www.msn.com/en-us/a">'
            '<link rel="canonical" href="https://www.cnn.com/2019/a.html">',
            "msn.com",
        ),
        (
            '<script type="application/ld+json">{"@type": "Article", '
            '"mainEntityOfPage": {"@id": "https://news.sky.com/story/a"}}</script>',
            "sky.com",
        ),
        ("<title>No address here</title>", None),
    ],
)
def test_find_domain_from_page_links_and_json_ld(head, expected):
    assert html_metadata.find_domain(_meta(head)) == expected


def test_outlet_domain_of_a_post_given_at_its_platform_s_address_is_the_user_s_site():
    page = _page(
        '<meta property="og:url" content="https://substack.com/home/post/p-182014527">'
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"url": "https://annlee.substack.com/p/a-story"}</script>',
        f"<p>{PROSE * 3}</p>",
    )
    assert extract_html(page)["outlet_domain"] == "annlee.substack.com"


def test_url_quoted_whole_is_read_unquoted():
    page = _page(
        '<meta property="og:url" content="https://blog.example.fr%2Farticles%2Fa-story">',
        f"<p>{PROSE * 3}</p>",
    )
    found = extract_html(page)
    assert (found["url"], found["outlet_domain"]) == (
        "https://blog.example.fr/articles/a-story",
        "example.fr",
    )


def test_outlet_domain_falls_back_to_a_linked_domain_named_in_the_title():
    page = _page(
        "<title>The Space Review: Seeking a bigger role for a big rocket</title>",
        '<a href="http://www.spacenews.com/">SpaceNews</a>'
        '<a href="http://www.thespacereview.com/archive.html">Archive</a>'
        f"<p>{PROSE * 3}</p>",
    )
    assert extract_html(page)["outlet_domain"] == "thespacereview.com"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        # Kept as an instant: 19:53 in New York is 00:53 UTC the next day.
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"datePublished": "2019-11-19T19:53:52-05:00"}</script>',
            datetime(2019, 11, 20, 0, 53, 52, tzinfo=UTC),
        ),
        (
            '<meta property="article:published_time" content="2019-11-19T01:19:34.819Z">'
            '<meta property="article:modified_time" content="2019-11-19T14:41:32.559Z">',
            datetime(2019, 11, 19, 1, 19, 34, 819000, tzinfo=UTC),
        ),
        ('<meta name="description" content="No date in 2019 here">', None),
    ],
)
def test_find_published_from_json_ld_then_meta(head, expected):
    assert html_metadata.find_published(_meta(head))[0] == expected


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "author": ['
            '{"@type": "Person", "name": "Mike Wuerthele"}, '
            '{"@type": "Organization", "name": "AppleInsider"}]}</script>',
            "",
            ["Mike Wuerthele"],
        ),
        (
            "",
            '<p class="byline">By Mike Wuerthele and Malcolm Owen Monday, November 18, 2019</p>',
            ["Mike Wuerthele", "Malcolm Owen"],
        ),
        (
            "",
            '<div class="article-author"><h3 class="author__name">Tom Gillespie</h3>'
            "News reporter @TomGillespie1</div>",
            ["Tom Gillespie"],
        ),
        (
            '<meta name="author" content="Finian Cunningham. Sputnik International">',
            "",
            ["Finian Cunningham"],
        ),
        ('<meta name="author" content="Sarah E. Needleman">', "", ["Sarah E. Needleman"]),
        # A desk credit carrying the outlet's name is no person.
        (
            '<meta property="og:site_name" content="The Telegraph">'
            '<meta property="og:url" content="https://www.telegraph.co.uk/a">',
            '<div class="byline">Telegraph Sport</div>',
            [],
        ),
        # A link to the person's own page on the site, its text spelling the path's slug.
        (
            "",
            '<span>Posted</span> <a href="/authors/trevor-jackins">Trevor Jackins</a>',
            ["Trevor Jackins"],
        ),
        # ... but not a team page's or a sidebar's many profiles.
        (
            "",
            "".join(
                f'<a href="/author/{name.lower().replace(" ", "-")}/">{name}</a>'
                for name in ("Ann Lee", "Bob Stone", "Cara Diaz", "Dan Fox", "Eve Hart")
            ),
            [],
        ),
        # A line of its own crediting the story.
        ("", "<p>Written by John Crenshaw</p>", ["John Crenshaw"]),
        ("", "<p>By checking out, you agree to our Terms of Use and Privacy Policy.</p>", []),
    ],
)
def test_find_authors_from_json_ld_byline_and_meta(head, body, expected):
    page = _meta(head, body)
    assert html_metadata.find_authors(page, lxml_html.fromstring(_page(head, body))) == expected


def test_story_split_into_same_class_chunks_is_extracted_whole():
    found = extract_html((FIXTURES / "chunked_story.html").read_text(encoding="utf-8"))
    assert found["body"].startswith("Last month, I converted")
    assert found["body"].endswith("quietly encouraged for years.")
    assert "Advertisement" not in found["body"]
    assert found["authors"] == ["Louise Matsakis"]
    assert found["outlet_domain"] == "wired.com"


def test_prepare_tree_joins_chunks_into_the_first():
    tree = lxml_html.fromstring((FIXTURES / "chunked_story.html").read_bytes())
    prepared = html_body.prepare_tree(tree)
    chunks = prepared.xpath("//div[contains(@class, 'body__container')]")
    assert len(chunks) == 1
    assert len(chunks[0].findall("p")) == 4


def test_related_posts_nested_in_the_story_article_are_dropped():
    teaser = "Gratidão pela vida está nos detalhes, no sorriso dado logo ao despertar. " * 3
    page = _page(
        "",
        f"<article><h1>Só quem se ama</h1><p>{PROSE * 4}</p>"
        f"<article><p>{teaser}</p></article><article><p>{teaser}</p></article></article>",
    )
    body = extract_html(page)["body"]
    assert "council voted" in body
    assert "Gratidão" not in body


def test_nested_article_holding_the_story_is_kept():
    page = _page("", f"<article><nav>Menu</nav><article><p>{PROSE * 4}</p></article></article>")
    assert "council voted" in extract_html(page)["body"]


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        (["Calendário Stock Car 2018", "Lead", "More"], ["Lead", "More"]),
        (
            ["Calendário Stock Car 2018", "segunda-feira, 22 de janeiro de 2018 às 0:13", "Lead"],
            ["Lead"],
        ),
        (["05/10/2018 - Publicado por: Clarissa Borba", "Lead"], ["Lead"]),
        # A long opening that merely carries a date is story, not a stamp.
        (
            [PROSE + "On 05/10/2018 the vote passed.", "More"],
            [PROSE + "On 05/10/2018 the vote passed.", "More"],
        ),
    ],
)
def test_trim_edges_drops_repeated_headline_and_date_stamps(paragraphs, expected):
    assert html_body.trim_edges(paragraphs, "Calendário Stock Car 2018") == expected


def test_empty_page_gives_empty_body():
    assert extract_html("<html><body></body></html>")["body"] == ""


def test_a_page_declaring_no_date_gets_the_one_it_shows_over_the_extractor_s_guess():
    shown, guessed = datetime(2025, 10, 14, tzinfo=UTC), datetime(2024, 2, 11, tzinfo=UTC)
    assert html_date.choose_published((None, None), guessed, shown) == (shown, "html:shown")
    assert html_date.choose_published((None, None), guessed, None) == (guessed, "html:metadata")
