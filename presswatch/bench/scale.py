"""Scale: the views and the search on a synthetic lake of 100k, 1M, then 10M articles, from one
build.

The figures answer "does the warehouse stay interactive as the lake grows?": a lake of 100k
articles is built and measured, then grown to 1M and measured again, then to 10M (about 33 GB,
and about an hour on 2 cores at the rate measured to 1M; it stops at 1M, saying so, on a
smaller disk), so every size comes from the same files (the 1M lake is the 100k lake plus 900k
more articles). The articles come from presswatch.bench.synthetic.

The lake is written by the pipeline's own writer (presswatch.lake.tables): each batch's table files
with `Lake.write_file`, then `Lake.commit_batch` with its quarantine and ledger rows, which
writes the ledger file last and so commits the batch, as an ingest does (the keyword index,
lake/terms, included). A batch holds 50k articles, so the lake looks compacted (`presswatch
compact`: few large files), not like 5,000 micro-batches of 200: 2 files per table at 100k, 20
at 1M, 200 at 10M.

Queries run on presswatch.duckdb opened read-only, as a user opens it; each is timed as the
median of `runs` after one warm-up run, fetching every row as an Arrow table. The big entity
views are timed as the README queries them (QUERIES); whole, they are exports of millions of
rows, timed only with `exports` (EXPORTS). Run alone: `python -m presswatch.bench.scale
[--exports]`.
"""

from __future__ import annotations

import itertools
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

from presswatch.bench.results import Figure, median_seconds, table
from presswatch.bench.synthetic import (
    BATCH_ARTICLES,
    FILE_RECORDS,
    SEED,
    Pools,
    load_pools,
    make_batch,
)
from presswatch.lake.compact import compact
from presswatch.lake.rollups import rollups
from presswatch.lake.tables import ROLLUP_TABLES, Lake, new_batch_id, utc_now
from presswatch.progress import Progress
from presswatch.stories.segments import KeySet
from presswatch.warehouse.publish import DATABASE, publish

# What a user asks of each view and of the keyword search (the words' shares are of the corpus
# bodies the synthetic articles carry). Most views are read whole; entity_by_date (1.5M rows at 1M
# articles) and the co-occurrences (3.2M pairs) are read as the README queries them, for one
# entity or one day: read whole they are exports, measured only when asked for (EXPORTS).
PUTIN = "'Vladimir Putin'"
QUERIES = {
    "coverage_by_outlet": "select * from coverage_by_outlet",
    "coverage_by_date": "select * from coverage_by_date",
    "coverage_by_entity": "select * from coverage_by_entity",
    "entity_by_date, one entity": (
        f"select * from entity_by_date where name = {PUTIN} order by published_date"
    ),
    "entity_by_date, one day's top 20": (
        "select * from entity_by_date where published_date = date '2025-06-01' "
        "order by articles desc limit 20"
    ),
    "entity_pairs (co-occurrence), one entity's top 10": (
        f"select * from entity_pairs where name = {PUTIN} order by articles desc limit 10"
    ),
    "stories": "select * from stories",
    "stories, the 20 largest": "from stories limit 20",
    "syndication": "select * from syndication",
    "syndication, who republishes one wire most": (
        "select republisher_domain, count(*) as copies from syndication where source = 'Reuters' "
        "group by all order by copies desc limit 10"
    ),
    "search_articles, a word in 3% of articles, top 20": ("from search_articles('korea') limit 20"),
    "search_articles, a phrase in 4% of articles less a word, top 20": (
        "from search_articles('\"white house\" -sports') limit 20"
    ),
    "attention_by_day, that phrase": "from attention_by_day('\"white house\"')",
    "attention by day and outlet, a word in 13%": "from attention('trump')",
    "title ilike '%putin%'": "select count(*) from articles where title ilike '%putin%'",
    "title regexp_matches": (
        "select count(*) from articles where regexp_matches(title, '\\b(trade|tariffs?)\\b', 'i')"
    ),
}
EXPORTS = {
    "entity_by_date, every row": "select * from entity_by_date",
    "entity_cooccurrence, every row": "select * from entity_cooccurrence",
}


SIZES = (100_000, 1_000_000, 10_000_000)


def bench_scale(
    work: Path,
    sizes: tuple[int, ...] = SIZES,
    runs: int = 3,
    *,
    exports: bool = False,
) -> list[Figure]:
    """Grow one lake in `work` through `sizes` articles; time every query at each size
    (and the whole of the big entity views too, with `exports`). Stops early, saying why,
    when the disk cannot hold the next size."""
    data = Path(work) / "scale"
    rng = np.random.default_rng(SEED)
    pools = load_pools(rng)
    queries = QUERIES | (EXPORTS if exports else {})
    figures, timings, built, pairs = [], {}, 0, KeySet()
    for size in sizes:
        if built and not _room_to_grow(data, built, size):
            break
        seconds, entities = grow(data, pools, rng, built, size, pairs)
        figures.append(_build_figure(data, size, size - built, seconds, entities))
        figures.append(_compaction_figure(data, size))
        built = size
        timings[size] = time_queries(data, queries, runs)
    return figures + _query_figures(timings, runs)


def _room_to_grow(data: Path, built: int, size: int) -> bool:
    """Whether the disk holds the lake grown from `built` to `size` articles (at the bytes per
    article so far, plus a tenth); says so on stderr when it does not."""
    needed = _megabytes(data) * 1e6 / built * (size - built) * 1.1
    free = shutil.disk_usage(data).free
    if free >= needed:
        return True
    print(
        f"scale: stopping at {_label(built)} articles: growing to {_label(size)} needs about "
        f"{needed / 1e9:,.0f} GB and {data} has {free / 1e9:,.0f} GB free (set TMPDIR to a "
        "larger disk)",
        file=sys.stderr,
    )
    return False


