"""Page metadata from HTML conventions: JSON-LD, Open Graph and meta tags, canonical links."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from lxml.html import HtmlElement

from presswatch.extract import metadata
from presswatch.extract.patterns import WIRE_AGENCIES

logger = logging.getLogger(__name__)

# JSON-LD types that describe the story itself (schema.org Article and its usual subtypes).
ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenews",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "blogposting",
    "socialmediaposting",
    "webpage",
    "liveblogposting",
    "scholarlyarticle",
    "techarticle",
    "report",
}
# The story types of a newsroom (schema.org NewsArticle and its subtypes).
NEWS_TYPES = {"newsarticle", "reportagenews", "analysisnewsarticle", "opinionnewsarticle",
              "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting"}  # fmt: skip
# Author entries of these types are not persons; their names are the outlet's.
ORGANIZATION_TYPES = {"organization", "newsmediaorganization", "corporation"}
# Meta tags naming the first-publication time, most specific first.
PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "article:published",
    "published_time",
    "pubdate",
    "publishdate",
    "publish-date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
    "date",
)
AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator")
# Visible bylines: the microformat and schema.org markers, then the usual class names.
BYLINE_XPATHS = (
    "//*[@rel='author' or @itemprop='author']",
    "//*[contains(@class, 'byline') and not(ancestor::*[contains(@class, 'byline')])]",
    "//*[contains(@class, 'author') and not(ancestor::*[contains(@class, 'author')])]",
)
# A link to a person's page on the site: a path segment naming profiles, then the person's slug.
PROFILE_PATH = re.compile(
    r"/(?:authors?|writers?|contributors?|columnists?|staff|profiles?|people|team)/"
    r"([^/?#]{3,80})/?(?:[?#]|$)",
    re.IGNORECASE,
)
PROFILE_LINKS_MAX = 4
# A line of its own that credits the story: "Written by Ann Lee", "By Ann Lee".
CREDIT_LINE = re.compile(
    r"^(?:(?:written|posted|authored|words|reported)\s+)?by\b[:\s]*", re.IGNORECASE
)
CREDIT_LINE_TAGS = ("p", "span", "div", "h3", "h4", "h5", "h6", "address", "small", "li")
CREDIT_LINE_MAX_CHARS = 80
# An extractor's credit taken as it stands is a name, not a sentence, a date or a label.
CREDIT_MAX_WORDS = 5
CREDIT_NOT = re.compile(
    r"\d|@|https?:|\b(?:by|updated|published|posted|written|reviewed)\b|admin", re.IGNORECASE
)
BYLINE_PREFIX = re.compile(r"^(?:by|por|von|par|di|door|av)\b[:\s]*", re.IGNORECASE)
# A byline's names end where its date, handle, role or second sentence begins.
BYLINE_END = re.compile(
    r"\d|@|\(|\||\s[-–—]\s|(?<=\w\w)\.\s|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b"
    r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d"
    r"|\b(?:updated|published|posted)\b",
)
# Separators between a headline and the site name in <title> and og:title; spaces are read from
# where they start (a split ends on a non-space), not again from each position inside a long gap.
TITLE_SEPARATOR = re.compile(r"(?<!\s)\s++[|\-–—·•»:]{1,2}\s+|:\s+")
SEPARATOR_CHARS = r"|\-–—·•»:"
# A JSON-LD block larger than this is a data dump, not page metadata.
JSON_LD_MAX_CHARS = 500_000
_END = object()  # the end of an iterator in _walk
COMPACT = re.compile(r"[\W_]+")
WORD = re.compile(r"\w+")
# Shorter site keys ("ap", "nyt") match inside ordinary words of a headline.
SITE_KEY_MIN_CHARS = 4
# Longer "site names" are taglines or a headline put in og:site_name by mistake.
SITE_NAME_MAX_WORDS = 8
# The visible headline is one of the page's first <h1>s (site logos and menus are <h1>s too)...
HEADINGS_MAX = 8
HEADING_MAX_CHARS = 300
# ...the one that shares most words with the titles the page declares, if at least half of its
# words are in one of them (a headline rewritten for sharing still shares most of its words).
HEADING_MIN_SHARED = 0.5
# <link rel> values whose href is on the site's own host (feeds, short links, the home page).
SITE_LINK_RELS = {"alternate", "shortlink", "home", "index", "search", "pingback", "edituri"}
# A page's own urls are a few dozen; a data dump of them is cut here.
SITE_URLS_MAX = 200
# Pages name their site a handful of times (4 distinct names at most in the development corpus);
# each name is tried against the title and the authors, so a data dump of them is cut here.
SITE_NAMES_MAX = 20


@dataclass
class PageMeta:
    """What the page says about itself, before any choice between sources."""

    meta: dict[str, str] = field(default_factory=dict)
    articles: list[dict] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    canonical: str | None = None
    headings: list[str] = field(default_factory=list)  # the first <h1>s, text in order
    title: str | None = None  # the <title> element's text
    base: str | None = None  # <base href>: what relative links are relative to
    site_urls: list[str] = field(default_factory=list)  # JSON-LD urls, feed and short links

    @property
    def h1(self) -> str | None:
        return self.headings[0] if self.headings else None


def read_page_meta(tree: HtmlElement) -> PageMeta:
    """Collect meta tags (first value per key), JSON-LD objects and the canonical link."""
    page = PageMeta()
    for tag in tree.iter("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        value = (tag.get("content") or "").strip()
        if key and value:
            page.meta.setdefault(key, value)
    for item in _json_ld_objects(tree):
        page.site_urls += [v for v in (item.get("url"), item.get("@id")) if isinstance(v, str)]
        kind = _types(item)
        if kind & ARTICLE_TYPES:
            page.articles.append(item)
        if kind & ORGANIZATION_TYPES and isinstance(item.get("name"), str):
            page.sites.append(item["name"])
        publisher = item.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            page.sites.append(publisher["name"])
    # News pages put the "story" type first; a generic WebPage is the last resort.
    page.articles.sort(key=lambda item: "webpage" in _types(item))
    for name in ("og:site_name", "application-name"):
        if page.meta.get(name):
            page.sites.insert(0, page.meta[name].lstrip("@"))
    link = tree.find(".//link[@rel='canonical']")
    page.canonical = link.get("href") if link is not None else None
    for heading in tree.iter("h1"):
        text = _clean(heading.text_content())
        if text and len(text) <= HEADING_MAX_CHARS:
            page.headings.append(text)
        if len(page.headings) == HEADINGS_MAX:
            break
    for link in tree.iter("link"):
        if (link.get("rel") or "").strip().lower() in SITE_LINK_RELS and link.get("href"):
            page.site_urls.append(link.get("href"))
    base = tree.find(".//base[@href]")
    page.base = base.get("href").strip() if base is not None else None
    element = tree.find(".//title")
    page.title = _clean(element.text_content()) if element is not None else None
    return page


def find_title(page: PageMeta, fallback: str | None) -> str | None:
    """The headline as the page shows it (its <h1>), checked against the titles it declares
    (og:title, JSON-LD, <title>), which give the headline when no <h1> matches them."""
    names = site_names(page)
    declared = _declared_title(page, fallback, names)
    if is_news(page):  # a newsroom declares its edited headline; elsewhere it is an SEO title
        return declared
    keys = {key for key in map(_compact, names) if key}
    titles = [
        title
        for title in (
            declared,
            *(strip_site_name(t, names) for t in map(_clean, _shared_titles(page)) if t),
            *(strip_site_name(t, names) for t in map(_clean, [fallback, page.title]) if t),
        )
        if title and _compact(title) not in keys
    ]
    best, best_score = None, 0.0
    for heading in page.headings:
        if _compact(heading) in keys:  # the site's name set as a heading (a logo)
            continue
        words = _words(heading)
        if max((_shared(words, _words(t)) for t in titles), default=0) < HEADING_MIN_SHARED:
            continue
        score = max(_dice(words, _words(t)) for t in titles)
        if score > best_score:
            best, best_score = heading, score
    return best or declared


def is_news(page: PageMeta) -> bool:
    """A news story by its own markup: a schema.org news type, or Open Graph's article type
    with a publication time."""
    kinds = {kind for item in page.articles for kind in _types(item)}
    return bool(kinds & NEWS_TYPES) or (
        page.meta.get("og:type", "").lower() == "article" and "article:published_time" in page.meta
    )


def _declared_title(page: PageMeta, fallback: str | None, names: list[str]) -> str | None:
    """The headline as the publisher shares it (og:title, JSON-LD), else a cleaned <title>."""
    # Shared headlines are kept verbatim: a site name there is the publisher's own choice.
    for candidate in filter(None, map(_clean, _shared_titles(page))):
        if strip_site_name(candidate, names):
            return candidate
    # <title> (and the extractor's pick from it) carries "Headline | Site" by convention.
    for candidate in filter(None, map(_clean, [fallback, page.h1])):
        title = strip_site_name(candidate, names)
        if title:
            return title
    return None


def _shared_titles(page: PageMeta) -> list[str | None]:
    return [page.meta.get("og:title"), _first_text(page.articles, "headline"),
            page.meta.get("twitter:title")]  # fmt: skip


def _words(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


def _shared(words: set[str], other: set[str]) -> float:
    """The share of `words` that `other` has."""
    return len(words & other) / len(words) if words else 0.0


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def strip_site_name(title: str, names: list[str]) -> str | None:
    """Drop a leading or trailing segment that is the site's name; None if nothing else is left."""
    keys = {key for key in map(_compact, names) if key}
    if not keys:
        return title
    if _compact(title) in keys:
        return None
    for name in sorted(names, key=len, reverse=True):
        for pattern in (
            rf"^{re.escape(name)}\s*[{SEPARATOR_CHARS}]+\s*",
            # Not from inside a run of spaces or of separators, nor from a separator after a
            # space: a match there implies one a character earlier, which the search meets first.
            rf"(?:(?<![\s{SEPARATOR_CHARS}])|(?<=[{SEPARATOR_CHARS}])(?=\s))"
            rf"\s*[{SEPARATOR_CHARS}]+\s*{re.escape(name)}$",
        ):
            trimmed = re.sub(pattern, "", title, flags=re.IGNORECASE).strip()
            if trimmed and trimmed != title:
                return trimmed
    parts = TITLE_SEPARATOR.split(title)
    if len(parts) > 1 and _is_site(parts[-1], keys):
        return _rejoin(title, parts[-1])
    if len(parts) > 1 and _is_site(parts[0], keys):
        return title[title.index(parts[1], len(parts[0])) :].strip()
    return title


