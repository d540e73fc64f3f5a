"""Story features of one article: its key entities, headline words and comparisons of both."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import cache

import justext

STORY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC"})  # who and where; NORP ("Russian")
# adjectives restate the GPE and would double-count it
KEY_ENTITIES = 10  # an article's key entities: its most-mentioned, enough to name the event
MIN_MENTIONS = 2  # a name mentioned once in passing (and not in the headline) is not key
STEM_CHARS = 5  # headline words compare on their first 5 letters: "officials"/"official",
# "plans"/"planned"; crude, but headlines are short and this costs nothing
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@cache
def _stop_words() -> frozenset[str]:
    return frozenset(justext.get_stoplist("English"))


def normalize_name(name: str) -> str:
    """Entity name as a matching key: NFKC, case-folded, single-spaced."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def key_entities_by_article(entities: list[dict], titles: dict[str, str]) -> dict[str, list[str]]:
    """Each article's key entities (normalised names), most prominent first.

    Key: a PERSON/ORG/GPE/LOC named in the headline or mentioned at least MIN_MENTIONS times.
    """
    ranked: dict[str, list[tuple[bool, int, str]]] = defaultdict(list)
    for row in entities:
        if row.get("label") not in STORY_LABELS:
            continue
        name = normalize_name(row["name"])
        title = (titles.get(row["article_id"]) or "").casefold()
        in_title = bool(name) and name in title
        mentions = int(row.get("mentions") or 1)
        if in_title or mentions >= MIN_MENTIONS:
            ranked[row["article_id"]].append((in_title, mentions, name))
    return {
        aid: list(dict.fromkeys(n for _, _, n in sorted(rows, key=lambda r: (-r[0], -r[1]))))[
            :KEY_ENTITIES
        ]
        for aid, rows in ranked.items()
    }


def title_words(title: str | None) -> list[str]:
    """Headline content words, stemmed to STEM_CHARS letters, stop words dropped."""
    words = WORD.findall(unicodedata.normalize("NFKC", title or "").casefold())
    stops = _stop_words()
    return list(dict.fromkeys(w[:STEM_CHARS] for w in words if len(w) > 1 and w not in stops))


def jaccard(a: set, b: set) -> float:
    """|a ∩ b| / |a ∪ b|, 0 for two empty sets."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def overlap(a: set, b: set) -> float:
    """|a ∩ b| / min(|a|, |b|): a short list fully inside a long one scores 1."""
    small = min(len(a), len(b))
    return len(a & b) / small if small else 0.0
