"""The story index kept in step with the lake's story_index files, across batches and processes.

The lake's story_index files are the truth; the frozen segments (presswatch.stories.segments)
are a cache of them that a run maps instead of reading: `manifest.json` names the segments, in
row order, and the story_index files they hold. A run opens the segments, then reads only the
files written since (another writer's batches, or its own since the last flush). When
FLUSH_ROWS rows are held in memory they are frozen into a new segment, and neighbours of like
size merge (a binary counter: at most log2(n / FLUSH_ROWS) segments, each row rewritten as
often). A manifest naming a file the lake no longer has (a compaction merged it without
saying so, a damaged batch was set aside) is not trusted: the index is rebuilt from the files.

The segments live in DATA/story_segments for a local lake, in this user's cache for a lake in
a bucket ($PRESSWATCH_CACHE, else ~/.cache/presswatch: they are memory-mapped, so they must be
local files). Call under the lake's lock.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from presswatch.lake.rollups import ARTICLE_COLUMNS, ENTITY_COLUMNS, pair_keys, rollups
from presswatch.lake.tables import EMPTY_FILE, Lake
from presswatch.progress import Progress
from presswatch.stories.cluster import StoryIndex
from presswatch.stories.copies import to_signature
from presswatch.stories.segments import Segment, freeze, merge

logger = logging.getLogger(__name__)

FLUSH_ROWS = 5_000  # rows held in memory before they are frozen: the most a run reads at start
MANIFEST = "manifest.json"
FORMAT = 2  # 2: segments hold the rollups' pair keys
DONE = "rollup_outlet"  # a batch has rollups once it has this file (written last)


def segments_folder(lake: Lake) -> Path:
    """Where this lake's segments are: beside the lake, or in the user's cache for a bucket."""
    if not lake.folder.remote:
        return Path(lake.folder.root) / "story_segments"
    cache = os.environ.get("PRESSWATCH_CACHE") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "presswatch"
    )
    digest = hashlib.sha256(lake.folder.url.encode()).hexdigest()[:16]
    return Path(cache) / "story_segments" / digest


@dataclass
class StoryStore:
    index: StoryIndex
    folder: Path
    files_known: set[str] = field(default_factory=set)  # story_index files in the index
    frozen_files: set[str] = field(default_factory=set)  # ... of which the segments hold these
    committed_rows: int = 0  # rows of committed batches: more in memory means a batch failed
    manifest: str = ""  # the manifest as last read or written: another writer may change it

    @classmethod
    def load(cls, lake: Lake) -> StoryStore:
        """The index of every committed article (call under the lake's lock, after recovery)."""
        folder = segments_folder(lake)
        paths = [p for p in lake.files("story_index") if p.name != EMPTY_FILE]
        names = {p.name for p in paths}
        segments, frozen = _open(folder, names)
        if not segments:
            (folder / MANIFEST).unlink(missing_ok=True)  # not trusted: rebuilt below
        delta = sorted((p for p in paths if p.name not in frozen), key=lambda p: p.name)
        index = StoryIndex(segments=segments)
        store = cls(index, folder, set(frozen), set(frozen), len(index), _read_manifest(folder))
        _remove_unlisted(folder, {s.folder.name for s in segments})
        tables = [lake.read_table("story_index", paths=[p]) for p in delta]
        total = sum(len(t) for t in tables)
        progress = Progress("story index: freezing stored articles", total, "articles")
        flushed, files = False, _batch_files(lake) if delta else {}
        for entry, table in zip(delta, tables, strict=True):  # in commit order (batch ids)
            store._learn_pairs(lake, entry.stem, files)
            for start in range(0, len(table), FLUSH_ROWS):
                for row in table.slice(start, FLUSH_ROWS).to_pylist():  # memory: one slice
                    store.index._remember(row, add_signature=to_signature(row["signature"]))
                store.committed_rows = len(store.index)
                if len(store.index) - store.index.start >= FLUSH_ROWS:
                    store.flush(save=False)  # a rebuild (once), or the rows of a long gap
                    flushed = True
                    progress.advance(FLUSH_ROWS)
        store.files_known = names
        if flushed:  # the manifest names the files only once the segments hold all of them
            store.flush(save=False)
            store._save(store.index.segments, names)
            store.frozen_files = set(names)
            progress.update(total)
            progress.finish()
        return store

    def refresh(self, lake: Lake) -> StoryStore:
        """This store with the story_index files that appeared since (another writer's
        batches) added, or a reloaded one when files it holds are gone (a compaction)."""
        paths = [p for p in lake.files("story_index") if p.name != EMPTY_FILE]
        names = {p.name for p in paths}
        if not self.files_known <= names or _read_manifest(self.folder) != self.manifest:
            logger.info("story index changed on disk (a compaction, another writer); reopening")
            return StoryStore.load(lake)
        new = sorted((p for p in paths if p.name not in self.files_known), key=lambda p: p.name)
        files = _batch_files(lake) if new else {}
        for entry in new:
            self._learn_pairs(lake, entry.stem, files)
            for row in lake.read_table("story_index", paths=[entry]).to_pylist():
                self.index._remember(row, add_signature=to_signature(row["signature"]))
        if new:
            self.files_known |= {p.name for p in new}
            self.committed_rows = len(self.index)
        return self

    def _learn_pairs(self, lake: Lake, batch: str, files: dict[str, dict]) -> None:
        """Hold the rollup pair keys of a committed batch (presswatch.lake.rollups), in commit
        order. A batch without rollups (written before them) gets them here, first: counted
        against the batches before it, as its ingest would have."""
        name = f"{batch}.parquet"
        if name not in files["articles"]:
            return
        articles = lake.read_table("articles", ARTICLE_COLUMNS, paths=[files["articles"][name]])
        entities = None
        if name in files["entities"]:
            entities = lake.read_table("entities", ENTITY_COLUMNS, paths=[files["entities"][name]])
        if name in files[DONE]:
            self.index.seen.add(pair_keys(articles, entities))
            return
        logger.info("coverage rollups: computing those of batch %s", batch)
        tables = rollups(articles, entities, self.index.seen, batch)
        for table in sorted(tables, key=lambda t: t == DONE):  # DONE last: it marks them all
            lake.write_file(table, batch, tables[table])

    def written(self, batch_id: str, rows: int) -> None:
        """Our own batch committed `rows` index rows, in memory already (its file exists when
        rows > 0); freeze what memory holds once it is FLUSH_ROWS."""
        if rows:
            self.files_known.add(f"{batch_id}.parquet")
        self.committed_rows += rows
        if len(self.index) - self.index.start >= FLUSH_ROWS:
            self.flush()

    def flush(self, save: bool = True) -> None:
        """Freeze the rows held in memory into a segment, merge like-sized neighbours, and
        name the result in the manifest (unless not `save`: a load that is still reading);
        the index then holds nothing in memory."""
        index = self.index
        if len(index) == index.start:
            return
        if len(index) != self.committed_rows:  # rows of a batch that never committed
            logger.warning("story index: not freezing rows of an uncommitted batch")
            return
        segments = [*index.segments, freeze(index.in_memory_rows(), index.start, self._new())]
        while len(segments) >= 2 and segments[-2].rows <= segments[-1].rows:
            newer, older = segments.pop(), segments.pop()
            segments.append(merge(older, newer, self._new()))
        self.index = StoryIndex(segments=segments)
        if save:
            self._save(segments, self.files_known)
            self.frozen_files = set(self.files_known)
        logger.debug("story index: %d rows in %d segments", len(self.index), len(segments))

    def replaced(self, merged: set[str], new: str) -> None:
        """A compaction merged the story_index files `merged` into `new` (after a flush: the
        segments hold them all): say so in the manifest, so the next run trusts it."""
        if not merged or not merged <= self.frozen_files:
            return  # the next load rebuilds from the files
        self.files_known = (self.files_known - merged) | {new}
        self.frozen_files = (self.frozen_files - merged) | {new}
        self._save(self.index.segments, self.frozen_files)

    def _new(self) -> Path:
        return self.folder / f"segment-{uuid.uuid4().hex[:12]}"

    def _save(self, segments: list[Segment], files: set[str]) -> None:
        manifest = {
            "format": FORMAT,
            "segments": [s.folder.name for s in segments],
            "rows": sum(s.rows for s in segments),
            "files": sorted(files),
        }
        self.manifest = json.dumps(manifest)
        tmp = self.folder / f"{MANIFEST}.{os.getpid()}.tmp"
        tmp.write_text(self.manifest)
        os.replace(tmp, self.folder / MANIFEST)  # the switch: old segments unused from here
        _remove_unlisted(self.folder, set(manifest["segments"]))


def _batch_files(lake: Lake) -> dict[str, dict]:
    return {t: {e.name: e for e in lake.files(t)} for t in ("articles", "entities", DONE)}


def _read_manifest(folder: Path) -> str:
    try:
        return (folder / MANIFEST).read_text()
    except OSError:
        return ""


def _open(folder: Path, files: set[str]) -> tuple[list[Segment], set[str]]:
    """The manifest's segments and the files they hold, when it can be trusted; else none."""
    text = _read_manifest(folder)
    if not text:
        return [], set()
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        logger.warning("story index: unreadable manifest in %s (%s); rebuilding", folder, exc)
        return [], set()
    held = set(manifest.get("files", []))
    if manifest.get("format") != FORMAT or not held <= files:
        logger.info("story index: its segments hold files the lake no longer has; rebuilding")
        return [], set()
    try:
        segments = [Segment.open(folder / name) for name in manifest["segments"]]
    except (OSError, ValueError, KeyError) as exc:
        logger.warning("story index: a segment in %s cannot be read (%s); rebuilding", folder, exc)
        return [], set()
    starts = [s.start for s in segments]
    if starts != [sum(s.rows for s in segments[:i]) for i in range(len(segments))]:
        logger.warning("story index: segments in %s do not follow each other; rebuilding", folder)
        return [], set()
    return segments, held


def _remove_unlisted(folder: Path, keep: set[str]) -> None:
    """Delete segment folders the manifest does not name (replaced, or left by a crash)."""
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        return
    for entry in folder.iterdir():
        if entry.is_dir() and entry.name.startswith("segment-") and entry.name not in keep:
            shutil.rmtree(entry, ignore_errors=True)
