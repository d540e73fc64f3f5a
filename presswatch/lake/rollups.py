"""Rollups: per-batch aggregates that the coverage views sum instead of scanning every article.

Article and mention counts are sums. A distinct count (stories per outlet, outlets per day,
...) is made a sum too: a batch counts a value in a group only where the lake had never seen
that (group, value) pair before. The pairs seen are kept as sorted 64-bit keys (`KeySet` in
presswatch.stories.segments, frozen with the story index), so a batch's rollup depends only on
the batches committed before it, and the sum over every committed batch is the raw tables'
`count(distinct ...)`, exactly (tests/test_rollups.py). A batch that never commits leaves no
rollup and no key: recovery removes its files, and a run learns keys only from committed
batches. Compaction merges the rollups of the batches it merges, one row per group, with each
column's own aggregation: sums, minima, maxima, a story's earliest headline, its wires' lists
(`reduce`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from presswatch.stories.segments import sorted_unique

if TYPE_CHECKING:
    from presswatch.stories.segments import KeySet


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


def rollups(
    articles: pa.Table, entities: pa.Table | None, keys: KeySet, batch_id: str
) -> dict[str, pa.Table]:
    """The batch's rollup tables; `keys` learns the batch's pairs."""
    sources = _sources(articles, entities)
    measures = _measure_keys(sources)
    flags = _first_flags([k for *_, k, _ in measures], [v for *_, v in measures], keys)
    flag = {(name, m): f for (name, m, _, _), f in zip(measures, flags, strict=True)}
    out = {}
    for name, spec in ROLLUPS.items():
        rows = sources[spec.source]
        if not len(rows):
            continue
        for m in spec.distinct:
            rows = rows.append_column(m, pa.array(flag[name, m], pa.int64()))
        aggregates = [("article_id", "count", "articles")]
        aggregates += [(m, "sum", m) for m in spec.distinct] + list(spec.aggregates)
        grouped = _sort_sets(_group(rows, spec.by, aggregates, spec.order), spec)
        out[name] = grouped.append_column("batch_id", pa.repeat(batch_id, len(grouped)))
    return out


def pair_keys(articles: pa.Table, entities: pa.Table | None) -> np.ndarray:
    """Every (group, value) key of these rows: what a run that reads committed batches learns."""
    parts = [keys[valid] for *_, keys, valid in _measure_keys(_sources(articles, entities, False))]
    return sorted_unique(np.concatenate(parts))


def reduce(table: str, rows: pa.Table) -> pa.Table:
    """Rollup rows of several batches as one row per group (compaction)."""
    spec = ROLLUPS[table]
    aggregates = [(c, "sum", c) for c in ("articles", *spec.distinct)]
    aggregates += [(out, FUNCTIONS[f], out) for _, f, out in spec.aggregates if f in FUNCTIONS]
    if spec.order:  # once: the lists below are merged in the same group order
        rows = rows.sort_by([(c, "ascending") for c in spec.order])
    merged = _group(rows, spec.by, aggregates)
    for _, function, out in spec.aggregates:
        if function == "distinct":
            merged = merged.append_column(out, _merge_lists(rows, spec.by, out, merged))
    return _sort_sets(merged, spec)


def _sort_sets(rows: pa.Table, spec: Rollup) -> pa.Table:
    """Each "distinct" list sorted, and an empty one NULL: as the views show them, so that
    they can show a compaction's rows as they are."""
    for _, function, out in spec.aggregates:
        if function != "distinct":
            continue
        lists = rows[out].combine_chunks()
        values = pa.table({"row": pc.list_parent_indices(lists), "value": pc.list_flatten(lists)})
        values = values.sort_by([("row", "ascending"), ("value", "ascending")])
        counts = np.bincount(values["row"].to_numpy(), minlength=len(lists))
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        ordered = pa.ListArray.from_arrays(
            pa.array(offsets), values["value"].combine_chunks(), mask=pa.array(counts == 0)
        )
        rows = rows.set_column(rows.schema.get_field_index(out), out, ordered)
    return rows


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
    distinct = _group(values, by, [(column, "distinct", column)])
    if not distinct.select(list(by)).equals(merged.select(list(by))):
        raise AssertionError(f"{column}: groups out of order")
    return distinct[column].combine_chunks()


