"""Page metadata from HTML conventions: JSON-LD, Open Graph and meta tags, canonical links."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from lxml.html import HtmlElement

from presswatch.extract import metadata

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
# Shorter site keys ("ap", "nyt") match inside ordinary words of a headline.
SITE_KEY_MIN_CHARS = 4
# Longer "site names" are taglines or a headline put in og:site_name by mistake.
SITE_NAME_MAX_WORDS = 8
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
    h1: str | None = None


def read_page_meta(tree: HtmlElement) -> PageMeta:
    """Collect meta tags (first value per key), JSON-LD objects and the canonical link."""
    page = PageMeta()
    for tag in tree.iter("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        value = (tag.get("content") or "").strip()
        if key and value:
            page.meta.setdefault(key, value)
    for item in _json_ld_objects(tree):
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
    heading = tree.find(".//h1")
    page.h1 = _clean(heading.text_content()) if heading is not None else None
    return page


def find_title(page: PageMeta, fallback: str | None) -> str | None:
    """The headline as the publisher shares it (og:title, JSON-LD), else a cleaned <title>."""
    names = site_names(page)
    shared = [page.meta.get("og:title"), _first_text(page.articles, "headline")]
    shared.append(page.meta.get("twitter:title"))
    # Shared headlines are kept verbatim: a site name there is the publisher's own choice.
    for candidate in filter(None, map(_clean, shared)):
        if strip_site_name(candidate, names):
            return candidate
    # <title> (and the extractor's pick from it) carries "Headline | Site" by convention.
    for candidate in filter(None, map(_clean, [fallback, page.h1])):
        title = strip_site_name(candidate, names)
        if title:
            return title
    return None


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
    for url in urls:
        if url and url.startswith(("http://", "https://", "//")):
            domain = metadata.domain_of(url if not url.startswith("//") else "http:" + url)
            if domain:
                return domain
    return None


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
    """Person names: JSON-LD authors, the visible byline, author meta tags, then the fallback."""
    sites = {key for key in map(_compact, site_names(page)) if len(key) >= SITE_KEY_MIN_CHARS}
    sources = (
        lambda: _json_ld_authors(page),
        lambda: _byline_authors(tree),
        lambda: _meta_authors(page),
        lambda: split_byline(fallback or ""),
    )
    for found in (source() for source in sources):
        # A "name" containing the outlet's is a desk credit ("Telegraph Sport"), not a person.
        names = [name for name in found if not any(key in _compact(name) for key in sites)]
        if names:
            return list(dict.fromkeys(names))
    return []


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
        names = [name for part in named or [element] for name in split_byline(part.text_content())]
        if names:
            return names
    return []


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
