"""HTML pages: page metadata conventions first, trafilatura for the story and the gaps."""

from __future__ import annotations

import logging
import re
from collections import Counter
from copy import deepcopy
from urllib.parse import unquote, urljoin

from presswatch.extract import html_body, html_date, html_metadata, metadata, page_type

logger = logging.getLogger(__name__)

# Own-site links look like this; other schemes and relative links carry no host.
LINK_HOST = re.compile(r"^(?:https?:)?//([^/?#:]+)|^mailto:[^@]+@([^?]+)", re.IGNORECASE)
# A link to a site's home page: scheme (or none), host, then at most "/".
HOME_LINK = re.compile(r"^(?:https?:)?//([^/?#:\s]+)/?$", re.IGNORECASE)
HOME_LINKS_MIN = 2
ENCODED_HOST = re.compile(r"^https?://[^/?#]*%2F", re.IGNORECASE)
# A site-name guess from a link's domain label must be this long to be told from a common word.
DOMAIN_LABEL_MIN_CHARS = 5


def extract_html(html: str | bytes, url: str | None = None) -> dict:
    """Article fields of one HTML page; the body is "" when no story is found."""
    from trafilatura.metadata import extract_metadata
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        return {"body": "", "url": url}
    page = html_metadata.read_page_meta(tree)
    # trafilatura's metadata guesses (htmldate included) fill what the conventions leave open.
    doc = extract_metadata(deepcopy(tree), default_url=url)
    title = html_metadata.find_title(page, doc.title if doc else None)
    body = html_body.extract_body(tree, title, news=html_metadata.is_news(page))
    wire, dateline = metadata.find_wire_and_dateline(body)
    published, date_source = html_date.choose_published(
        html_metadata.find_published(page),
        metadata.parse_timestamp(doc.date) if doc else None,
        html_date.find_shown_date(tree, title),
    )
    url = _page_url([url, page.meta.get("og:url"), page.canonical, doc.url if doc else None],
                    page.base)  # fmt: skip
    return {
        "url": url,
        "title": title,
        "outlet": next(iter(html_metadata.site_names(page)), None)
        or (doc.sitename if doc else None),
        "outlet_domain": _outlet_domain(url, page, doc, tree, title),
        "published_at": published,
        "date_source": date_source,
        "authors": html_metadata.find_authors(page, tree, doc.author if doc else None),
        "wire": wire,
        "dateline": dateline,
        "body": body,
        "page_type": page_type.classify_html(tree, page, body, url),
    }


def _outlet_domain(url, page, doc, tree, title) -> str | None:
    """The registrable domain of the page's URL, else of what the page says of its site."""
    site = html_metadata.find_site_domain(page)
    found = (
        metadata.domain_of(url if _is_absolute(url) else None)
        or html_metadata.find_domain(page)
        or _hostname_domain(doc.hostname if doc else None)
        or site
        or _linked_domain(tree, title or "")
        or _home_link_domain(tree)
    )
    # The platform's own address of a user's post: the user's site is the outlet.
    if found in metadata.USER_SITE_HOSTS and site and site.endswith("." + found):
        return site
    return found


def _page_url(candidates: list[str | None], base: str | None) -> str | None:
    """The first candidate that is, or resolves to, an absolute http(s) URL: relative ones
    against the page's <base> or an absolute candidate, protocol-relative ones as https;
    else the first as given (validation then clears it, with a warning)."""
    given = [c.strip() for c in candidates if c and c.strip()]
    base = base if _is_absolute(base) else next(filter(_is_absolute, given), None)
    for candidate in given:
        if ENCODED_HOST.match(candidate):  # "https://host%2Fpath": a URL quoted whole
            candidate = unquote(candidate)
        if candidate.startswith("//"):
            candidate = "https:" + candidate
        elif base and not _is_absolute(candidate):
            candidate = urljoin(base, candidate)
        if _is_absolute(candidate):
            return candidate
    return given[0] if given else None


def _is_absolute(url: str | None) -> bool:
    return bool(url) and url.startswith(("http://", "https://"))


def _hostname_domain(hostname: str | None) -> str | None:
    return metadata.domain_of(f"http://{hostname}") if hostname else None


def _home_link_domain(tree) -> str | None:
    """The host the page's links to a home page ("https://host/") go to most, if at least
    twice and more often than any other: a site links its own home from logo, menu and footer."""
    votes: Counter = Counter()
    for element in tree.iter("a"):
        match = HOME_LINK.match((element.get("href") or "").strip())
        if match:
            votes[match.group(1).lower()] += 1
    ranked = votes.most_common(2)
    if (
        not ranked
        or ranked[0][1] < HOME_LINKS_MIN
        or (len(ranked) > 1 and ranked[1][1] == ranked[0][1])
    ):
        return None
    return metadata.domain_of("http://" + ranked[0][0])


def _linked_domain(tree, title: str) -> str | None:
    """A domain the page links to (or mails) whose name appears in the page's <title>."""
    head = tree.findtext(".//title") or title
    compact = re.sub(r"[\W_]+", "", head.lower())
    domains: dict[str, str | None] = {}  # by host: a page links to its own host over and over
    # In document order, as "//a/@href|//form/@action" gives them; that union costs libxml2 a
    # duplicate check of each node against the other set (links times forms).
    for element in tree.iter("a", "form"):
        link = element.get("href" if element.tag == "a" else "action")
        match = LINK_HOST.match(link.strip()) if link is not None else None
        if not match:
            continue
        host = match.group(1) or match.group(2)
        if host not in domains:
            domains[host] = metadata.domain_of("http://" + host)
        domain = domains[host]
        label = domain.split(".")[0] if domain else ""
        if len(label) >= DOMAIN_LABEL_MIN_CHARS and label in compact:
            return domain
    return None