def site_names(page: PageMeta) -> list[str]:
    """Names the site goes by, including the bare domain label ("latimes")."""
    names = [
        _site_label(name.strip())
        for name in page.sites
        if name.strip() and len(name.split()) <= SITE_NAME_MAX_WORDS
    ]
    names = list(dict.fromkeys(names))[:SITE_NAMES_MAX]  # a repeated name adds nothing
    domain = find_domain(page)
    if domain:
        names.append(domain.split(".")[0])
    return names


def find_domain(page: PageMeta) -> str | None:
    """Registrable domain from og:url, the canonical link or the story's JSON-LD url."""
    # og:url names this page; a syndicated copy's canonical link points to the originator.
    urls = [page.meta.get("og:url"), page.canonical, page.meta.get("twitter:url")]
    for item in page.articles:
        urls += [_url_of(item.get("url")), _url_of(item.get("mainEntityOfPage"))]
    return next(filter(None, map(_absolute_domain, urls)), None)


def find_site_domain(page: PageMeta) -> str | None:
    """The host the page's metadata and feeds are on (JSON-LD urls, <link rel> feeds and short
    links), by majority: for a page that gives no URL of its own."""
    votes = Counter(filter(None, map(_absolute_domain, page.site_urls[:SITE_URLS_MAX])))
    return votes.most_common(1)[0][0] if votes else None


