"""The ingest flow: one pass over a drop folder, in batches, then publish the views."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from presswatch import discover, pipeline
from presswatch.lake import Lake, new_batch_id, utc_now
from presswatch.ledger import Ledger
from presswatch.settings import Settings
from presswatch.validate import validate_articles
from warehouse.publish import publish

logger = logging.getLogger("presswatch")

# Stages run as task runs (about 5 ms each); inputs are large and in-process, so never cached.
find_ready = task(discover.find_ready, name="discover", cache_policy=NO_CACHE)
load_files = task(pipeline.load_files, name="load", cache_policy=NO_CACHE)
extract_documents = task(pipeline.extract_documents, name="extract", cache_policy=NO_CACHE)
validate = task(validate_articles, name="validate", cache_policy=NO_CACHE)
commit = task(pipeline.commit, name="commit", cache_policy=NO_CACHE)
publish_views = task(publish, name="publish", cache_policy=NO_CACHE)


@flow(name="presswatch-ingest")
def ingest(drop: str, data: str | None = None) -> dict:
    """Ingest every ready file of `drop` not yet in the ledger; returns the run's counts."""
    settings = Settings.from_env(data=data)
    drop_path = Path(drop)
    if not drop_path.is_dir():
        raise FileNotFoundError(f"drop folder {drop!r} does not exist or is not a folder")
    with Lake(settings.data).locked() as lake:
        ledger = Ledger.load(lake)
        found = find_ready(drop_path, ledger, settings.min_file_age, (lake.data,))
        ready = found.ready
        batches = [ready[i : i + settings.batch_size] for i in range(0, len(ready), settings.batch_size)]
        summary = pipeline.BatchSummary(files=found.unchanged, unchanged=found.unchanged)
        logger.info("%d new or changed files in %s, %d batches", len(ready), drop, len(batches))
        for number, files in enumerate(batches, 1):
            started, now = time.monotonic(), utc_now()
            loaded = load_files(files, ledger, settings.max_file_bytes)
            rows, rejected = extract_documents(loaded.documents)
            accepted, failed = validate(rows, now)
            batch_id = new_batch_id(now)
            result = commit(lake, ledger, loaded, accepted, loaded.rejections + rejected + failed,
                            batch_id, now)  # fmt: skip
            summary.add(result)
            logger.info(
                "batch %d/%d: %d files, %d accepted, %d quarantined, %d duplicates (%.1f s)",
                number, len(batches), len(files), result.accepted, result.quarantined,
                result.duplicates, time.monotonic() - started,
            )  # fmt: skip
        publish_views(lake.data)
    return {**vars(summary), "reasons": dict(summary.reasons), "waiting": found.waiting}
