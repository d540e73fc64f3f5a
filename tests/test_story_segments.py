"""The story index on disk: frozen segments match exactly as the index in memory does, and a
run trusts them only while they hold what the lake holds."""

from __future__ import annotations

import copy
import json
import random

import pytest

from presswatch.lake.tables import Lake
from presswatch.stories import StoryIndex, assign_stories
from presswatch.stories import store as story_store
from presswatch.stories.evaluate import SEED, load_corpus, synthetic_rows, timed_batch
from presswatch.stories.segments import freeze, merge
from presswatch.stories.store import MANIFEST, StoryStore, segments_folder
from tests.conftest import SEEDS

REUTERS = "004_60cfb84bfab2d6d6.txt"


@pytest.fixture(scope="module")
def stored_and_new():
    """1,200 stored rows with real copy groups and stories (two batches assigned against 800
    synthetic articles), and a new batch that copies and follows some of them."""
    rng = random.Random(SEED)
    corpus = load_corpus()
    pool = [s for page in corpus.values() for s in page["body"].replace("\n", " ").split(". ")]
    base = synthetic_rows(800, pool, rng)
    rows = [{k: v for k, v in r.items() if k != "body"} for r in base]
    index = StoryIndex.from_rows(rows)
    for _ in range(2):
        _, assigned, _ = assign_stories(index, *timed_batch(base[:400], pool, rng))
        rows += assigned[:200]
    return rows, timed_batch(base, pool, rng)


def assign(index: StoryIndex, batch: tuple) -> list[dict]:
    return assign_stories(index, *copy.deepcopy(batch))[0]


def test_frozen_segments_match_as_the_index_in_memory(stored_and_new, tmp_path):
    rows, batch = stored_and_new
    expected = assign(StoryIndex.from_rows(rows), batch)
    assert sum(a["copy_group"] != a["article_id"] for a in expected) >= 50  # copies were found
    assert sum(a["story_id"] != a["copy_group"] for a in expected) >= 5  # and stories joined

    first = freeze(StoryIndex.from_rows(rows[:500]).in_memory_rows(), 0, tmp_path / "a")
    second = freeze(
        StoryIndex.from_rows(rows[500:1000], [first]).in_memory_rows(), 500, tmp_path / "b"
    )
    assert assign(StoryIndex.from_rows(rows[1000:], [first, second]), batch) == expected
    merged = merge(first, second, tmp_path / "ab")
    assert merged.rows == 1000
    assert assign(StoryIndex.from_rows(rows[1000:], [merged]), batch) == expected
    rest = freeze(
        StoryIndex.from_rows(rows[1000:], [merged]).in_memory_rows(), 1000, tmp_path / "c"
    )
    assert assign(StoryIndex(segments=[merge(merged, rest, tmp_path / "abc")]), batch) == expected


def manifest(data) -> dict:
    return json.loads((segments_folder(Lake(data)) / MANIFEST).read_text())


def add_copy(drop, name: str) -> None:
    page = (SEEDS / REUTERS).read_text(encoding="utf-8")
    header = f"Skip to content\n{name} | Sign in\nMarkets | World | Business | Tech\n\n"
    (drop / f"{name}.txt").write_text(header + page.replace("World", "News"))


def test_runs_match_against_the_segments_earlier_runs_froze_and_compaction_keeps_them(
    run_ingest, seed_drop, query, monkeypatch
):
    monkeypatch.setenv("PRESSWATCH_BATCH_SIZE", "1")
    monkeypatch.setattr(story_store, "FLUSH_ROWS", 2)
    run_ingest(seed_drop)
    frozen = manifest(run_ingest.data)
    assert frozen["rows"] == 4 and len(frozen["segments"]) == 1  # 2 + 2 merged; 1 in a file
    assert query("select count(distinct story_id) from articles") == [(1,)]

    add_copy(seed_drop, "mirror")
    assert run_ingest(seed_drop)["accepted"] == 1
    assert query(
        "select count(distinct copy_group) from articles "
        f"where source_file in ('{REUTERS}', 'mirror.txt')"
    ) == [(1,)]
    assert query("select articles, copies from stories") == [(6, 2)]

    from presswatch.flows.maintenance import compaction

    compaction(str(run_ingest.data))
    story_files = [p.name for p in Lake(run_ingest.data).files("story_index")]
    held = manifest(run_ingest.data)
    assert held["rows"] == 6 and set(held["files"]) <= set(story_files)
    assert len(held["files"]) == 1  # the compacted file, trusted by the next run

    add_copy(seed_drop, "mirror-2")
    assert run_ingest(seed_drop)["accepted"] == 1
    assert query("select articles, copies from stories") == [(7, 3)]
    assert manifest(run_ingest.data)["segments"][: len(held["segments"])] == held["segments"]