def _absolute_domain(url: str | None) -> str | None:
    if not isinstance(url, str) or not url.startswith(("http://", "https://", "//")):
        return None
    return metadata.domain_of(url if not url.startswith("//") else "http:" + url)


def find_published(page: PageMeta) -> tuple[datetime | None, str | None]:
    """First-publication time from JSON-LD, then from meta tags; times keep their zone."""
    for item in page.articles:
        found = metadata.parse_timestamp(_text(item.get("datePublished")))
        if found:
            return found, "html:json-ld"
    for name in PUBLISHED_META:
        found = metadata.parse_timestamp(page.meta.get(name))
        if found:
            return found, "html:meta"
    return None, None


def find_authors(page: PageMeta, tree: HtmlElement, fallback: str | None = None) -> list[str]:
    """Person names: JSON-LD authors, author meta tags, the visible byline, the fallback's."""
    sites = {key for key in map(_compact, site_names(page)) if len(key) >= SITE_KEY_MIN_CHARS}
    # Author meta tags before the visible byline: the first "author" element of a page is as
    # often a comment's or a related story's as the story's.
    sources = (
        lambda: _json_ld_authors(page),
        lambda: _meta_authors(page),
        lambda: _byline_authors(tree),
        lambda: _profile_link_authors(tree),
        lambda: _credit_line_authors(tree),
        lambda: split_byline(fallback or ""),
    )

    def desk(name: str) -> bool:  # "Telegraph Sport": the outlet's name, not a person's
        return any(key in _compact(name) for key in sites)

    def credited(name: str) -> bool:  # nor is an agency (the wire column has it) or an account
        return not (CREDIT_NOT.search(name) or name in WIRE_AGENCIES)

    for found in (source() for source in sources):
        names = [name for name in found if credited(name) and not desk(name)]
        if names:
            return list(dict.fromkeys(names))
    # No person's name found: the credit the page gives beats none (a first name, "Our
    # Editors", the company that publishes the post).
    credits = (" ".join(name.split()) for name in (fallback or "").split(";"))
    return list(dict.fromkeys(c for c in credits if _is_credit(c) and credited(c)))


