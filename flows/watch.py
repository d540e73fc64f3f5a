"""The watch flow: one long-running flow run; each micro-batch of arrivals is a few task runs."""

from __future__ import annotations

import logging

from prefect import flow

from presswatch.flows.ingest import (
    excluded_folders,
    existing_folder,
    ingest_files,
    publish_views,
    task_runner,
)
from presswatch.lake.ledger import Ledger
from presswatch.lake.storage import is_remote
from presswatch.lake.tables import Lake
from presswatch.pipeline import BatchSummary, Run, warm_up
from presswatch.sandbox import Extractors
from presswatch.settings import Settings
from presswatch.sources.arrivals import Arrivals, Listing, stop_on_signals
from presswatch.stories.store import StoryStore

logger = logging.getLogger("presswatch")


@flow(name="presswatch-watch", task_runner=task_runner())
def watch(drop: str, data: str | None = None, views: str | None = None) -> dict:
    """Ingest files as they arrive, until SIGINT or SIGTERM; returns the run's counts.

    The writer lock is held per micro-batch only, so `ingest` runs and other watchers interleave.
    """
    settings = Settings.from_env(data=data, views=views)
    drop_path = existing_folder(drop)
    lake = Lake(settings.data)
    with Extractors(settings.limits, settings.extract_processes) as extractors:
        # The first arrival should not wait seconds for imports, models and extractors.
        extractors.start()
        warm_up(settings.entities)
        with lake.locked():
            run = Run(lake, Ledger.load(lake), StoryStore.load(lake), drop_path, settings,
                      extractors)  # fmt: skip
            publish_views(lake.data, settings.views or None)
        return watch_arrivals(run)


def watch_arrivals(run: Run) -> dict:
    settings, stop, summary = run.settings, stop_on_signals(), BatchSummary()
    excluded, known = excluded_folders(run), run.ledger.is_unchanged
    if is_remote(run.drop):  # a bucket sends no events: list it
        arrivals = Listing(run.drop, excluded, known, settings.min_file_age, settings.list_interval)
    else:
        arrivals = Arrivals(run.drop, excluded, known, settings.min_file_age,
                            settings.rescan_interval)  # fmt: skip
    with arrivals:
        logger.info("watching %s; Ctrl-C stops", run.drop)
        while not stop.is_set():
            ready = arrivals.next_batch(
                settings.max_files_per_trigger, settings.trigger_interval, stop
            )
            if not ready:
                continue
            damaged = len(run.lake.set_aside)
            with run.lake.locked():
                if len(run.lake.set_aside) > damaged:  # the ledger forgot a damaged batch
                    run.ledger = Ledger.load(run.lake)
                run.ledger.refresh(run.lake)  # another process may have taken some of them
                run.stories = run.stories.refresh(run.lake)
                fresh = [f for f in ready if not run.ledger.is_unchanged(f)]
                result = ingest_files(run, fresh)
            logger.info("micro-batch: %s", result.describe())
            summary.add(result)
    summary.set_aside = list(run.lake.set_aside)
    logger.info("stopped: %s", summary.describe())
    return summary.as_dict()
