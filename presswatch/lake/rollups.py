"""Rollups: per-batch aggregates that the coverage views sum instead of scanning every article.

Article and mention counts are sums. A distinct count (stories per outlet, outlets per day,
...) is made a sum too: a batch counts a value in a group only where the lake had never seen
that (group, value) pair before. The pairs seen are kept as sorted 64-bit keys (`KeySet`, frozen
into the story index's segments: presswatch.stories), so a batch's rollup depends only on the
batches committed before it, and the sum over every committed batch is the raw tables'
`count(distinct ...)`, exactly (tests/test_rollups.py). A batch that never commits leaves no
rollup and no key: recovery removes its files, and a run learns keys only from committed
batches. Compaction merges the rollups of the batches it merges, one row per group, with each
column's own aggregation: sums, minima, maxima, a story's earliest headline, its wires' lists
(`reduce`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class Rollup:
    source: str  # "articles"; "entities", each with its article's columns; "pairs" of entities
    # named by one article, both ways round (an entity row beside another's "other" columns);
    # "stories": the articles in a story and a copy group (the stories view's rows)
    by: tuple[str, ...]  # the view's group
    distinct: tuple[str, ...] = ()  # measures counted once per group (VALUES)
    # (column, aggregation, output): of a batch's rows, then of the rollups merged (the same
    # aggregation; "first" of rows sorted by `order`, "distinct" lists concatenated)
    aggregates: tuple[tuple[str, str, str], ...] = ()
    order: tuple[str, ...] = ()


DATES = (
    ("published_date", "min", "first_published"),
    ("published_date", "max", "last_published"),
)
ROLLUPS = {
    "rollup_outlet": Rollup("articles", ("outlet_domain", "outlet"), ("stories",), DATES),
    "rollup_date": Rollup("articles", ("published_date",), ("stories", "outlets")),
    "rollup_entity": Rollup(
        "entities", ("name", "label"), ("stories", "outlets"),
        (("mentions", "sum", "mentions"), *DATES),
    ),
    "rollup_entity_date": Rollup(
        "entities", ("name", "label", "published_date"), ("stories", "outlets")
    ),
    "rollup_pairs": Rollup("pairs", ("name", "label", "other", "other_label"), (), DATES),
    # The headline is the earliest article's title: rows sorted by headline_at, "first" taken.
    "rollup_story": Rollup(
        "stories", ("story_id",), ("outlets", "copy_groups"),
        (("first_published", "min", "first_published"), ("headline_at", "min", "headline_at"),
         ("headline", "first", "headline"), ("wires", "distinct", "wires")),
        order=("headline_at", "headline"),
    ),
}  # fmt: skip
# What a distinct measure counts, as the views always have: an article not yet grouped into a
# story is its own story; an outlet is its domain, else its name (neither: not counted).
VALUES = {"stories": "story", "outlets": "outlet_key", "copy_groups": "copy_group"}
ARTICLE_COLUMNS = [
    "article_id", "outlet_domain", "outlet", "published_date", "story_id", "copy_group", "title",
    "published_at", "ingested_at", "wire",
]  # fmt: skip
ENTITY_COLUMNS = ["article_id", "name", "label", "mentions"]
FUNCTIONS = {"count": "sum", "sum": "sum", "min": "min", "max": "max", "first": "first"}

_NULL = np.uint64(int.from_bytes(hashlib.blake2b(b"\0null", digest_size=8).digest(), "little"))


class KeySet:
    """A growing set of 64-bit keys, as sorted unique arrays: frozen ones (memory-mapped
    segments) and those added here, merged like a binary counter, so a lookup is a binary
    search in O(log n) arrays."""

    def __init__(self, frozen: list[np.ndarray] | None = None):
        self.frozen = list(frozen or [])
        self.added: list[np.ndarray] = []

    def __len__(self) -> int:
        return sum(len(a) for a in self.frozen + self.added)

    def contains(self, keys: np.ndarray) -> np.ndarray:
        found = np.zeros(len(keys), dtype=bool)
        for known in self.frozen + self.added:
            if len(known):
                at = np.minimum(np.searchsorted(known, keys), len(known) - 1)
                found |= known[at] == keys
        return found

    def first_seen(self, keys: np.ndarray) -> np.ndarray:
        """For sorted unique `keys`: which were never seen; those are then held."""
        new = ~self.contains(keys)
        self._hold(keys[new])
        return new

    def add(self, keys: np.ndarray) -> None:
        keys = np.unique(keys.astype(np.int64))
        self._hold(keys[~self.contains(keys)])

    def _hold(self, keys: np.ndarray) -> None:
        """Keep sorted unique keys that no array holds yet."""
        if not len(keys):
            return
        self.added.append(keys)
        while len(self.added) >= 2 and len(self.added[-2]) <= 2 * len(self.added[-1]):
            newer, older = self.added.pop(), self.added.pop()
            self.added.append(np.union1d(older, newer))

    def held(self) -> np.ndarray:
        """The keys added here (not the frozen ones), sorted: what a new segment freezes."""
        return np.unique(np.concatenate(self.added)) if self.added else np.empty(0, np.int64)


def rollups(
    articles: pa.Table, entities: pa.Table | None, keys: KeySet, batch_id: str
) -> dict[str, pa.Table]:
    """The batch's rollup tables; `keys` learns the batch's pairs."""
    sources = _sources(articles, entities)
    measures = [(name, m) for name, spec in ROLLUPS.items() for m in spec.distinct]
    pairs = [_pair_keys(name, sources[ROLLUPS[name].source], m) for name, m in measures]
    flags = _first_flags([k for k, _ in pairs], [valid for _, valid in pairs], keys)
    out = {}
    for name, spec in ROLLUPS.items():
        rows = sources[spec.source]
        if not len(rows):
            continue
        for m in spec.distinct:
            rows = rows.append_column(m, pa.array(flags[measures.index((name, m))], pa.int64()))
        aggregates = [("article_id", "count", "articles")]
        aggregates += [(m, "sum", m) for m in spec.distinct] + list(spec.aggregates)
        grouped = _group(rows, spec, aggregates)
        out[name] = grouped.append_column("batch_id", pa.repeat(batch_id, len(grouped)))
    return out


def pair_keys(articles: pa.Table, entities: pa.Table | None) -> np.ndarray:
    """Every (group, value) key of these rows: what a run that reads committed batches learns."""
    sources = _sources(articles, entities)
    parts = [
        keys[valid]
        for name, spec in ROLLUPS.items()
        for m in spec.distinct
        for keys, valid in [_pair_keys(name, sources[spec.source], m)]
    ]
    return np.unique(np.concatenate(parts)) if parts else np.empty(0, np.int64)


def reduce(table: str, rows: pa.Table) -> pa.Table:
    """Rollup rows of several batches as one row per group (compaction)."""
    spec = ROLLUPS[table]
    aggregates = [(c, "sum", c) for c in ("articles", *spec.distinct)]
    aggregates += [(out, FUNCTIONS[f], out) for _, f, out in spec.aggregates if f in FUNCTIONS]
    if spec.order:
        rows = rows.sort_by([(c, "ascending") for c in spec.order])
    merged = _group(rows, spec, aggregates)
    for _, function, out in spec.aggregates:
        if function == "distinct":
            merged = merged.append_column(out, _merge_lists(rows, spec.by, out, merged))
    return merged


def _merge_lists(rows: pa.Table, by: tuple[str, ...], column: str, merged: pa.Table) -> pa.Array:
    """The distinct values of each group's lists, in `merged`'s group order. Its groups came
    first-seen from `rows`; one NULL per row first, then the lists' values, gives the same
    order (checked), and the NULLs are not counted."""
    lists = rows[column].combine_chunks()
    keys = rows.select(list(by))
    values = pa.concat_tables([
        keys.append_column(column, pa.nulls(len(rows), lists.type.value_type)),
        keys.take(pc.list_parent_indices(lists)).append_column(column, pc.list_flatten(lists)),
    ])  # fmt: skip
    distinct = _group(values, Rollup("", by), [(column, "distinct", column)])
    if not distinct.select(list(by)).equals(merged.select(list(by))):
        raise AssertionError(f"{column}: groups out of order")
    return distinct[column].combine_chunks()


def _sources(articles: pa.Table, entities: pa.Table | None) -> dict[str, pa.Table]:
    a = articles.select(ARTICLE_COLUMNS)
    a = a.append_column("story", pc.coalesce(a["story_id"], a["article_id"]))
    a = a.append_column("outlet_key", pc.coalesce(a["outlet_domain"], a["outlet"]))
    if entities is None or not len(entities):
        e = pa.table({c: pa.array([], pa.string()) for c in ENTITY_COLUMNS[:3]})
        e = e.append_column("mentions", pa.array([], pa.int32()))
    else:
        e = entities.select(ENTITY_COLUMNS)
    # Inner join, as the views join: an entity row counts only with its article.
    joined = e.join(a, "article_id", join_type="inner", use_threads=False)
    # Pairs joined on an integer key and only the columns they need: a batch of 50,000
    # articles makes 3M of them.
    rows = pc.dictionary_encode(joined["article_id"]).combine_chunks().indices
    joined = joined.append_column("row", rows)
    names = joined.select(["row", "name", "label", "published_date"])
    others = names.select(["row", "name", "label"]).rename_columns(["row", "other", "other_label"])
    pairs = names.join(others, "row", join_type="inner", use_threads=False)
    pairs = pairs.filter(pc.not_equal(pairs["name"], pairs["other"]))
    pairs = pairs.append_column("article_id", pairs["row"])  # what "articles" counts
    in_story = pc.and_(pc.is_valid(a["story_id"]), pc.is_valid(a["copy_group"]))
    told = a.filter(in_story)
    stories = pa.table({
        "article_id": told["article_id"], "story_id": told["story_id"],
        "copy_group": told["copy_group"], "outlet_key": told["outlet_key"],
        "first_published": told["published_at"],
        # arg_min's rule: a row without a title is not a headline candidate
        "headline_at": pc.if_else(pc.is_valid(told["title"]),
                                  pc.coalesce(told["published_at"], told["ingested_at"]), None),
        "headline": told["title"], "wires": told["wire"],
    })  # fmt: skip
    return {"articles": a, "entities": joined, "pairs": pairs, "stories": stories}


def _pair_keys(rollup: str, rows: pa.Table, measure: str) -> tuple[np.ndarray, np.ndarray]:
    """One key per row for (rollup, measure, group, value), and whether the value is not NULL."""
    value = rows[VALUES[measure]]
    h = np.full(len(rows), _hash_text(f"{rollup}:{measure}"), dtype=np.uint64)
    for column in (*ROLLUPS[rollup].by, VALUES[measure]):
        h = _mix(h, _column_hashes(rows[column]))
    valid = pc.is_valid(value).to_numpy(zero_copy_only=False)
    return h.view(np.int64), valid


def _first_flags(keys: list[np.ndarray], valid: list[np.ndarray], seen: KeySet) -> list:
    """Per row of each measure: 1 where its key is new to the lake and this is its first row
    in the batch, else 0. All measures' keys go to `seen` in one lookup."""
    sizes = [len(k) for k in keys]
    every = np.concatenate(keys) if keys else np.empty(0, np.int64)
    ok = np.concatenate(valid) if valid else np.empty(0, bool)
    where = np.flatnonzero(ok)
    unique, first = np.unique(every[where], return_index=True)
    flags = np.zeros(len(every), dtype=np.int64)
    flags[where[first[seen.first_seen(unique)]]] = 1
    return np.split(flags, np.cumsum(sizes)[:-1])