def _label(size: int) -> str:
    return f"{size / 1e6:g}M" if size >= 1_000_000 else f"{size / 1e3:g}k"


def _build_figure(data: Path, size: int, added: int, seconds: float, entities: int) -> Figure:
    lake = data / "lake"
    megabytes = {t: _megabytes(lake / t) for t in ("articles", "entities", "terms")}
    megabytes["rollups"] = sum(_megabytes(lake / t) for t in ROLLUP_TABLES)
    return Figure(
        "scale",
        f"build to {_label(size)} articles (generate + write), articles/s",
        added / seconds,
        "articles/s",
        compare=(
            f"{added:,} articles, {entities:,} entity rows in {seconds:.1f} s; lake "
            f"{_megabytes(lake):,.0f} MB on disk (articles {megabytes['articles']:,.0f}, "
            f"entities {megabytes['entities']:,.0f}, keyword index {megabytes['terms']:,.0f}, "
            f"rollups {megabytes['rollups']:,.0f}), "
            f"files of {BATCH_ARTICLES:,} articles"
        ),
    )


def _compaction_figure(data: Path, size: int) -> Figure:
    """`presswatch compact`, as the schedule runs it: the batches are full (FULL_ARTICLES in
    presswatch.lake.compact), so it merges the story rollups only, one row per story, and keeps
    the syndication view's rows, which the views then read. Timed once the lock is held: taking
    it first reads every file the bench wrote since (Lake.verify), as any run's would."""
    with Lake(data).locked() as lake:
        started = time.perf_counter()
        result = compact(lake)
        seconds = time.perf_counter() - started
    return Figure(
        "scale",
        f"compaction at {_label(size)} articles (story rollups and syndication: batches full)",
        seconds,
        "s",
        compare=f"{result.merged_files:,} files, {result.rows:,} rollup rows merged",
    )


def _megabytes(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def _query_figures(timings: dict[int, dict[str, tuple[float, int]]], runs: int) -> list[Figure]:
    """The largest size's time per query, beside every smaller size's: growth for growth."""
    sizes = sorted(timings)
    figures = []
    for name, (seconds, rows) in timings[sizes[-1]].items():
        times = {size: timings[size][name][0] for size in sizes}
        steps = [f"{_label(sizes[0])}: {times[sizes[0]] * 1e3:,.0f} ms"]
        for before, after in itertools.pairwise(sizes):
            steps.append(
                f"{_label(after)}: {times[after] * 1e3:,.0f} ms "
                f"(x{times[after] / times[before]:.1f} for x{after / before:g})"
            )
        compare = "; ".join([*steps, f"{rows:,} rows"])
        label = f"{name}, {_label(sizes[-1])} articles"
        figures.append(Figure("scale", label, seconds * 1e3, "ms", runs, compare))
    return figures


def time_queries(data: Path, queries: dict[str, str], runs: int) -> dict[str, tuple[float, int]]:
    """Median seconds and rows of each query, on the database opened read-only."""
    import duckdb

    publish(data)
    results = {}
    with (
        duckdb.connect(str(data / DATABASE), read_only=True) as con,
        Progress("scale: queries", len(queries), "queries") as progress,
    ):
        for name, sql in queries.items():
            rows = con.sql(sql).to_arrow_table().num_rows  # warm-up: file metadata cached
            seconds = median_seconds(lambda sql=sql: con.sql(sql).to_arrow_table(), runs)
            results[name] = (seconds, rows)
            progress.advance(note=f"{name}: {seconds * 1e3:,.0f} ms")
    return results


def grow(
    data: Path,
    pools: Pools,
    rng: np.random.Generator,
    have: int,
    target: int,
    pairs: KeySet | None = None,
) -> tuple[float, int]:
    """Add articles to the lake, a committed batch at a time, from `have` to `target`, with
    their coverage rollups counted against `pairs` (the batches before). Returns the seconds
    taken and the entity rows written."""
    pairs = KeySet() if pairs is None else pairs
    started, entities = time.perf_counter(), 0
    with (
        Lake(data).locked() as lake,
        Progress(f"scale: lake to {_label(target)}", target - have, "articles") as progress,
    ):
        while have < target:
            count = min(BATCH_ARTICLES, target - have)
            batch_id = new_batch_id(utc_now())
            batch = make_batch(pools, rng, count, have // FILE_RECORDS, batch_id)
            lake.write_file("articles", batch_id, batch.articles)
            lake.write_file("entities", batch_id, batch.entities)
            lake.write_file("terms", batch_id, batch.terms)
            for table, rows in rollups(batch.articles, batch.entities, pairs, batch_id).items():
                lake.write_file(table, batch_id, rows)
            # commit_batch writes the ledger file last: the batch becomes visible only then.
            lake.commit_batch(batch_id, {"quarantine": batch.quarantine, "ledger": batch.ledger})
            entities += len(batch.entities)
            del batch
            pa.default_memory_pool().release_unused()  # hand the batch's ~0.5 GB back for DuckDB
            have += count
            progress.advance(count)
    return time.perf_counter() - started, entities


def main(argv: list[str] | None = None) -> None:
    """`python -m presswatch.bench.scale [--exports]`: the figures as a table on stdout."""
    exports = "--exports" in (sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="presswatch-scale-") as work:
        figures = bench_scale(Path(work), exports=exports)
    minutes = (time.perf_counter() - started) / 60
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(table(figures))
    print(f"\n{minutes:.1f} minutes; peak RSS {peak:,.0f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
