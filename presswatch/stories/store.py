"""The story index kept in step with the lake's story_index files, across batches and processes."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from presswatch.lake.tables import EMPTY_FILE, Lake
from presswatch.stories.cluster import StoryIndex

logger = logging.getLogger(__name__)


@dataclass
class StoryStore:
    index: StoryIndex
    files_known: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, lake: Lake) -> StoryStore:
        """The index of every committed article (call under the lake's lock, after recovery)."""
        paths = [p for p in lake.files("story_index") if p.name != EMPTY_FILE]
        rows = lake.read_table("story_index", paths=paths).to_pylist() if paths else []
        return cls(StoryIndex.from_rows(rows), {p.name for p in paths})

    def refresh(self, lake: Lake) -> StoryStore:
        """This store, or a reloaded one when files appeared that this process did not write
        (another writer's batches, a compaction)."""
        names = {p.name for p in lake.files("story_index") if p.name != EMPTY_FILE}
        if names <= self.files_known:
            return self
        logger.info("story index changed on disk; reloading it")
        return StoryStore.load(lake)

    def written(self, batch_id: str) -> None:
        """Our own batch's rows are in memory already: remember their file as known."""
        self.files_known.add(f"{batch_id}.parquet")
