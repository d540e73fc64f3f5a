"""Extract: one Document (page or record) to the article's fields, whatever its format."""

from __future__ import annotations

from presswatch.extract import metadata, page_type
from presswatch.model import Document

FIELDS = (
    "url",
    "outlet",
    "outlet_domain",
    "title",
    "published_at",
    "date_source",
    "authors",
    "wire",
    "dateline",
    "language",
    "body",
)


class NotAnArticle(ValueError):
    """The input is well-formed but carries no article (e.g. a JSON record with no text)."""


def extract_article(doc: Document) -> dict:
    """The article fields of the contract that come from the content; unknown ones are None."""
    if doc.format == "html":
        from presswatch.extract.html import extract_html

        found = extract_html(doc.text, url=doc.hints.get("url"))
    elif doc.format == "text":
        from presswatch.extract.text import extract_text

        found = extract_text(doc.text)
    else:
        from presswatch.extract.record import extract_record

        found = extract_record(doc.record)
    kind = found.get("page_type") or page_type.ARTICLE
    if kind != page_type.ARTICLE:
        raise NotAnArticle(f"a {kind} page, not an article")
    article = {name: found.get(name) for name in FIELDS}
    _apply_hints(article, doc.hints)
    article["body"] = article["body"] or ""
    article["authors"] = article["authors"] or []
    article["title"] = (article["title"] or "").strip() or None
    article["outlet_domain"] = article["outlet_domain"] or metadata.domain_of(article["url"])
    article["language"] = article["language"] or metadata.detect_language(article["body"])
    article["word_count"] = metadata.count_words(article["body"])
    return article


def _apply_hints(article: dict, hints: dict) -> None:
    """What the scraper said beside the file wins over what the page says of itself."""
    if hints.get("url"):
        article["url"] = str(hints["url"])
        article["outlet_domain"] = metadata.domain_of(article["url"]) or article["outlet_domain"]
    elif hints.get("outlet_domain"):
        article["outlet_domain"] = hints["outlet_domain"]
    if hints.get("outlet"):
        article["outlet"] = str(hints["outlet"])
    published = metadata.parse_timestamp(hints.get("published_at"))
    if published:
        article["published_at"], article["date_source"] = published, "sidecar"