def _is_credit(name: str) -> bool:
    return 0 < len(name.split()) <= CREDIT_MAX_WORDS


def split_byline(text: str) -> list[str]:
    """Names from a byline's text: "By A and B Monday, Nov. 18" -> ["A", "B"]."""
    text = BYLINE_PREFIX.sub("", re.sub(r"\s+", " ", text).strip())
    text = BYLINE_END.split(text, maxsplit=1)[0]
    return metadata.split_names(text)


def _json_ld_authors(page: PageMeta) -> list[str]:
    for item in page.articles:
        names: list[str] = []
        for author in _as_list(item.get("author")):
            if isinstance(author, dict):
                if _types(author) & ORGANIZATION_TYPES:
                    continue
                author = author.get("name")
            if isinstance(author, str):
                names += split_byline(author)
        if names:
            return names
    return []


def _byline_authors(tree: HtmlElement) -> list[str]:
    for element in (found for xpath in BYLINE_XPATHS for found in tree.xpath(xpath)):
        # A child marked as the name spares us the role and handle printed beside it.
        named = element.xpath(".//*[contains(@class, 'name')]")
        # Text nodes joined by spaces: "<span>Ann Lee</span><span>Dec 4</span>" is two words.
        names = [name for part in named or [element] for name in split_byline(_spaced(part))]
        if names:
            return names
    return []


