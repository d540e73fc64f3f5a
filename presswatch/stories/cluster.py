"""Story assignment: copy groups by MinHash, stories by shared key entities and headline words."""

from __future__ import annotations

import logging
from array import array
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from presswatch.stories.copies import (
    CopyIndex,
    hash_shingles,
    sign_shingles,
    to_bytes,
    to_signature,
)
from presswatch.stories.features import (
    jaccard,
    key_entities_by_article,
    overlap,
    title_words,
)

logger = logging.getLogger(__name__)

DAY = 86_400
SUSPECT_LATE_DAYS = 2  # a copy claiming a date over 2 days after its group's earliest member was
# re-dated by its republisher (content farms stamp "today"); wire pickups land within a day or so
STORY_WINDOW_DAYS = 3  # coverage of one event is published within a few days of each other
MIN_SHARED = 4  # rare key entities two articles must share; unrelated pieces on the corpus share
# at most 3 (e.g. Donald Trump, China, United States), the five seed reports share 5 to 9
MIN_OVERLAP = 0.5  # and half of the shorter key-entity list
MIN_TITLE = 0.2  # and a fifth of their headline words (seeds: 0.29-1.0, unrelated: <= 0.2)
FAR_SHARED, FAR_TITLE = 5, 0.4  # dated further apart than the window: stronger evidence, since
# extracted dates are often wrong (the seeds claim dates two years apart) yet rarely right
# about one event; recurring events (annual launches) are the price
REWORDED_SHARED, REWORDED_OVERLAP = (
    6,
    0.6,
)  # a rewritten headline is fine if entities agree this much
COMMON_SHARE = 0.02  # an entity in over 2% of stored articles ("United States") is too common to
COMMON_MIN_DF = 50  # count as shared evidence; below 50 articles nothing counts as common
LOOKUP_KEYS = 8  # look candidates up by the article's 8 rarest keys (entities and headline words)
POSTINGS_PER_KEY = 200  # and the 200 latest articles under each: cost per article stays flat
NO_DATE = -(2**62)  # stand-in for a missing date in the int64 column