def _sources(articles: pa.Table, entities: pa.Table | None, pairs: bool = True) -> dict:
    """Each rollup source's rows (see Rollup.source); "pairs" only if `pairs`: no distinct
    measure counts them, so the keys alone do not need them."""
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
    sources = {"articles": a, "entities": joined, "stories": _story_rows(a)}
    return sources | ({"pairs": _entity_pairs(joined)} if pairs else {})


def _entity_pairs(named: pa.Table) -> pa.Table:
    """Each entity row beside every other entity of its article. Joined on an integer key and
    only the columns they need: a batch of 50,000 articles makes 3M of them."""
    named = named.append_column(
        "row", pc.dictionary_encode(named["article_id"]).combine_chunks().indices
    )
    names = named.select(["row", "name", "label", "published_date"])
    others = names.select(["row", "name", "label"]).rename_columns(["row", "other", "other_label"])
    pairs = names.join(others, "row", join_type="inner", use_threads=False)
    pairs = pairs.filter(pc.not_equal(pairs["name"], pairs["other"]))
    return pairs.append_column("article_id", pairs["row"])  # what "articles" counts


def _story_rows(a: pa.Table) -> pa.Table:
    """The articles the stories view counts (in a story and a copy group), as its columns."""
    told = a.filter(pc.and_(pc.is_valid(a["story_id"]), pc.is_valid(a["copy_group"])))
    return pa.table({
        "article_id": told["article_id"], "story_id": told["story_id"],
        "copy_group": told["copy_group"], "outlet_key": told["outlet_key"],
        "first_published": told["published_at"],
        # arg_min's rule: a row without a title is not a headline candidate
        "headline_at": pc.if_else(pc.is_valid(told["title"]),
                                  pc.coalesce(told["published_at"], told["ingested_at"]), None),
        "headline": told["title"], "wires": told["wire"],
    })  # fmt: skip


def _measure_keys(sources: dict[str, pa.Table]) -> list[tuple]:
    """(rollup, measure, key per row, value not NULL) of every distinct measure: a key hashes
    (rollup, measure, group, value). Each source column is hashed once."""
    hashes: dict[tuple[str, str], np.ndarray] = {}

    def column(source: str, name: str) -> np.ndarray:
        if (source, name) not in hashes:
            hashes[source, name] = _column_hashes(sources[source][name])
        return hashes[source, name]

    measures = []
    for rollup, spec in ROLLUPS.items():
        for m in spec.distinct:
            rows = sources[spec.source]
            h = np.full(len(rows), _hash_text(f"{rollup}:{m}"), dtype=np.uint64)
            for name in (*spec.by, VALUES[m]):
                h = _mix(h, column(spec.source, name))
            valid = pc.is_valid(rows[VALUES[m]]).to_numpy(zero_copy_only=False)
            measures.append((rollup, m, h.view(np.int64), valid))
    return measures


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


def _group(rows: pa.Table, by: tuple[str, ...], aggregates: list, order: tuple = ()) -> pa.Table:
    """(column, aggregation, output) of each group of `by`; "first" in `order`'s order."""
    if order:
        rows = rows.sort_by([(c, "ascending") for c in order])
    valid = pc.CountOptions(mode="only_valid")
    grouped = rows.group_by(list(by), use_threads=False).aggregate(
        [(c, f, valid) if f == "distinct" else (c, f) for c, f, _ in aggregates]
    )
    columns = {out: grouped[f"{c}_{f}"] for c, f, out in aggregates}
    return pa.table({**{c: grouped[c] for c in by}, **columns})


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
