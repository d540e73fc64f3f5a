"""Story assignment: copy groups by MinHash, stories by shared key entities and headline words."""

from __future__ import annotations

import hashlib
import logging
from array import array
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from presswatch.stories.copies import (
    CopyIndex,
    hash_shingles,
    locate,
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
from presswatch.stories.segments import NONE, KeySet, Rows, Segment

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

    Frozen segments (presswatch.stories.segments: memory-mapped arrays) hold the rows stored
    before this run, or before the last flush; rows added since are held here, in memory. Per
    article: its MinHash signature (in CopyIndex), group and story (as 63-bit hashes of their
    ids), date and the hashes of its key entities and headline words. Per key: the rows naming
    it. Per copy group: its story, earliest date and original's rank. And the coverage rollups'
    pair keys (presswatch.stories.segments.KeySet): frozen in the segments, and added since.
    """

    segments: list[Segment] = field(default_factory=list)
    copies: CopyIndex | None = None
    groups: array = field(default_factory=lambda: array("q"))
    stories: array = field(default_factory=lambda: array("q"))
    published: array = field(default_factory=lambda: array("q"))
    entity_keys: list[tuple[int, ...]] = field(default_factory=list)
    title_keys: list[tuple[int, ...]] = field(default_factory=list)
    postings: dict[int, array] = field(default_factory=dict)  # key -> rows added here
    names: dict[int, str] = field(default_factory=dict)  # hash -> group or story id
    group_table: dict[int, tuple[int, int, tuple[int, int, int]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.copies is None:
            self.copies = CopyIndex(segments=tuple(self.segments))
        self.start = sum(s.rows for s in self.segments)  # the first in-memory row's number
        self.seen = KeySet([s.seen_keys for s in self.segments])

    @classmethod
    def from_rows(cls, rows: list[dict], segments: list[Segment] | None = None) -> StoryIndex:
        """Index of stored rows (the index_rows of earlier batches), in their stored order,
        after the rows of `segments`."""
        segments = list(segments or [])
        signatures = np.stack([to_signature(r["signature"]) for r in rows]) if rows else None
        sizes = [int(r.get("shingles") or 0) for r in rows]
        index = cls(segments, CopyIndex(signatures, sizes, segments=tuple(segments)))
        for row in rows:
            index._remember(row, add_signature=None)
        logger.debug("stories: index of %d articles (%d in memory)", len(index), len(rows))
        return index

    def __len__(self) -> int:
        return self.start + len(self.groups)

    def nbytes(self) -> int:
        """Rough bytes held in memory (segments are mapped, not held): numpy/array buffers,
        8 bytes per posting, tuple and dict slot."""
        tuples = sum(56 + 8 * len(k) for k in self.entity_keys + self.title_keys)
        postings = sum(64 + p.itemsize * len(p) for p in self.postings.values())
        names = sum(100 + len(n) for n in self.names.values()) + 150 * len(self.group_table)
        columns = sum(len(c) * c.itemsize for c in (self.groups, self.stories, self.published))
        return self.copies.nbytes + tuples + postings + names + columns

    # What matching reads, from a segment or from memory.

    def _locate(self, row: int) -> tuple[Segment | None, int]:
        return locate(self.segments, row)

    def group_of(self, row: int) -> int:
        segment, local = self._locate(row)
        return int(segment.groups[local]) if segment else self.groups[local]

    def story_of(self, row: int) -> int:
        segment, local = self._locate(row)
        return int(segment.stories[local]) if segment else self.stories[local]

    def published_of(self, row: int) -> int:
        segment, local = self._locate(row)
        return int(segment.published[local]) if segment else self.published[local]

    def keys_of(self, row: int) -> tuple[set[int], set[int]]:
        """The row's key-entity and headline-word keys."""
        segment, local = self._locate(row)
        if segment is None:
            return set(self.entity_keys[local]), set(self.title_keys[local])
        return (
            set(segment.entity_keys_of(local).tolist()),
            set(segment.title_keys_of(local).tolist()),
        )

    def df(self, keys: set[int]) -> dict[int, int]:
        """How many stored rows carry each key."""
        ordered = sorted(keys)
        counts = np.zeros(len(ordered), dtype=np.int64)
        if self.segments and ordered:
            wanted = np.array(ordered, dtype=np.int64)
            for segment in self.segments:
                counts += segment.df(wanted)
        return {
            key: int(count) + len(self.postings.get(key, ()))
            for key, count in zip(ordered, counts, strict=True)
        }

    def latest(self, key: int, count: int) -> list[int]:
        """The last `count` rows carrying `key`."""
        rows = list(self.postings.get(key, array("q"))[-count:])
        for segment in reversed(self.segments):
            if len(rows) >= count:
                break
            rows = segment.latest(key, count - len(rows)).tolist() + rows
        return rows

    def name(self, key: int) -> str:
        if key in self.names:
            return self.names[key]
        for segment in reversed(self.segments):
            found = segment.name(key)
            if found is not None:
                return found
        raise KeyError(f"no group or story with hash {key}")

    def group(self, key: int) -> tuple[int, int | None, tuple[int, int, int]]:
        """(story, earliest date or None, original's rank) of a copy group."""
        parts = [p for p in (s.group(key) for s in self.segments) if p is not None]
        if key in self.group_table:
            parts.append(self.group_table[key])
        earliest = min(p[1] for p in parts)
        return parts[0][0], None if earliest >= NONE else earliest, min(p[2] for p in parts)

    def _remember(self, row: dict, add_signature: np.ndarray | None) -> int:
        """Append one stored row; add_signature when the CopyIndex does not hold it yet."""
        if add_signature is not None:
            self.copies.add(add_signature, row["shingles"])
        at = len(self)
        group, story = key_id(row["copy_group"]), key_id(row["story_id"])
        self.names.setdefault(group, row["copy_group"])
        self.names.setdefault(story, row["story_id"])
        self.groups.append(group)
        self.stories.append(story)
        seconds = to_seconds(row.get("published_at"))
        self.published.append(NO_DATE if seconds is None else seconds)
        names = row.get("entities")  # a list, or a numpy array when read through pandas
        entities = tuple(dict.fromkeys(key_id("e:" + e) for e in ([] if names is None else names)))
        words = tuple(dict.fromkeys(key_id("t:" + w) for w in title_words(row.get("title"))))
        self.entity_keys.append(entities)
        self.title_keys.append(words)
        for key in set(entities + words):
            self.postings.setdefault(key, array("q")).append(at)
        rank = original_rank(row.get("wire"), seconds, at)
        earliest = NONE if seconds is None else seconds
        if group in self.group_table:
            known_story, known_earliest, known_rank = self.group_table[group]
            entry = (known_story, min(known_earliest, earliest), min(known_rank, rank))
        else:
            entry = (story, earliest, rank)
        self.group_table[group] = entry
        return at

    def in_memory_rows(self) -> Rows:
        """The rows held in memory, as arrays to freeze into a segment (row numbers local)."""
        signatures, sizes = self.copies.in_memory()

        def csr(keys: list[tuple[int, ...]]) -> tuple[np.ndarray, np.ndarray]:
            offsets = np.cumsum([0] + [len(k) for k in keys], dtype=np.int64)
            return offsets, np.fromiter((k for ks in keys for k in ks), np.int64, offsets[-1])

        entity_offsets, entity_keys = csr(self.entity_keys)
        title_offsets, title_keys = csr(self.title_keys)
        return Rows(
            signatures=signatures, sizes=sizes,
            groups=np.asarray(self.groups, dtype=np.int64),
            stories=np.asarray(self.stories, dtype=np.int64),
            published=np.asarray(self.published, dtype=np.int64),
            entity_offsets=entity_offsets, entity_keys=entity_keys,
            title_offsets=title_offsets, title_keys=title_keys,
            names=dict(self.names), group_table=dict(self.group_table),
            seen_keys=self.seen.held(),
        )  # fmt: skip


def key_id(text: str) -> int:
    """Stable 63-bit hash (fits int64) of a key ("e:" entity, "t:" headline word) or an id."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little") >> 1


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
        group = index.group_of(copies[0][0])
        story, earliest, first = index.group(group)
        suspect = (
            seconds is not None
            and earliest is not None
            and seconds - earliest > SUSPECT_LATE_DAYS * DAY
        )
        rank = original_rank(article.get("wire"), seconds, len(index))
        is_original = rank < first
        group_id, story_id = index.name(group), index.name(story)
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
    entity_keys = {key_id("e:" + e) for e in entity_names}
    word_keys = {key_id("t:" + w) for w in title_words(title)}
    df = index.df(entity_keys | word_keys)
    entities = {k for k in entity_keys if df[k]}  # keys no stored article has cannot match
    words = {k for k in word_keys if df[k]}
    if len(entities) < MIN_SHARED:
        return None
    common = max(COMMON_MIN_DF, COMMON_SHARE * len(index))
    best: tuple[float, int] | None = None
    for row in find_candidates(index, entities | words, df):
        score = score_pair(index, row, entities, words, seconds, common, df)
        if score is not None and (best is None or score > best[0]):
            best = (score, row)
    return None if best is None else index.name(index.story_of(best[1]))


def find_candidates(index: StoryIndex, keys: set[int], df: dict[int, int]) -> list[int]:
    """Stored rows sharing at least two of the article's rarest keys (latest rows per key)."""
    rarest = sorted(keys, key=lambda k: (df[k], k))[:LOOKUP_KEYS]
    hits: dict[int, int] = {}
    for key in rarest:
        for row in index.latest(key, POSTINGS_PER_KEY):
            hits[row] = hits.get(row, 0) + 1
    return [row for row, count in hits.items() if count >= 2]


def score_pair(
    index: StoryIndex,
    row: int,
    entities: set[int],
    words: set[int],
    seconds: int | None,
    common: float,
    df: dict[int, int],
) -> float | None:
    """Match score of the article against one stored row; None when it is not the same story."""
    theirs, their_words = index.keys_of(row)
    shared = sum(1 for key in entities & theirs if df[key] <= common)
    ent_overlap = overlap(entities, theirs)
    title = jaccard(words, their_words)
    stored = index.published_of(row)
    near = seconds is None or stored == NO_DATE or abs(seconds - stored) <= STORY_WINDOW_DAYS * DAY
    min_shared, min_title = (MIN_SHARED, MIN_TITLE) if near else (FAR_SHARED, FAR_TITLE)
    same = shared >= min_shared and ent_overlap >= MIN_OVERLAP and title >= min_title
    reworded = near and shared >= REWORDED_SHARED and ent_overlap >= REWORDED_OVERLAP
    return ent_overlap + title if same or reworded else None