@pytest.mark.parametrize("damage", ["names a file the lake lacks", "a segment is truncated"])
def test_segments_that_do_not_hold_what_the_lake_holds_are_rebuilt(
    run_ingest, seed_drop, query, monkeypatch, damage
):
    monkeypatch.setenv("PRESSWATCH_BATCH_SIZE", "1")
    monkeypatch.setattr(story_store, "FLUSH_ROWS", 2)
    run_ingest(seed_drop)
    folder = segments_folder(Lake(run_ingest.data))
    held = manifest(run_ingest.data)
    if damage == "a segment is truncated":
        (folder / held["segments"][0] / "signatures.npy").write_bytes(b"\x93NUMPY")
    else:
        held["files"].append("20990101T000000000000Z-gone.parquet")
        (folder / MANIFEST).write_text(json.dumps(held))

    with Lake(run_ingest.data).locked() as lake:
        rebuilt = StoryStore.load(lake)
    assert len(rebuilt.index) == 5  # every file read again, and frozen anew
    again = manifest(run_ingest.data)
    assert again["rows"] == 5 and len(again["files"]) == 5  # the lake's five files, no other
    add_copy(seed_drop, "mirror")
    assert run_ingest(seed_drop)["accepted"] == 1
    assert query("select articles, copies from stories") == [(6, 2)]


def test_a_rebuild_freezes_the_lake_in_segments_and_names_its_files_only_at_the_end(
    run_ingest, seed_drop, query, monkeypatch
):
    monkeypatch.setenv("PRESSWATCH_BATCH_SIZE", "1")
    run_ingest(seed_drop)  # five batches, nothing frozen: FLUSH_ROWS is far off
    folder = segments_folder(Lake(run_ingest.data))
    assert not (folder / MANIFEST).exists()
    monkeypatch.setattr(story_store, "FLUSH_ROWS", 2)
    with Lake(run_ingest.data).locked() as lake:
        store = StoryStore.load(lake)
    assert len(store.index) == 5 and len(store.index) == store.index.start  # all frozen
    assert manifest(run_ingest.data)["rows"] == 5
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == sorted(
        manifest(run_ingest.data)["segments"]
    )  # what the merges replaced is gone
    add_copy(seed_drop, "mirror")
    assert run_ingest(seed_drop)["accepted"] == 1
    assert query("select articles, copies from stories") == [(6, 2)]


def test_the_rollup_key_set_says_first_seen_exactly_as_a_set_does():
    import numpy as np

    from presswatch.stories.segments import KeySet

    rng = np.random.default_rng(5)
    frozen = np.unique(rng.integers(0, 5_000, 300))
    keys, seen = KeySet([frozen]), set(frozen.tolist())
    for size in [1, 7, 300, 2, 1_000, 50, 3, 400, 9] * 3:  # levels of many sizes, merged
        batch = np.unique(rng.integers(0, 5_000, size))
        assert keys.first_seen(batch).tolist() == [k not in seen for k in batch.tolist()]
        seen |= set(batch.tolist())
        for level in keys.added:
            assert (np.diff(level) > 0).all()  # each level sorted, no key twice
    assert len(keys.added) < 10
    assert keys.held().tolist() == sorted(seen - set(frozen.tolist()))
