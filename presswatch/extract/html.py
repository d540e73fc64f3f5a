"""HTML pages: page metadata conventions first, trafilatura for the story and the gaps."""

from __future__ import annotations

import logging
import re
from copy import deepcopy

from presswatch.extract import html_body, html_metadata, metadata

logger = logging.getLogger(__name__)

# Own-site links look like this; other schemes and relative links carry no host.
LINK_HOST = re.compile(r"^(?:https?:)?//([^/?#:]+)|^mailto:[^@]+@([^?]+)", re.IGNORECASE)
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
    body = html_body.extract_body(tree, title)
    wire, dateline = metadata.find_wire_and_dateline(body)
    published, date_source = html_metadata.find_published(page)
    if published is None and doc is not None:
        published = metadata.parse_timestamp(doc.date)
        date_source = "html:metadata" if published else None
    url = url or page.meta.get("og:url") or page.canonical or (doc.url if doc else None)
    return {
        "url": url,
        "title": title,
        "outlet": next(iter(html_metadata.site_names(page)), None)
        or (doc.sitename if doc else None),
        "outlet_domain": metadata.domain_of(url if _is_absolute(url) else None)
        or html_metadata.find_domain(page)
        or _hostname_domain(doc.hostname if doc else None)
        or _linked_domain(tree, title or ""),
        "published_at": published,
        "date_source": date_source,
        "authors": html_metadata.find_authors(page, tree, doc.author if doc else None),
        "wire": wire,
        "dateline": dateline,
        "body": body,
    }


def _is_absolute(url: str | None) -> bool:
    return bool(url) and url.startswith(("http://", "https://"))


def _hostname_domain(hostname: str | None) -> str | None:
    return metadata.domain_of(f"http://{hostname}") if hostname else None


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