def _profile_link_authors(tree: HtmlElement) -> list[str]:
    """Names linked to their own profile page ("<a href="/author/ann-lee/">Ann Lee</a>"): the
    link's text spells the last part of its path. A page that links many profiles (a team
    page, a sidebar of contributors) names none of them as its author."""
    names: dict[str, None] = {}
    for element in tree.iter("a"):
        match = PROFILE_PATH.search(element.get("href") or "")
        if not match:
            continue
        text = _spaced(element)
        if COMPACT.sub("", match.group(1).lower()) == COMPACT.sub("", text.lower()):
            names.update(dict.fromkeys(split_byline(text)))
    return list(names) if len(names) <= PROFILE_LINKS_MAX else []


def _credit_line_authors(tree: HtmlElement) -> list[str]:
    """Names from the first short line that credits them ("Written by Ann Lee"), in page order."""
    for element in tree.iter(*CREDIT_LINE_TAGS):
        text = _spaced(element, CREDIT_LINE_MAX_CHARS)
        credit = CREDIT_LINE.match(text)
        if credit:
            rest = text[credit.end() :]
            names = split_byline(rest)
            if names and rest.startswith(names[0]):  # not "By signing up you agree to ..."
                return names
    return []


def _spaced(element: HtmlElement, limit: int | None = None) -> str:
    """The element's text, its text nodes joined by single spaces; "" once it runs past `limit`
    characters, read no further (a container of the whole page is not a line)."""
    parts, size = [], 0
    for part in element.itertext():
        part = " ".join(part.split())
        if part:
            parts.append(part)
            size += len(part) + 1
            if limit is not None and size > limit + 1:
                return ""
    return " ".join(parts)


def _meta_authors(page: PageMeta) -> list[str]:
    names: list[str] = []
    for key in AUTHOR_META:
        value = page.meta.get(key, "")
        if value and not value.startswith(("http://", "https://", "@")):
            names += split_byline(value)
    return names


def _site_label(name: str) -> str:
    """A site name given as a URL ("https://www.example.in") becomes its label ("example")."""
    if re.match(r"(https?://|www\.)", name, flags=re.IGNORECASE):
        domain = metadata.domain_of(name if "://" in name else "http://" + name)
        return domain.split(".")[0] if domain else name
    return name


def _json_ld_objects(tree: HtmlElement) -> Iterator[dict]:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        text = (script.text or "").strip()
        if not text or len(text) > JSON_LD_MAX_CHARS:
            continue
        try:
            data = json.loads(text, strict=False)
        except (ValueError, RecursionError):  # nesting past Python's recursion limit
            logger.debug("unreadable JSON-LD block skipped")
            continue
        yield from _walk(data)


def _walk(data: object) -> Iterator[dict]:
    """The objects of a JSON-LD value in document order, each followed by its @graph.

    A stack of iterators, not recursion: a nested generator passes every object up through each
    level, which costs depth times objects.
    """
    stack = [iter([data])]
    while stack:
        item = next(stack[-1], _END)
        if item is _END:
            stack.pop()
        elif isinstance(item, list):
            stack.append(iter(item))
        elif isinstance(item, dict):
            yield item
            stack.append(iter([item.get("@graph", [])]))


def _types(item: dict) -> set[str]:
    return {str(kind).lower() for kind in _as_list(item.get("@type"))}


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _first_text(items: list[dict], key: str) -> str | None:
    return next((_text(item.get(key)) for item in items if _text(item.get(key))), None)


def _text(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _url_of(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    return _text(value)


def _clean(text: str | None) -> str | None:
    return re.sub(r"\s+", " ", text).strip() or None if text else None


def _compact(text: str) -> str:
    return COMPACT.sub("", text.lower())


def _is_site(segment: str, keys: set[str]) -> bool:
    compact = _compact(segment)
    # The segment must contain a whole site name: a word shared by both is not enough.
    return any(key in compact for key in keys if len(key) >= SITE_KEY_MIN_CHARS)


def _rejoin(title: str, last: str) -> str:
    return title[: title.rindex(last)].rstrip(" |-–—·•»:")
