"""End-to-end ingest throughput per input format, against the bare cost of its parts.

Each run ingests the corpus pages in one format into fresh lakes, in one process (imports,
models and the Prefect server warm; flow runs set up as `presswatch ingest` sets them): the
`ingest` flow with entities and without; the same stages as plain calls, without entities, GX
validation timed on its own; and the parts alone (the library extractor, the NER model, pyarrow
writing the rows). The flow's time over the plain stages is what Prefect costs (it does not
depend on entities); GX's is its validation call.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from presswatch.bench.inputs import FORMATS, load_pages, make_drop
from presswatch.bench.results import Figure
from presswatch.progress import Progress
from presswatch.temporary_server import local_flow_runs

LABELS = {"text": "text dumps", "html": "HTML pages", "jsonl": "crawler JSONL", "warc": "WARC"}


def bench_throughput(runs: int = 3, formats: tuple[str, ...] = FORMATS) -> list[Figure]:
    pages = load_pages()
    figures = []
    with local_flow_runs(), Progress("throughput", len(formats) * runs, "runs") as progress:
        _warm_up(pages)
        for fmt in formats:
            timings = defaultdict(list)
            for _ in range(runs):
                for name, seconds in _one_run(pages, fmt).items():
                    timings[name].append(seconds)
                progress.advance(note=fmt)
            medians = {name: statistics.median(values) for name, values in timings.items()}
            figures += _figures(fmt, medians, runs)
    return figures


def _one_run(pages: list[dict], fmt: str) -> dict[str, float]:
    """Seconds of the flow with and without entities, of each plain stage (without entities:
    Prefect's cost does not depend on them) and of each part, on one format's drop folder."""
    import os

    import pyarrow.parquet as pq

    from presswatch.flows.ingest import ingest

    with tempfile.TemporaryDirectory(prefix="presswatch-bench-") as folder:
        work = Path(folder)
        drop = make_drop(pages, fmt, work / "drop")
        timings = {}
        for mode in ("on", "off"):
            os.environ["PRESSWATCH_ENTITIES"] = mode
            started = time.perf_counter()
            counts = ingest(str(drop), str(work / mode))
            timings[f"flow, entities {mode}"] = time.perf_counter() - started
        os.environ.pop("PRESSWATCH_ENTITIES")
        timings["articles"] = counts["accepted"]
        stages, accepted = _plain_stages(drop, work / "plain")
        entity_rows = pq.read_table(work / "on" / "lake" / "entities").to_pylist()
        timings.update(stages)
        timings.update(_parts(pages, fmt, accepted, entity_rows, work))
    return timings


def _plain_stages(drop: Path, data: Path) -> tuple[dict, list]:
    """The ingest stages (entities off) called directly, no Prefect: seconds per stage, rows."""
    from presswatch import pipeline
    from presswatch.lake.ledger import Ledger
    from presswatch.lake.tables import Lake, new_batch_id, utc_now
    from presswatch.sandbox import Extractors
    from presswatch.sources import discover
    from presswatch.sources.streams import Stream, is_stream
    from presswatch.stories.store import StoryStore
    from presswatch.validate import validate_articles
    from presswatch.warehouse.publish import publish

    seconds: dict[str, float] = {}

    def timed(stage, run, *args):
        started = time.perf_counter()
        result = run(*args)
        seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - started
        return result

    extractors = Extractors()
    extractors.warm_up()  # as in a run's later batches
    started = time.perf_counter()
    with Lake(data).locked() as lake, extractors:
        timed("publish", publish, lake.data)
        ledger, stories = Ledger.load(lake), StoryStore.load(lake)
        ready = discover.find_ready(drop, ledger, 0).ready
        streams = [f for f in ready if is_stream(f)]
        if streams:
            item = streams[0]
            with Stream(item) as stream:
                loaded = timed("read", pipeline.load_stream, stream, pipeline.hash_file(item),
                               ledger, 10**6)  # fmt: skip
        else:
            loaded = timed("read", pipeline.load_files, ready, ledger)
        now = utc_now()
        rows, unextracted = timed("extract", pipeline.extract_documents, extractors,
                                  loaded.documents)  # fmt: skip
        accepted, invalid = timed("validate (GX)", validate_articles, rows, now)
        grouped, index_rows, _ = timed("stories", pipeline.group_stories, stories.index,
                                       accepted, [])  # fmt: skip
        rejected = loaded.rejections + unextracted + invalid
        timed("write", pipeline.commit, lake, ledger, loaded, grouped, rejected, [],
              index_rows, stories.index.seen, new_batch_id(now), now)  # fmt: skip
    seconds["plain stages, entities off"] = time.perf_counter() - started
    return seconds, accepted


def _parts(pages, fmt, accepted, entity_rows, work: Path) -> dict[str, float]:
    """The parts alone on the same input: the extractor, the NER model, pyarrow's writer."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from presswatch.entities import SEPARATOR
    from presswatch.entities.ner import recognize
    from presswatch.lake.tables import table_schemas, utc_now

    seconds = {}
    started = time.perf_counter()
    if fmt in ("html", "warc"):
        import trafilatura

        for page in pages:
            trafilatura.extract(page["html"].decode("utf-8", "replace"))
    elif fmt == "text":
        from presswatch.extract.textdump import clean_text_dump

        for page in pages:
            clean_text_dump(page["text"].decode("utf-8", "replace"))
    seconds["part: extractor"] = time.perf_counter() - started

    english = [a for a in accepted if (a["language"] or "en").startswith("en")]  # as the stage
    texts = [(a["title"] or "") + SEPARATOR + a["body"] for a in english]
    started = time.perf_counter()
    recognize(texts)  # the model alone, as many processes as the stage would take
    seconds["part: NER model"] = time.perf_counter() - started

    schemas = table_schemas()
    stamp = {"batch_id": "bench", "ingested_at": utc_now()}
    started = time.perf_counter()
    for table, rows in (("articles", accepted), ("entities", entity_rows)):
        rows = [{**{name: row.get(name) for name in schemas[table].names}, **stamp} for row in rows]
        rows = [{name: row[name] for name in schemas[table].names} for row in rows]
        arrow = pa.Table.from_pylist(rows, schema=schemas[table])
        pq.write_table(arrow, work / f"{table}.parquet", compression="zstd")
    seconds["part: pyarrow write"] = time.perf_counter() - started
    return seconds


def _figures(fmt: str, t: dict, runs: int) -> list[Figure]:
    label, n = LABELS[fmt], t["articles"]
    on, off = t["flow, entities on"], t["flow, entities off"]
    parts = {name[6:]: seconds for name, seconds in t.items() if name.startswith("part: ")}
    ms = {name: 1000 * seconds / n for name, seconds in parts.items()}
    without_ner = sum(s for name, s in parts.items() if name != "NER model")
    prefect, gx = max(0.0, off - t["plain stages, entities off"]), t["validate (GX)"]
    stages = ", ".join(
        f"{stage} {1000 * t[stage] / n:.0f}"
        for stage in ("publish", "read", "extract", "validate (GX)", "stories", "write")
    )
    return [
        Figure("throughput", f"{label}, entities on ({n:.0f} articles)", n / on, "articles/s",
               runs, f"{on / sum(parts.values()):.2f}x the time of its parts alone: "
               + ", ".join(f"{name} {value:.0f} ms" for name, value in ms.items())
               + " per article"),
        Figure("throughput", f"{label}, entities off", n / off, "articles/s", runs,
               f"{on / off:.1f}x the speed with entities; {off / without_ner:.2f}x the time of "
               "its parts alone (extractor, write)"),
        Figure("overhead", f"{label}: Prefect + GX share of a flow run",
               100 * (prefect + gx) / on, "%", runs,
               f"{100 * (prefect + gx) / off:.0f}% with entities off; Prefect {prefect:.2f} s "
               f"and GX {gx:.2f} s for the run (one batch); plain stages in ms per article: "
               f"{stages}"),
    ]  # fmt: skip


def _warm_up(pages: list[dict]) -> None:
    """One flow run first: Prefect's temporary server, GX and the model start before the clock."""
    from presswatch.pipeline import warm_up

    warm_up()
    _one_run(pages[:3], "text")
