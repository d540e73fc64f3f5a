"""The ingest flow: publish the views, then one pass over a drop folder in committed batches."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from presswatch import compute, pipeline
from presswatch.lake.ledger import Ledger
from presswatch.lake.storage import Folder, is_remote
from presswatch.lake.tables import Lake, new_batch_id, utc_now
from presswatch.model import InputFile
from presswatch.pipeline import Run
from presswatch.progress import Progress
from presswatch.sandbox import Extractors
from presswatch.settings import Settings
from presswatch.sources import discover, intake
from presswatch.sources.clean_source import clean_sources
from presswatch.sources.streams import Stream, is_stream
from presswatch.stories.store import StoryStore
from presswatch.warehouse.publish import publish

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
validate = stage(pipeline.validate, "validate")
find_entities = stage(pipeline.find_entities, "entities")
group_stories = stage(pipeline.group_stories, "stories")
commit = stage(pipeline.commit, "commit")
publish_views = stage(publish, "publish")
# The same stages on a Dask cluster, a part of the batch per task (presswatch.compute).
extract_part = task(compute.extract_part, name="extract", cache_policy=NO_CACHE)
entities_part = task(compute.entities_part, name="entities", cache_policy=NO_CACHE)


def task_runner(settings: Settings | None = None):
    """Dask's task runner on the scheduler the settings name (PRESSWATCH_DASK_ADDRESS, read when
    the flows are imported), else Prefect's default: the CPU stages then use this machine's
    cores (presswatch.sandbox). Another address: `ingest.with_options(task_runner=...)`."""
    address = (settings or Settings.from_env()).dask_address
    if not address:
        return None
    from prefect_dask import DaskTaskRunner

    return DaskTaskRunner(address=address)


@flow(name="presswatch-ingest", task_runner=task_runner())
def ingest(drop: str, data: str | None = None, views: str | None = None) -> dict:
    """Ingest every ready file of `drop` not yet in the ledger; returns the run's counts.
    `drop` and `data` are local paths or s3://bucket/prefix URLs; `views` the views file."""
    settings = Settings.from_env(data=data, views=views)
    drop_path = existing_folder(drop)
    with (
        Lake(settings.data).locked() as lake,
        Extractors(settings.limits, settings.extract_processes) as extractors,
    ):
        publish_views(lake.data, settings.views or None)  # first: users can query at once
        run = Run(lake, Ledger.load(lake), StoryStore.load(lake), drop_path, settings, extractors)
        found = find_ready(drop_path, run.ledger, settings.min_file_age, excluded_folders(run))
        summary = pipeline.BatchSummary(
            files=found.unchanged, unchanged=found.unchanged, waiting=found.waiting
        )
        logger.info("%d new or changed files in %s", len(found.ready), drop)
        summary.add(ingest_files(run, found.ready, show_progress=True))
        summary.set_aside = list(lake.set_aside)
    create_markdown_artifact(summary.to_markdown(), key="presswatch-ingest",
                             description=f"What this run did with {drop}")  # fmt: skip
    return summary.as_dict()


def ingest_files(
    run: Run, ready: list[InputFile], show_progress: bool = False
) -> pipeline.BatchSummary:
    """Pages in batches (of batch_size files, max_batch_bytes bytes), streams in chunks; each
    batch committed on its own."""
    settings, summary = run.settings, pipeline.BatchSummary()
    pages = [f for f in ready if not is_stream(f) or f.refusal]  # refused: never opened
    batches = list(in_batches(pages, settings.batch_size, settings.max_batch_bytes))
    progress = (
        Progress("ingest", len(pages), "files") if show_progress and len(batches) > 1 else None
    )
    streams = [f for f in ready if is_stream(f) and not f.refusal]
    for files in batches:
        started = time.monotonic()
        loaded = load_files(files, run.ledger, settings.limits)
        streams += loaded.streams
        result = ingest_batch(run, loaded, started)
        logger.debug("batch: %s", result.describe())
        if progress:
            progress.advance(len(files), f"{summary.accepted + result.accepted} articles")
        summary.add(result)
    if progress:
        progress.finish()
    for item in streams:
        summary.add(ingest_stream(run, item))
    return summary


