"""Story index at scale: a run's start-up and the cost of matching one new article, from 10k to
1M stored articles, on the frozen segments a lake keeps (presswatch.stories.store).

The first rows are synthetic articles with real text (presswatch.stories.evaluate: corpus
sentences, words perturbed), so that a timed batch can hold copies of them; the rest are filler
made in bulk: random MinHash signatures (they collide with nothing, like distinct texts) and key
entities and headline words drawn from Zipf pools like the real rows'. The filler is frozen a
FILL_CHUNK at a time and merged as the store merges its flushes (a binary counter), so the
build also times freezing and merging.

Start-up is what StoryStore.load does: open the segments, then read what no segment holds yet;
the worst case holds FLUSH_ROWS - 1 such rows, timed with them.
"""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path

import numpy as np

from presswatch.bench.results import Figure
from presswatch.stories import StoryIndex, assign_stories
from presswatch.stories.cluster import key_id
from presswatch.stories.evaluate import (
    BATCH,
    COPY_SHARE,
    SEED,
    load_corpus,
    synthetic_rows,
    timed_batch,
)
from presswatch.stories.features import title_words
from presswatch.stories.segments import Rows, Segment, freeze, merge
from presswatch.stories.store import FLUSH_ROWS

REAL_ROWS = 5_000  # stored articles with text: what the timed batches copy
FILL_CHUNK = 100_000


def bench_story_index(work: Path, sizes: tuple[int, ...], runs: int = 3) -> list[Figure]:
    rng = random.Random(SEED)
    corpus = load_corpus()
    pool = [s for page in corpus.values() for s in page["body"].replace("\n", " ").split(". ")]
    real = synthetic_rows(REAL_ROWS + FLUSH_ROWS, pool, rng)
    stored = [{k: v for k, v in r.items() if k != "body"} for r in real]
    sources, delta = real[:REAL_ROWS], stored[REAL_ROWS : REAL_ROWS + FLUSH_ROWS - 1]
    fill = Filler(np.random.default_rng(SEED), pool)
    segments = [freeze(StoryIndex.from_rows(stored[:REAL_ROWS]).in_memory_rows(), 0, work / "s0")]
    built, build_seconds, figures, found = REAL_ROWS, 0.0, [], {}
    for size in sorted(sizes):
        started = time.perf_counter()
        while built < size:
            count = min(FILL_CHUNK, size - built)
            segments.append(freeze(fill.rows(built, count), built, work / f"s{built}"))
            while len(segments) >= 2 and segments[-2].rows <= segments[-1].rows:
                newer, older = segments.pop(), segments.pop()
                segments.append(merge(older, newer, work / f"m{older.start}-{built}"))
            built += count
        build_seconds += time.perf_counter() - started
        started = time.perf_counter()
        opened = [Segment.open(s.folder) for s in segments]
        index = StoryIndex.from_rows(delta, opened)
        startup = time.perf_counter() - started
        per, copies = [], []
        for _ in range(runs):
            batch = timed_batch(sources, pool, rng)
            started = time.perf_counter()
            assignments, _, _ = assign_stories(index, *batch)
            per.append((time.perf_counter() - started) / len(assignments) * 1000)
            copied = sum(a["copy_group"] != a["article_id"] for a in assignments)
            copies.append(100 * copied / (BATCH * COPY_SHARE))
        found[size] = (startup, statistics.median(per), min(copies), len(segments), index.nbytes())
    small = min(found)
    for size, (startup, per_article, copied, count, held) in sorted(found.items()):
        figures += [
            Figure("stories", f"story index start-up, {size:,} stored", startup, "s", 1,
                   f"{count} segments opened + {len(delta):,} rows read (the most a run reads); "
                   f"{held / 1e6:,.0f} MB held in memory"),
            Figure("stories", f"copy + story matching per new article, {size:,} stored",
                   per_article, "ms", runs,
                   f"{small:,} stored: {found[small][1]:.2f} ms; {copied:.0f}% of planted "
                   "copies found"),
        ]  # fmt: skip
    figures.append(
        Figure("stories", f"story index build to {built:,} (freeze + merge), rows/s",
               (built - REAL_ROWS) / build_seconds, "rows/s", 1,
               f"{build_seconds:.1f} s for {built - REAL_ROWS:,} rows in chunks of {FILL_CHUNK:,}")
    )  # fmt: skip
    return figures


class Filler:
    """Stored rows in bulk, with key entities and headline words from Zipf pools."""

    def __init__(self, rng: np.random.Generator, pool: list[str]) -> None:
        self.rng = rng
        names = [f"filler entity {i}" for i in range(200_000)]
        words = sorted({w for sentence in pool for w in title_words(sentence)})
        self.entity_keys = np.array([key_id("e:" + n) for n in names], dtype=np.int64)
        self.word_keys = np.array([key_id("t:" + w) for w in words], dtype=np.int64)

    def _zipf(self, keys: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
        weights = 1 / np.arange(1, len(keys) + 1)
        cdf = np.cumsum(weights) / weights.sum()
        return keys[np.minimum(np.searchsorted(cdf, self.rng.random(shape)), len(keys) - 1)]

    def rows(self, start: int, count: int) -> Rows:
        ids = [f"fill{start + i:08d}" for i in range(count)]
        groups = np.array([key_id(i) for i in ids], dtype=np.int64)
        published = 1_672_531_200 + 600 * np.arange(start, start + count, dtype=np.int64)
        signatures = self.rng.integers(0, 2**32 - 1, (count, 128), dtype=np.uint32)
        entity, title = (
            self._zipf(self.entity_keys, (count, 6)),
            self._zipf(self.word_keys, (count, 8)),
        )
        ranks = np.stack([np.ones(count, np.int64), published, np.arange(start, start + count)], 1)
        return Rows(
            signatures=signatures,
            sizes=self.rng.integers(50, 800, count).astype(np.int32),
            groups=groups, stories=groups, published=published,
            entity_offsets=np.arange(0, 6 * count + 1, 6, dtype=np.int64),
            entity_keys=entity.ravel(),
            title_offsets=np.arange(0, 8 * count + 1, 8, dtype=np.int64),
            title_keys=title.ravel(),
            names=dict(zip(groups.tolist(), ids, strict=True)),
            group_table={
                g: (g, int(p), tuple(r))
                for g, p, r in zip(groups.tolist(), published, ranks.tolist(), strict=True)
            },
            # The coverage rollups' pair keys: about 3 per article and 4 per entity named.
            seen_keys=np.unique(self.rng.integers(-(2**63), 2**63 - 1, 30 * count, np.int64)),
        )  # fmt: skip
