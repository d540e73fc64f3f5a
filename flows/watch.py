"""The watch flow: one long-running flow run; each micro-batch of arrivals is a few task runs."""

from __future__ import annotations

import logging

from prefect import flow
from presswatch.flows.ingest import excluded_folders, existing_folder, ingest_files, publish_views

from presswatch.arrivals import Arrivals, stop_on_signals
from presswatch.lake import Lake
from presswatch.ledger import Ledger
from presswatch.pipeline import BatchSummary, warm_up
from presswatch.settings import Settings
from presswatch.stories.store import StoryStore

logger = logging.getLogger("presswatch")


@flow(name="presswatch-watch")
def watch(drop: str, data: str | None = None) -> dict:
    """Ingest files as they arrive, until SIGINT or SIGTERM; returns the run's counts.

    The writer lock is held per micro-batch only, so `ingest` runs and other watchers interleave.
    """
    settings = Settings.from_env(data=data)
    drop_path = existing_folder(drop)
    lake = Lake(settings.data)
    warm_up(
        settings.entities
    )  # the first arrival should not wait seconds for imports and model loading
    with lake.locked():
        ledger, stories = Ledger.load(lake), StoryStore.load(lake)
        publish_views(lake.data)
    stop = stop_on_signals()
    summary = BatchSummary()
    excluded = excluded_folders(drop_path, settings, lake)
    with Arrivals(
        drop_path, excluded, ledger.is_unchanged, settings.min_file_age, settings.rescan_interval
    ) as arrivals:
        logger.info("watching %s; Ctrl-C stops", drop_path)
        while not stop.is_set():
            ready = arrivals.next_batch(
                settings.max_files_per_trigger, settings.trigger_interval, stop
            )
            if not ready:
                continue
            with lake.locked():
                ledger.refresh(lake)  # another process may have taken some of them
                stories = stories.refresh(lake)
                fresh = [f for f in ready if not ledger.is_unchanged(f)]
                result = ingest_files(lake, ledger, stories, fresh, drop_path, settings)
            logger.info("micro-batch: %s", result.describe())
            summary.add(result)
    logger.info("stopped: %s", summary.describe())
    return summary.as_dict()