def ingest_stream(run: Run, item: InputFile) -> pipeline.BatchSummary:
    """A streamed input, one committed batch per chunk of its records."""
    summary = pipeline.BatchSummary()
    try:
        content_hash = hash_file(item)
    except intake.Refused as exc:  # swapped for a link or a pipe since the scan
        refused = replace(item, refusal=(exc.reason, str(exc)))
        return ingest_batch(run, load_files([refused], run.ledger), time.monotonic())
    except OSError as exc:
        logger.warning("cannot read %s: %s", item.source_file, exc)
        return summary  # gone: the next scan tries again
    with Stream(item, run.settings.limits) as stream, \
            Progress(item.source_file, item.size, "MB", scale=1e6) as bar:  # fmt: skip
        while True:
            started = time.monotonic()
            loaded = load_stream(stream, content_hash, run.ledger, run.settings.batch_size)
            result = ingest_batch(run, loaded, started)
            logger.debug("%s: %s", item.source_file, result.describe())
            summary.add(result)
            bar.update(stream.position(), f"{summary.accepted} articles")
            if loaded.finished:
                return summary


def ingest_batch(run: Run, loaded: pipeline.Loaded, started: float) -> pipeline.BatchSummary:
    """What was read -> extract -> validate -> enrich -> write, committed as one batch."""
    settings, limits, now = run.settings, run.settings.limits, utc_now()
    batch_id = new_batch_id(now)
    if settings.dask_address:
        rows, unextracted = on_cluster(extract_part, loaded.documents, limits)
    else:
        rows, unextracted = extract_documents(run.extractors, loaded.documents, limits)
    accepted, invalid = validate(rows, now)
    entities, unrecognized = ([], [])
    if settings.entities and settings.dask_address:
        entities, unrecognized = on_cluster(entities_part, accepted, limits.max_ner_chars)
    elif settings.entities:
        entities, unrecognized = find_entities(
            accepted, settings.ner_processes, limits.max_ner_chars
        )
    accepted, story_rows, ungrouped = group_stories(
        run.stories.index, pipeline.without(accepted, unrecognized), entities
    )
    rejected = loaded.rejections + unextracted + invalid + unrecognized + ungrouped
    result = commit(run.lake, run.ledger, loaded, accepted, rejected, entities, story_rows,
                    run.stories.index.seen, batch_id, now)  # fmt: skip
    run.stories.written(batch_id, len(story_rows))
    clean_sources(settings.clean_source, below(run.drop, settings.processed_dir),
                  below(run.drop, settings.rejected_dir), loaded, accepted, rejected)  # fmt: skip
    result.seconds = time.monotonic() - started
    return result


def on_cluster(part_task, items: list, *args) -> tuple[list, list]:
    """part_task on each part of `items` on the flow's task runner (Dask's), results in order.
    Not quoted as the in-process stages are: Dask rebuilds a quote as a plain tuple, and a part
    is small enough for Prefect to walk."""
    futures = [part_task.submit(part, *args) for part in compute.parts(items)]
    results = [future.result() for future in futures]
    return [row for rows, _ in results for row in rows], [r for _, bad in results for r in bad]


def in_batches(files: list[InputFile], count: int, size: int) -> Iterator[list[InputFile]]:
    """Consecutive groups of at most `count` files and (unless one file alone is larger)
    `size` bytes."""
    batch, held = [], 0
    for item in files:
        if batch and (len(batch) >= count or held + item.size > size):
            yield batch
            batch, held = [], 0
        batch.append(item)
        held += item.size
    if batch:
        yield batch


def existing_folder(drop: str) -> Path | str:
    """The drop folder: a local folder that must exist, or a bucket's prefix (s3://...)."""
    if is_remote(drop):
        return Folder(drop).url
    path = Path(drop)
    if not path.is_dir():
        raise FileNotFoundError(f"drop folder {drop!r} does not exist or is not a folder")
    return path


def excluded_folders(run: Run) -> tuple[Path, ...]:
    """Folders under the drop folder that hold no inputs: the data and the moved files."""
    return (run.lake.data, below(run.drop, run.settings.processed_dir),
            below(run.drop, run.settings.rejected_dir))  # fmt: skip


def below(folder: Path | str, name: str) -> Path | str:
    """`name` inside a drop folder, local or in a bucket."""
    return f"{folder}/{name}" if is_remote(folder) else Path(folder) / name