@dataclass
class StoryIndex:
    """What earlier batches stored, enough to match new articles without re-comparing everything.

    Per article: its MinHash signature (in CopyIndex), group and story codes, date and the
    interned ids of its key entities and headline words. Per key: the rows naming it.
    """

    copies: CopyIndex = field(default_factory=CopyIndex)
    article_ids: list[str] = field(default_factory=list)
    groups: array = field(default_factory=lambda: array("i"))
    stories: array = field(default_factory=lambda: array("i"))
    published: array = field(default_factory=lambda: array("q"))
    entity_keys: list[tuple[int, ...]] = field(default_factory=list)
    title_keys: list[tuple[int, ...]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # interned group/story ids
    name_codes: dict[str, int] = field(default_factory=dict)
    vocabulary: dict[str, int] = field(default_factory=dict)  # "e:name" / "t:word" -> key id
    postings: dict[int, array] = field(default_factory=dict)
    group_story: dict[int, int] = field(default_factory=dict)
    group_earliest: dict[int, int] = field(default_factory=dict)
    group_first: dict[int, tuple[int, int, int]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: list[dict]) -> StoryIndex:
        """Index of stored rows (the index_rows of earlier batches), in their stored order."""
        signatures = np.stack([to_signature(r["signature"]) for r in rows]) if rows else None
        sizes = [int(r.get("shingles") or 0) for r in rows]
        index = cls(copies=CopyIndex(signatures, sizes))
        for row in rows:
            index._remember(row, add_signature=None)
        logger.debug("stories: index of %d articles (%d keys)", len(rows), len(index.postings))
        return index

    def __len__(self) -> int:
        return len(self.article_ids)

    def nbytes(self) -> int:
        """Rough bytes held: numpy/array buffers plus 8 bytes per posting, tuple and list slot."""
        tuples = sum(56 + 8 * len(k) for k in self.entity_keys + self.title_keys)
        postings = sum(64 + p.itemsize * len(p) for p in self.postings.values())
        ids = sum(49 + len(a) + 8 for a in self.article_ids)
        columns = sum(len(c) * c.itemsize for c in (self.groups, self.stories, self.published))
        return self.copies.nbytes + tuples + postings + ids + columns

    def _remember(self, row: dict, add_signature: np.ndarray | None) -> int:
        """Append one stored row; add_signature when the CopyIndex does not hold it yet."""
        if add_signature is not None:
            self.copies.add(add_signature, row["shingles"])
        at = len(self.article_ids)
        self.article_ids.append(row["article_id"])
        group, story = self._code(row["copy_group"]), self._code(row["story_id"])
        self.groups.append(group)
        self.stories.append(story)
        seconds = to_seconds(row.get("published_at"))
        self.published.append(NO_DATE if seconds is None else seconds)
        names = row.get("entities")  # a list, or a numpy array when read through pandas
        entities = tuple(self._key("e:" + e) for e in ([] if names is None else names))
        words = tuple(self._key("t:" + w) for w in title_words(row.get("title")))
        self.entity_keys.append(entities)
        self.title_keys.append(words)
        for key in set(entities + words):
            self.postings.setdefault(key, array("i")).append(at)
        self.group_story.setdefault(group, story)
        if seconds is not None:
            self.group_earliest[group] = min(self.group_earliest.get(group, seconds), seconds)
        rank = original_rank(row.get("wire"), seconds, at)
        self.group_first[group] = min(self.group_first.get(group, rank), rank)
        return at

    def _code(self, name: str) -> int:
        if name not in self.name_codes:
            self.name_codes[name] = len(self.names)
            self.names.append(name)
        return self.name_codes[name]

    def _key(self, key: str) -> int:
        return self.vocabulary.setdefault(key, len(self.vocabulary))


def original_rank(wire: str | None, seconds: int | None, arrival: int) -> tuple[int, int, int]:
    """Sort key of a copy-group member; the smallest is the group's original.

    Wire-credited first, then earliest published (undated last), then first stored. The SQL view
    recomputes the same: ORDER BY wire IS NULL, published_at NULLS LAST, assigned order.
    """
    return (0 if wire else 1, seconds if seconds is not None else 2**62, arrival)


def to_seconds(value: datetime | None) -> int | None:
    """Epoch seconds of a (naive = UTC) datetime or pandas Timestamp; None stays None."""
    if value is None or value != value:  # NaN and pandas NaT are unequal to themselves
        return None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp())


def assign_stories(
    index: StoryIndex, articles: list[dict], entities: list[dict]
) -> tuple[list[dict], list[dict], dict[str, str]]:
    """Copy group, original flag, story and date suspicion of each article, in batch order.

    Each article is matched against the index and then added to it, so later articles of the
    batch match earlier ones. Returns (assignments, index_rows, failures); index_rows are what
    the lake stores for future batches (StoryIndex.from_rows); failures maps the id of an article
    that matching raised on to the error (it is left out of the rest, the batch goes on).
    is_original says the article was its group's original when assigned; a later,
    earlier-dated arrival can take over, which the view recomputes with original_rank's order.
    """
    titles = {a["article_id"]: a.get("title") or "" for a in articles}
    keys = key_entities_by_article(entities, titles)
    assignments, rows, failures = [], [], {}
    for article in articles:
        try:
            assignment, row = assign_article(index, article, keys.get(article["article_id"], []))
        except Exception as exc:  # one article's bad data must not end the batch
            failures[article["article_id"]] = f"{type(exc).__name__}: {exc}"
            continue
        assignments.append(assignment)
        rows.append(row)
    logger.debug(
        "stories: %d articles, %d joined a copy group, %d joined a story",
        len(articles),
        sum(a["copy_group"] != a["article_id"] for a in assignments),
        sum(a["story_id"] != a["article_id"] for a in assignments),
    )
    return assignments, rows, failures


