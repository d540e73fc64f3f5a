"""The ingest flow: publish the views, then one pass over a drop folder in committed batches."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote
from presswatch.warehouse.publish import publish

from presswatch import discover, pipeline
from presswatch.clean_source import clean_sources
from presswatch.lake import Lake, new_batch_id, utc_now
from presswatch.ledger import Ledger
from presswatch.model import InputFile
from presswatch.progress import Progress
from presswatch.settings import Settings
from presswatch.stories.store import StoryStore
from presswatch.streams import Stream, is_stream
from presswatch.validate import validate_articles

logger = logging.getLogger("presswatch")


def stage(function: Callable, name: str) -> Callable:
    """A pipeline function as a task run (about 5 ms each). Inputs are large and in-process, so
    never cached, and quoted: Prefect would otherwise walk every row, ledger entry and index
    entry of every argument looking for futures (measured: 5 ms per article, growing with the
    ledger)."""
    run = task(function, name=name, cache_policy=NO_CACHE)

    @functools.wraps(function)
    def call(*args, **kwargs):
        return run(*map(quote, args), **{key: quote(value) for key, value in kwargs.items()})

    return call


find_ready = stage(discover.find_ready, "discover")
load_files = stage(pipeline.load_files, "load")
hash_file = stage(pipeline.hash_file, "hash")
load_stream = stage(pipeline.load_stream, "load-stream")
extract_documents = stage(pipeline.extract_documents, "extract")
validate = stage(validate_articles, "validate")
find_entities = stage(pipeline.find_entities, "entities")
group_stories = stage(pipeline.group_stories, "stories")
commit = stage(pipeline.commit, "commit")
publish_views = stage(publish, "publish")


@flow(name="presswatch-ingest")
def ingest(drop: str, data: str | None = None) -> dict:
    """Ingest every ready file of `drop` not yet in the ledger; returns the run's counts."""
    settings = Settings.from_env(data=data)
    drop_path = existing_folder(drop)
    with Lake(settings.data).locked() as lake:
        publish_views(lake.data)  # first: users can query while a long first pass runs
        ledger, stories = Ledger.load(lake), StoryStore.load(lake)
        excluded = excluded_folders(drop_path, settings, lake)
        found = find_ready(drop_path, ledger, settings.min_file_age, excluded)
        summary = pipeline.BatchSummary(
            files=found.unchanged, unchanged=found.unchanged, waiting=found.waiting
        )
        logger.info("%d new or changed files in %s", len(found.ready), drop)
        summary.add(
            ingest_files(
                lake, ledger, stories, found.ready, drop_path, settings, show_progress=True
            )
        )
    create_markdown_artifact(summary.to_markdown(), key="presswatch-ingest",
                             description=f"What this run did with {drop}")  # fmt: skip
    return summary.as_dict()


def ingest_files(
    lake: Lake,
    ledger: Ledger,
    stories: StoryStore,
    ready: list[InputFile],
    drop: Path,
    settings: Settings,
    show_progress: bool = False,
) -> pipeline.BatchSummary:
    """Pages in batches of batch_size, streams in chunks; each batch committed on its own."""
    summary = pipeline.BatchSummary()
    pages = [f for f in ready if not is_stream(f)]
    size = settings.batch_size
    batches = [pages[i : i + size] for i in range(0, len(pages), size)]
    progress = (
        Progress("ingest", len(pages), "files") if show_progress and len(batches) > 1 else None
    )
    for files in batches:
        started = time.monotonic()
        loaded = load_files(files, ledger, settings.max_file_bytes)
        result = ingest_batch(lake, ledger, stories, loaded, drop, settings, started)
        logger.debug("batch: %s", result.describe())
        if progress:
            progress.advance(len(files), f"{summary.accepted + result.accepted} articles")
        summary.add(result)
    if progress:
        progress.finish()
    for item in (f for f in ready if is_stream(f)):
        content_hash = hash_file(item)
        with Stream(item) as stream, Progress(item.source_file, item.size, "MB", scale=1e6) as bar:
            while True:  # one committed batch per chunk of the stream's records
                started = time.monotonic()
                loaded = load_stream(stream, content_hash, ledger, size)
                result = ingest_batch(lake, ledger, stories, loaded, drop, settings, started)
                logger.debug("%s: %s", item.source_file, result.describe())
                summary.add(result)
                if loaded.finished:
                    bar.update(item.size, f"{summary.accepted} articles")
                    break
                bar.update(loaded.progress[item.source_file][1], f"{summary.accepted} articles")
    return summary


def ingest_batch(
    lake: Lake,
    ledger: Ledger,
    stories: StoryStore,
    loaded: pipeline.Loaded,
    drop: Path,
    settings: Settings,
    started: float,
) -> pipeline.BatchSummary:
    """What was read -> extract -> validate -> enrich -> write, committed as one batch."""
    now = utc_now()
    batch_id = new_batch_id(now)
    rows, unextracted = extract_documents(loaded.documents)
    accepted, invalid = validate(rows, now)
    entities = find_entities(accepted, settings.ner_processes) if settings.entities else []
    accepted, story_rows = group_stories(stories.index, accepted, entities)
    rejected = loaded.rejections + unextracted + invalid
    result = commit(lake, ledger, loaded, accepted, rejected, entities, story_rows, batch_id, now)
    stories.written(batch_id)
    clean_sources(settings.clean_source, drop / settings.processed_dir,
                  drop / settings.rejected_dir, loaded, accepted, rejected)  # fmt: skip
    result.seconds = time.monotonic() - started
    return result


def existing_folder(drop: str) -> Path:
    path = Path(drop)
    if not path.is_dir():
        raise FileNotFoundError(f"drop folder {drop!r} does not exist or is not a folder")
    return path


def excluded_folders(drop: Path, settings: Settings, lake: Lake) -> tuple[Path, ...]:
    """Folders under the drop folder that hold no inputs: the data and the moved files."""
    return (lake.data, drop / settings.processed_dir, drop / settings.rejected_dir)
