"""The maintenance flow: compact the lake's small batch files while readers keep reading."""

from __future__ import annotations

import logging

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from presswatch.lake.compact import compact
from presswatch.lake.tables import Lake
from presswatch.settings import Settings
from presswatch.stories.store import StoryStore

logger = logging.getLogger("presswatch")

compact_lake = task(compact, name="compact", cache_policy=NO_CACHE)


@flow(name="presswatch-compact")
def compaction(data: str | None = None) -> dict:
    """Merge the data directory's batch files, one file per table; returns what was merged."""
    settings = Settings.from_env(data=data)
    with Lake(settings.data).locked() as lake:
        stories = StoryStore.load(lake)
        stories.flush()  # its segments then hold every story_index file the compaction merges
        result = compact_lake(lake)
        if result.batch_id:
            merged = set(result.merged.get("story_index", []))
            stories.replaced(merged, f"{result.batch_id}.parquet")
    logger.debug("compacted %d files, %d rows", result.merged_files, result.rows)
    return {k: v for k, v in vars(result).items() if k != "merged"}