def _group(rows: pa.Table, spec: Rollup, aggregates: list) -> pa.Table:
    if spec.order:  # "first" takes the first row of each group in this order
        rows = rows.sort_by([(c, "ascending") for c in spec.order])
    valid = pc.CountOptions(mode="only_valid")
    grouped = rows.group_by(list(spec.by), use_threads=False).aggregate(
        [(c, f, valid) if f == "distinct" else (c, f) for c, f, _ in aggregates]
    )
    columns = {out: grouped[f"{c}_{f}"] for c, f, out in aggregates}
    return pa.table({**{c: grouped[c] for c in spec.by}, **columns})


def _column_hashes(column: pa.ChunkedArray) -> np.ndarray:
    """A 64-bit hash per value (NULL has its own): each distinct value hashed once."""
    if not pa.types.is_string(column.type):
        column = column.cast(pa.string())
    encoded = pc.dictionary_encode(column).combine_chunks()
    table = np.array([_hash_text(v) for v in encoded.dictionary.to_pylist()] + [int(_NULL)],
                     dtype=np.uint64)  # fmt: skip
    indices = encoded.indices.fill_null(len(encoded.dictionary))
    return table[indices.to_numpy(zero_copy_only=False)]


def _hash_text(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def _mix(h: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Combine two hashes (splitmix64's finaliser over h * odd + v; uint64 wraps)."""
    x = h * np.uint64(0x9E3779B97F4A7C15) + v
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))
