"""Frozen segments of the story index: flat arrays on disk, memory-mapped when a run starts.

A segment holds what matching needs of a run of stored articles, as sorted numpy arrays: their
MinHash signatures and per-band sorted LSH keys, group, story and date, key-entity and headline
keys (CSR), postings (key -> rows), the names behind group and story hashes, a table per
copy group (its story, earliest date, original's rank), and the sorted keys of the (group,
value) pairs its rows brought to the coverage rollups (presswatch.lake.rollups). Opening one
maps its files: no read, no parse, so a run starts in milliseconds whatever the lake's size,
and lookups are binary searches that touch a few pages each.

Segments stack like a log-structured merge tree (presswatch.stories.store): new rows are
flushed as a small segment, and neighbours of similar size are merged, so each stored row is
rewritten O(log n) times as the lake grows. Every key is a 63-bit hash (int64): ids of groups and
stories, names of entities and headline words; lookups combine all segments.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from presswatch.stories.copies import BANDS, NUM_PERM, band_keys

FORMAT = 2
NONE = 2**62  # no earliest date / no rank: larger than any real value, so min() ignores it
ARRAYS = (
    "signatures", "sizes", "band_keys", "band_rows", "groups", "stories", "published",
    "entity_offsets", "entity_keys", "title_offsets", "title_keys",
    "posting_keys", "posting_offsets", "posting_rows",
    "name_hashes", "name_offsets", "name_bytes",
    "group_hashes", "group_stories", "group_earliest", "group_ranks", "seen_keys",
)  # fmt: skip
META = "segment.json"  # written last: a folder without it is an unfinished write


@dataclass
class Rows:
    """Rows to freeze, as plain arrays (row numbers local to the segment)."""

    signatures: np.ndarray  # (n, NUM_PERM) uint32
    sizes: np.ndarray  # (n,) int32
    groups: np.ndarray  # (n,) int64 group hash
    stories: np.ndarray  # (n,) int64 story hash
    published: np.ndarray  # (n,) int64 seconds, or NO_DATE
    entity_offsets: np.ndarray
    entity_keys: np.ndarray
    title_offsets: np.ndarray
    title_keys: np.ndarray
    names: dict[int, str]  # hash -> group or story id
    group_table: dict[int, tuple[int, int, tuple[int, int, int]]]  # hash -> story, earliest, rank
    seen_keys: np.ndarray  # sorted unique rollup pair keys (int64)


class Segment:
    """One frozen segment, its arrays loaded or memory-mapped; rows start at `start`."""

    def __init__(self, arrays: dict[str, np.ndarray], start: int, folder: Path | None = None):
        self.__dict__.update(arrays)
        self.start = start
        self.rows = len(self.groups)
        self.folder = folder

    @classmethod
    def open(cls, folder: Path) -> Segment:
        meta = json.loads((folder / META).read_text())
        if meta.get("format") != FORMAT:
            raise ValueError(f"{folder}: story index segment format {meta.get('format')}")
        # Plain views of the maps: numpy's memmap subclass costs microseconds per slice.
        arrays = {
            name: np.load(folder / f"{name}.npy", mmap_mode="r").view(np.ndarray) for name in ARRAYS
        }
        if len(arrays["groups"]) != meta["rows"]:
            raise ValueError(f"{folder}: {len(arrays['groups'])} rows, expected {meta['rows']}")
        return cls(arrays, meta["start"], folder)

    def df(self, keys: np.ndarray) -> np.ndarray:
        """How many rows of this segment carry each key."""
        at = _find(self.posting_keys, keys)
        found = at >= 0
        counts = np.zeros(len(keys), dtype=np.int64)
        counts[found] = self.posting_offsets[at[found] + 1] - self.posting_offsets[at[found]]
        return counts

    def latest(self, key: int, count: int) -> np.ndarray:
        """The last `count` rows (global numbers) carrying `key`, oldest first."""
        at = _find(self.posting_keys, np.array([key], dtype=np.int64))[0]
        if at < 0 or count <= 0:
            return np.empty(0, dtype=np.int64)
        lo, hi = self.posting_offsets[at], self.posting_offsets[at + 1]
        return self.posting_rows[max(lo, hi - count) : hi].astype(np.int64) + self.start

    def entity_keys_of(self, local: int) -> np.ndarray:
        return self.entity_keys[self.entity_offsets[local] : self.entity_offsets[local + 1]]

    def title_keys_of(self, local: int) -> np.ndarray:
        return self.title_keys[self.title_offsets[local] : self.title_offsets[local + 1]]

    def name(self, key: int) -> str | None:
        at = _find(self.name_hashes, np.array([key], dtype=np.int64))[0]
        if at < 0:
            return None
        return bytes(self.name_bytes[self.name_offsets[at] : self.name_offsets[at + 1]]).decode()

    def group(self, key: int) -> tuple[int, int, tuple[int, int, int]] | None:
        """(story, earliest, rank) of a copy group among this segment's rows."""
        at = _find(self.group_hashes, np.array([key], dtype=np.int64))[0]
        if at < 0:
            return None
        rank = tuple(int(v) for v in self.group_ranks[at])
        return int(self.group_stories[at]), int(self.group_earliest[at]), rank

    def candidates(self, keys: np.ndarray) -> list[np.ndarray]:
        """Global rows sharing an LSH band key with `keys` (one per band; band keys of all
        bands are kept in one sorted array: they are mixed with their band's number)."""
        lo = np.searchsorted(self.band_keys, keys, "left")
        hi = np.searchsorted(self.band_keys, keys, "right")
        return [
            self.band_rows[a:b].astype(np.int64) + self.start
            for a, b in zip(lo.tolist(), hi.tolist(), strict=True)
            if b > a
        ]


