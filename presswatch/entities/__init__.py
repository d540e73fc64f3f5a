"""Entities: the people, organisations and places each article names, one name per entity."""

from __future__ import annotations

import logging

from presswatch.entities.ner import recognize
from presswatch.entities.resolve import load_rules, resolve_article

logger = logging.getLogger(__name__)

__all__ = ["extract_entities"]

SEPARATOR = "\n\n"  # title and body are joined with a blank line; offsets count it
MAX_CHARS = 100_000  # presswatch.settings.Settings.max_ner_chars
ENGLISH = "en"


def extract_entities(
    articles: list[dict], n_process: int | None = None, max_chars: int = MAX_CHARS
) -> list[dict]:
    """articles: dicts with at least article_id, title, body, language.
    Returns one row per (article, entity):
    {"article_id", "name", "label", "mentions", "first_offset"}
    (first_offset = character offset of the first mention in title + "\\n\\n" + body).

    Labels kept: PERSON, ORG, GPE, LOC, NORP. Names are resolved inside each article (titles,
    possessives and a leading "the" dropped; "Putin" takes "Vladimir Putin") and across articles
    by schemas/entity_aliases.json ("U.S." -> "United States").

    Only English articles (language "en", or unknown) are read: the model is English, and on
    the corpus's Portuguese pages it tags capitalised common words as people and organisations,
    which would only pollute the coverage views. Other languages return no rows.

    n_process: worker processes for the model; None uses every core for large batches only.
    max_chars: the model reads the first this many characters of title and body (its cost and
    memory grow with the text; spaCy refuses texts over a million characters).
    """
    chosen = [a for a in articles if _is_english(a) and (a.get("title") or a.get("body"))]
    skipped = len(articles) - len(chosen)
    if skipped:
        logger.debug(
            "entities: skipped %d of %d articles (not English, or empty)", skipped, len(articles)
        )
    texts = [_article_text(a)[:max_chars] for a in chosen]
    rules = load_rules()
    rows: list[dict] = []
    for article, text, mentions in zip(chosen, texts, recognize(texts, n_process), strict=True):
        body_start = len(article.get("title") or "") + len(SEPARATOR)
        for row in resolve_article(text, body_start, mentions, rules):
            rows.append({"article_id": article["article_id"], **row})
    return rows


def _article_text(article: dict) -> str:
    return (article.get("title") or "") + SEPARATOR + (article.get("body") or "")


def _is_english(article: dict) -> bool:
    language = (article.get("language") or "").lower()
    return not language or language.startswith(ENGLISH)