def assign_article(index: StoryIndex, article: dict, entity_names: list[str]) -> tuple[dict, dict]:
    """Assign one article against the index, then add it to the index."""
    aid = article["article_id"]
    shingles = hash_shingles(article.get("body") or "")
    signature = sign_shingles(shingles)
    seconds = to_seconds(article.get("published_at"))
    copies = index.copies.find_copies(signature, len(shingles))
    if copies:
        group = index.groups[copies[0][0]]
        story = index.group_story[group]
        earliest = index.group_earliest.get(group)
        suspect = (
            seconds is not None
            and earliest is not None
            and seconds - earliest > SUSPECT_LATE_DAYS * DAY
        )
        rank = original_rank(article.get("wire"), seconds, len(index))
        is_original = rank < index.group_first[group]
        group_id, story_id = index.names[group], index.names[story]
    else:
        group_id, is_original, suspect = aid, True, False
        story_id = match_story(index, entity_names, article.get("title"), seconds) or aid
    row = {
        "article_id": aid,
        "signature": to_bytes(signature),
        "shingles": len(shingles),
        "copy_group": group_id,
        "story_id": story_id,
        "published_at": article.get("published_at"),
        "wire": article.get("wire"),
        "title": article.get("title"),
        "entities": entity_names,
    }
    index._remember(row, add_signature=signature)
    assignment = {
        "article_id": aid,
        "copy_group": group_id,
        "is_original": is_original,
        "story_id": story_id,
        "date_suspect": suspect,
    }
    return assignment, row


def match_story(
    index: StoryIndex, entity_names: list[str], title: str | None, seconds: int | None
) -> str | None:
    """The story of the best-matching stored article, or None when none is close enough."""
    entities = {
        index.vocabulary[k] for k in ("e:" + e for e in entity_names) if k in index.vocabulary
    }
    words = {
        index.vocabulary[k] for k in ("t:" + w for w in title_words(title)) if k in index.vocabulary
    }
    if len(entities) < MIN_SHARED:
        return None
    common = max(COMMON_MIN_DF, COMMON_SHARE * len(index))
    best: tuple[float, int] | None = None
    for row in find_candidates(index, entities | words):
        score = score_pair(index, row, entities, words, seconds, common)
        if score is not None and (best is None or score > best[0]):
            best = (score, row)
    return None if best is None else index.names[index.stories[best[1]]]


def find_candidates(index: StoryIndex, keys: set[int]) -> list[int]:
    """Stored rows sharing at least two of the article's rarest keys (latest rows per key)."""
    rarest = sorted(keys, key=lambda k: len(index.postings.get(k, ())))[:LOOKUP_KEYS]
    hits: dict[int, int] = {}
    for key in rarest:
        for row in index.postings.get(key, array("i"))[-POSTINGS_PER_KEY:]:
            hits[row] = hits.get(row, 0) + 1
    return [row for row, count in hits.items() if count >= 2]


def score_pair(
    index: StoryIndex,
    row: int,
    entities: set[int],
    words: set[int],
    seconds: int | None,
    common: float,
) -> float | None:
    """Match score of the article against one stored row; None when it is not the same story."""
    theirs = set(index.entity_keys[row])
    shared = sum(1 for key in entities & theirs if len(index.postings[key]) <= common)
    ent_overlap = overlap(entities, theirs)
    title = jaccard(words, set(index.title_keys[row]))
    stored = index.published[row]
    near = seconds is None or stored == NO_DATE or abs(seconds - stored) <= STORY_WINDOW_DAYS * DAY
    min_shared, min_title = (MIN_SHARED, MIN_TITLE) if near else (FAR_SHARED, FAR_TITLE)
    same = shared >= min_shared and ent_overlap >= MIN_OVERLAP and title >= min_title
    reworded = near and shared >= REWORDED_SHARED and ent_overlap >= REWORDED_OVERLAP
    return ent_overlap + title if same or reworded else None
