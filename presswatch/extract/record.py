"""JSON records (crawler output): map the known keys; embedded HTML goes through the HTML path."""

from __future__ import annotations

import logging

from presswatch.extract import NotAnArticle, metadata
from presswatch.extract.html import extract_html

logger = logging.getLogger(__name__)

# Each article field and the record keys that carry it, first match wins.
KEYS = {
    "url": ("url", "link", "canonical_url", "source_url", "target_uri"),
    "title": ("title", "headline"),
    "body": ("maintext", "text", "body", "content", "article_text", "article"),
    "html": ("html", "raw_html", "content_html"),
    "published_at": (
        "date_publish",
        "published_at",
        "publish_date",
        "published",
        "datePublished",
        "pubdate",
        "date",
        "date_published",
    ),
    "authors": ("authors", "author", "byline", "creator"),
    "outlet": ("outlet", "source_name", "publisher", "site_name", "sitename", "source"),
    "outlet_domain": ("source_domain", "domain", "hostname"),
    "language": ("language", "lang"),
}


def missing_text(record: dict) -> str | None:
    """Why the record carries no article text (none of the text or html keys), else None."""
    body = _text(_first(record, KEYS["body"]))
    if not body and not isinstance(_first(record, KEYS["html"]), str):
        return f"the record has none of the text keys {', '.join(KEYS['body'] + KEYS['html'])}"
    return None


def extract_record(record: dict) -> dict:
    """Article fields of one JSON record; body "" when it carries no text."""
    found = {field: _first(record, keys) for field, keys in KEYS.items()}
    html = found.pop("html")
    body = _text(found["body"])
    if reason := missing_text(record):
        raise NotAnArticle(reason)
    fields = extract_html(html, url=_text(found["url"]) or None) if html and not body else {}
    body = body or fields.get("body", "")
    wire, dateline = metadata.find_wire_and_dateline(body)
    published = metadata.parse_timestamp(found["published_at"])
    url = _text(found["url"]) or fields.get("url")
    return {
        **fields,
        "url": url,
        "title": _text(found["title"]) or fields.get("title"),
        "outlet": _text(found["outlet"]) or fields.get("outlet"),
        "outlet_domain": metadata.domain_of(url)
        or _domain(found["outlet_domain"])
        or fields.get("outlet_domain"),
        "published_at": published or fields.get("published_at"),
        "date_source": _date_source(record, published) or fields.get("date_source"),
        "authors": _authors(found["authors"]) or fields.get("authors", []),
        "wire": wire or fields.get("wire"),
        "dateline": dateline or fields.get("dateline"),
        "language": (_text(found["language"]) or "").lower()[:2] or None,
        "body": body,
    }


def _first(record: dict, keys: tuple[str, ...]) -> object:
    for key in keys:
        value = record.get(key)
        if value not in (None, "", []):
            return value
    return None


def _text(value: object) -> str:
    if isinstance(value, dict):  # {"name": ...} objects, as in schema.org
        value = value.get("name")
    return str(value).strip() if value not in (None, "") and not isinstance(value, list) else ""


def _authors(value: object) -> list[str]:
    if isinstance(value, list):
        names = [_text(item) for item in value]
        return [name for name in names if name]
    return metadata.split_names(_text(value))


def _domain(value: object) -> str | None:
    text = _text(value)
    return metadata.domain_of(text if "//" in text else f"http://{text}") if text else None


def _date_source(record: dict, published: object) -> str | None:
    if published is None:
        return None
    key = next(k for k in KEYS["published_at"] if record.get(k) not in (None, ""))
    return f"json:{key}"