def sorted_unique(keys: np.ndarray) -> np.ndarray:
    """np.unique(keys) by sorting: numpy 2.4's np.unique hashes, 15x slower on 1M distinct keys.
    A stable sort (timsort) takes sorted runs, as two merged segments' keys are, in linear time."""
    keys = np.sort(keys, kind="stable")
    return keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys


def _find(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Position of each key in a sorted unique array, -1 where absent."""
    at = np.searchsorted(sorted_keys, keys)
    inside = at < len(sorted_keys)
    found = np.zeros(len(keys), dtype=bool)
    found[inside] = sorted_keys[at[inside]] == keys[inside]
    return np.where(found, at, -1)


class KeySet:
    """The coverage rollups' pair keys seen (presswatch.lake.rollups): a growing set of 64-bit
    keys, as sorted unique arrays, frozen ones (memory-mapped segments) and those added here,
    merged like a binary counter, so a lookup is a binary search in O(log n) arrays."""

    def __init__(self, frozen: list[np.ndarray] | None = None):
        self.frozen = list(frozen or [])
        self.added: list[np.ndarray] = []

    def contains(self, keys: np.ndarray) -> np.ndarray:
        found = np.zeros(len(keys), dtype=bool)
        for known in self.frozen + self.added:
            found |= _find(known, keys) >= 0
        return found

    def first_seen(self, keys: np.ndarray) -> np.ndarray:
        """For sorted unique `keys`: which were never seen; those are then held."""
        new = ~self.contains(keys)
        self._hold(keys[new])
        return new

    def add(self, keys: np.ndarray) -> None:
        keys = sorted_unique(keys.astype(np.int64))
        self._hold(keys[~self.contains(keys)])

    def _hold(self, keys: np.ndarray) -> None:
        """Keep sorted unique keys that no array holds yet."""
        if not len(keys):
            return
        self.added.append(keys)
        while len(self.added) >= 2 and len(self.added[-2]) <= 2 * len(self.added[-1]):
            newer, older = self.added.pop(), self.added.pop()
            # Two disjoint sorted runs: a stable sort (timsort) merges them in linear time
            # (0.3 s for 40M keys; np.union1d, which hashes them first, took 80 s).
            self.added.append(np.sort(np.concatenate([older, newer]), kind="stable"))

    def held(self) -> np.ndarray:
        """The keys added here (not the frozen ones), sorted: what a new segment freezes."""
        return sorted_unique(np.concatenate(self.added)) if self.added else np.empty(0, np.int64)


def freeze(rows: Rows, start: int, folder: Path) -> Segment:
    """Write rows as a new segment in `folder` (which must not exist yet)."""
    n = len(rows.groups)
    bands = band_keys(rows.signatures).ravel() if n else np.empty(0, dtype=np.uint64)
    order = np.argsort(bands, kind="stable")  # row-major: the row of position i is i // BANDS
    key_rows = _postings(rows)
    names = sorted(rows.names.items())
    encoded = [name.encode() for _, name in names]
    groups = sorted(rows.group_table.items())
    arrays = {
        "signatures": rows.signatures.reshape(n, NUM_PERM).astype(np.uint32),
        "sizes": rows.sizes.astype(np.int32),
        "band_keys": bands[order],
        "band_rows": (order // BANDS).astype(np.int32),
        "groups": rows.groups.astype(np.int64),
        "stories": rows.stories.astype(np.int64),
        "published": rows.published.astype(np.int64),
        "entity_offsets": rows.entity_offsets.astype(np.int64),
        "entity_keys": rows.entity_keys.astype(np.int64),
        "title_offsets": rows.title_offsets.astype(np.int64),
        "title_keys": rows.title_keys.astype(np.int64),
        **key_rows,
        "name_hashes": np.array([h for h, _ in names], dtype=np.int64),
        "name_offsets": np.cumsum([0] + [len(e) for e in encoded], dtype=np.int64),
        "name_bytes": np.frombuffer(b"".join(encoded), dtype=np.uint8),
        "group_hashes": np.array([h for h, _ in groups], dtype=np.int64),
        "group_stories": np.array([v[0] for _, v in groups], dtype=np.int64),
        "group_earliest": np.array([v[1] for _, v in groups], dtype=np.int64),
        "group_ranks": np.array([v[2] for _, v in groups], dtype=np.int64).reshape(-1, 3),
        "seen_keys": rows.seen_keys.astype(np.int64),
    }
    return _write(folder, arrays, start)


def _postings(rows: Rows) -> dict[str, np.ndarray]:
    """Key -> rows (ascending) of every entity and headline key, as CSR."""
    n = len(rows.groups)
    keys = np.concatenate([rows.entity_keys, rows.title_keys]).astype(np.int64)
    owners = np.concatenate([
        np.repeat(np.arange(n), np.diff(rows.entity_offsets)),
        np.repeat(np.arange(n), np.diff(rows.title_offsets)),
    ])  # fmt: skip
    pairs = np.unique(np.stack([keys, owners.astype(np.int64)]), axis=1)  # a row names a key once
    unique, counts = np.unique(pairs[0], return_counts=True)
    return {
        "posting_keys": unique.astype(np.int64),
        "posting_offsets": np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        "posting_rows": pairs[1].astype(np.int32),
    }


def merge(older: Segment, newer: Segment, folder: Path) -> Segment:
    """One segment holding both (adjacent: newer's rows start where older's end)."""
    assert newer.start == older.start + older.rows, "only neighbours merge"
    shift = older.rows
    arrays = {
        name: np.concatenate([getattr(older, name), getattr(newer, name)])
        for name in ("signatures", "sizes", "groups", "stories", "published")
    }
    for kind in ("entity", "title"):
        arrays |= _concat_csr(older, newer, f"{kind}_offsets", f"{kind}_keys")
    arrays["band_keys"], arrays["band_rows"] = _merge_bands(older, newer, shift)
    arrays |= _merge_postings(older, newer, shift)
    arrays |= _merge_names(older, newer)
    arrays |= _merge_groups(older, newer)
    arrays["seen_keys"] = sorted_unique(np.concatenate([older.seen_keys, newer.seen_keys]))
    return _write(folder, arrays, older.start)


def _concat_csr(a: Segment, b: Segment, offsets: str, values: str) -> dict[str, np.ndarray]:
    a_off, b_off = getattr(a, offsets), getattr(b, offsets)
    return {
        offsets: np.concatenate([a_off, b_off[1:] + a_off[-1]]),
        values: np.concatenate([getattr(a, values), getattr(b, values)]),
    }


def _merge_bands(a: Segment, b: Segment, shift: int) -> tuple[np.ndarray, np.ndarray]:
    """Both sorted band-key arrays as one, in one pass (a's rows first on equal keys)."""
    at = np.searchsorted(a.band_keys, b.band_keys, "right")
    return (
        np.insert(a.band_keys, at, b.band_keys),
        np.insert(a.band_rows, at, b.band_rows + np.int32(shift)),
    )


def _merge_postings(a: Segment, b: Segment, shift: int) -> dict[str, np.ndarray]:
    """Union of both CSRs; under a shared key, a's rows then b's (rows stay ascending)."""
    keys = sorted_unique(np.concatenate([a.posting_keys, b.posting_keys]))
    counts = np.zeros(len(keys), dtype=np.int64)
    a_at, b_at = np.searchsorted(keys, a.posting_keys), np.searchsorted(keys, b.posting_keys)
    counts[a_at] += np.diff(a.posting_offsets)
    counts[b_at] += np.diff(b.posting_offsets)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    # b's rows of each key go right after a's: the end of a's run of that key, or where the key
    # would be in a when a lacks it.
    b_counts = np.diff(b.posting_offsets)
    in_a = np.searchsorted(a.posting_keys, b.posting_keys, "right")
    ends = a.posting_offsets[in_a]
    rows = np.insert(
        np.asarray(a.posting_rows), np.repeat(ends, b_counts), np.asarray(b.posting_rows) + shift
    )
    return {"posting_keys": keys, "posting_offsets": offsets, "posting_rows": rows}


def _merge_names(a: Segment, b: Segment) -> dict[str, np.ndarray]:
    """Union of both name tables (a name both hold is kept once)."""
    hashes = np.concatenate([a.name_hashes, b.name_hashes])
    data = np.concatenate([a.name_bytes, b.name_bytes])
    starts = np.concatenate([a.name_offsets[:-1], b.name_offsets[:-1] + len(a.name_bytes)])
    lengths = np.concatenate([np.diff(a.name_offsets), np.diff(b.name_offsets)])
    hashes, first = np.unique(hashes, return_index=True)
    lengths, starts = lengths[first], starts[first]
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    gather = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
    return {"name_hashes": hashes, "name_offsets": offsets, "name_bytes": data[gather]}


def _merge_groups(a: Segment, b: Segment) -> dict[str, np.ndarray]:
    """Union of both group tables: earliest and rank are minima, the story is the group's."""
    hashes = np.concatenate([a.group_hashes, b.group_hashes])
    stories = np.concatenate([a.group_stories, b.group_stories])
    earliest = np.concatenate([a.group_earliest, b.group_earliest])
    ranks = np.concatenate([a.group_ranks, b.group_ranks])
    # Sort by group, then rank: the first of each run has the smallest rank.
    order = np.lexsort((ranks[:, 2], ranks[:, 1], ranks[:, 0], hashes))
    hashes, stories, earliest, ranks = hashes[order], stories[order], earliest[order], ranks[order]
    starts = np.flatnonzero(np.concatenate([[True], hashes[1:] != hashes[:-1]])[: len(hashes)])
    return {
        "group_hashes": hashes[starts],
        "group_stories": stories[starts],
        "group_earliest": np.minimum.reduceat(earliest, starts) if len(starts) else earliest,
        "group_ranks": ranks[starts],
    }


def _write(folder: Path, arrays: dict[str, np.ndarray], start: int) -> Segment:
    """Write the arrays, fsynced, then the metadata file that makes the segment whole."""
    folder.mkdir(parents=True)
    for name in ARRAYS:
        path = folder / f"{name}.npy"
        with open(path, "wb") as out:
            np.save(out, np.ascontiguousarray(arrays[name]))
            out.flush()
            os.fsync(out.fileno())
    meta = {"format": FORMAT, "rows": len(arrays["groups"]), "start": start}
    tmp = folder / (META + ".tmp")
    tmp.write_text(json.dumps(meta))
    os.replace(tmp, folder / META)
    return Segment.open(folder)
