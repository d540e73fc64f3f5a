"""The story text of an HTML page: trafilatura on a tidied tree, then edge cleanup."""

from __future__ import annotations

import functools
import logging
import re
from collections import defaultdict

from lxml.html import HtmlElement

logger = logging.getLogger(__name__)

# A nested <article> is a related item or a comment (HTML spec), unless it holds this share of
# the page's paragraph text: then the outer one is a page-wide wrapper and the inner the story.
NESTED_MAX_SHARE = 0.5
# Story chunks split by ads share one container class; each must read like prose, not a menu.
CHUNK_MIN_CHARS = 150
CHUNK_MAX_LINK_DENSITY = 0.3
# The chunks together must be most of the page's paragraph text, or they are teasers.
CHUNK_MIN_PAGE_SHARE = 0.5
# The precision run is kept when it has at least this share of the wider run's words.
NEWS_PRECISION_MIN_SHARE = 0.5
PRECISION_MIN_SHARE = 0.9
# A leading line this close to the title (token Jaccard) is the headline repeated.
HEADLINE_JACCARD = 0.7
# A leading line this short that carries a date is a byline/date stamp, not the story.
STAMP_MAX_WORDS = 14
STAMP_LINES = 3

WORD = re.compile(r"\w+")
DATE_STAMP = re.compile(
    r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b"
    r"|\b\d{1,2}:\d{2}\b|\b\d{1,2}(?:st|nd|rd|th)?,? \w+ \d{4}\b|\b\w+ \d{1,2},? \d{4}\b"
    r"|\b\d{1,2} de \w+ de \d{4}\b"
)


@functools.cache
def _config():
    from trafilatura.settings import use_config

    config = use_config()
    # Its timeout uses SIGALRM, which only works on the main thread; Prefect may run us elsewhere.
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return config


def extract_body(tree: HtmlElement, title: str | None = None, news: bool = False) -> str:
    """Story paragraphs separated by blank lines; "" when no story is found.

    trafilatura's precision run, unless a wider run finds much more: on a news story (`news`)
    precision drops the teaser and share blocks that the default run keeps, and is wrong only
    when it drops the story too; on other pages (guides, reviews, posts) the lists and tables
    that precision drops are often the story, which the recall run keeps.
    """
    tree = prepare_tree(tree)
    text = _trafilatura(tree, favor_precision=True)
    wider = _trafilatura(tree, favor_recall=not news)
    share = NEWS_PRECISION_MIN_SHARE if news else PRECISION_MIN_SHARE
    if len(WORD.findall(text)) < share * len(WORD.findall(wider)):
        text = wider
    if news and not text.strip():  # both found nothing: the recall run's text beats none
        text = _trafilatura(tree, favor_recall=True)
    paragraphs = [line.strip() for line in text.split("\n") if line.strip()]
    return "\n\n".join(trim_edges(paragraphs, title))


def _trafilatura(
    tree: HtmlElement, favor_precision: bool = False, favor_recall: bool = False
) -> str:
    from copy import deepcopy

    from trafilatura import bare_extraction

    doc = bare_extraction(
        deepcopy(tree),  # it prunes the tree it is given
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        favor_precision=favor_precision,
        favor_recall=favor_recall,
        config=_config(),
    )
    return (doc.text if doc else "") or ""


def prepare_tree(tree: HtmlElement) -> HtmlElement:
    """A copy of the page with related items pruned and ad-split story chunks joined."""
    from copy import deepcopy

    tree = deepcopy(tree)
    _drop_nested_articles(tree)
    _join_story_chunks(tree)
    return tree


def trim_edges(paragraphs: list[str], title: str | None) -> list[str]:
    """Drop a repeated headline and short date/byline stamps from the top of the story."""
    out = list(paragraphs)
    if out and title and _jaccard(out[0], title) >= HEADLINE_JACCARD:
        out.pop(0)
    while out and len(paragraphs) - len(out) < STAMP_LINES + 1 and _is_stamp(out[0]):
        out.pop(0)
    return out


def _is_stamp(line: str) -> bool:
    return len(WORD.findall(line)) <= STAMP_MAX_WORDS and bool(DATE_STAMP.search(line))


def _jaccard(a: str, b: str) -> float:
    x, y = set(WORD.findall(a.lower())), set(WORD.findall(b.lower()))
    return len(x & y) / len(x | y) if x | y else 0.0


def _drop_nested_articles(tree: HtmlElement) -> None:
    page_chars = _paragraph_chars(tree) or 1
    for item in tree.xpath("//article[ancestor::article]"):
        if item.getparent() is not None and _paragraph_chars(item) < NESTED_MAX_SHARE * page_chars:
            item.drop_tree()


def _paragraph_chars(element: HtmlElement) -> int:
    return sum(len(p.text_content()) for p in element.iter("p"))


def _join_story_chunks(tree: HtmlElement) -> None:
    """Move the paragraphs of same-class story chunks into the first chunk."""
    page_chars = _paragraph_chars(tree) or 1
    groups: dict[tuple[str, str], list[HtmlElement]] = defaultdict(list)
    for element in tree.xpath("//*[@class][.//p]"):
        groups[(element.tag, element.get("class").strip())].append(element)
    # Innermost groups first: joining them leaves their wrappers too thin to join again.
    for chunks in sorted(groups.values(), key=lambda group: -_depth(group[0])):
        if len(chunks) < 2 or _has_nested(chunks):
            continue
        sizes = [_prose_chars(chunk) for chunk in chunks]
        if min(sizes) < CHUNK_MIN_CHARS or sum(sizes) < CHUNK_MIN_PAGE_SHARE * page_chars:
            continue
        first = chunks[0]
        for chunk in chunks[1:]:
            for child in list(chunk):
                first.append(child)
            chunk.drop_tree()


def _prose_chars(element: HtmlElement) -> int:
    """Paragraph characters, or 0 when links make up too much of the text."""
    text = _paragraph_chars(element)
    linked = sum(len(a.text_content()) for a in element.iter("a"))
    return 0 if not text or linked > CHUNK_MAX_LINK_DENSITY * text else text


def _depth(element: HtmlElement) -> int:
    return sum(1 for _ in element.iterancestors())


def _has_nested(chunks: list[HtmlElement]) -> bool:
    """True if a chunk sits inside another chunk of the group (one walk up from each, not pairs)."""
    members = set(chunks)  # lxml keeps one proxy per node while it is referenced: identity works
    return any(parent in members for chunk in chunks for parent in chunk.iterancestors())
