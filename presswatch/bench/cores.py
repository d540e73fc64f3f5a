"""Cores: one ingest of many real HTML pages with one extractor process, then with one per core.

The pages are `../shared/wcxb`'s (1,358 pages of about 1,200 sites; the section is skipped
without them), entities off, so the figure is about extraction, the stage the issue measured:
the ratio says how much of the machine an ingest uses. Bare trafilatura on the same pages in
one process is the reference for one core. Both flow runs go to one warm temporary server.
"""

from __future__ import annotations

import gzip
import os
import time
from pathlib import Path

from presswatch.bench.results import Figure
from presswatch.evaluate import WCXB, environment, load_gold
from presswatch.progress import Progress
from presswatch.temporary_server import local_flow_runs


def bench_cores(work: Path, pages: int | None = None) -> list[Figure]:
    if not (WCXB / "gold.json").exists():
        print(f"cores: {WCXB} not found (set PRESSWATCH_WCXB): skipped")
        return []
    from presswatch.flows.ingest import ingest

    drop, urls = _drop(work / "drop", pages)
    cores = os.cpu_count() or 1
    seconds, counts = {}, {}
    with (
        local_flow_runs(),
        environment(PRESSWATCH_ENTITIES="off", PRESSWATCH_MIN_FILE_AGE="0"),
        Progress("cores", 3, "runs") as progress,
    ):
        warm = work / "warm"  # imports, GX and the server warm before the timed runs
        warm.mkdir()
        (warm / "page.html").write_bytes(next(drop.iterdir()).read_bytes())
        ingest(str(warm), str(work / "warm-up"))
        for processes in sorted({1, cores}):
            with environment(PRESSWATCH_EXTRACT_PROCESSES=str(processes)):
                started = time.perf_counter()
                counts[processes] = ingest(str(drop), str(work / f"data-{processes}"))
                seconds[processes] = time.perf_counter() - started
            progress.advance(note=f"{processes} processes: {seconds[processes]:.0f} s")
        bare = _bare_trafilatura(drop, urls)
        progress.advance(note="bare trafilatura")
    one, every = seconds[1], seconds[cores]
    return [
        Figure("cores", f"ingest of {len(urls):,} real HTML pages, entities off, {cores} "
               "extractor processes", len(urls) / every, "pages/s", 1,
               f"{one / every:.2f}x one process ({len(urls) / one:.1f} pages/s); "
               f"bare trafilatura, one process: {len(urls) / bare:.1f} pages/s; "
               f"{counts[cores]['accepted']} accepted"),
    ]  # fmt: skip


def _drop(folder: Path, limit: int | None) -> tuple[Path, dict[str, str]]:
    """The pages as a drop folder of .html files, and each file's URL (for the bare run)."""
    gold = load_gold(WCXB)
    folder.mkdir(parents=True)
    urls = {}
    for path in sorted((WCXB / "html").glob("*.html.gz"))[:limit]:
        name = path.name.removesuffix(".gz")
        (folder / name).write_bytes(gzip.decompress(path.read_bytes()))
        urls[name] = gold[name.split(".")[0]]["url"]
    return folder, urls


def _bare_trafilatura(drop: Path, urls: dict[str, str]) -> float:
    import trafilatura

    started = time.perf_counter()
    for name, url in urls.items():
        html = (drop / name).read_bytes().decode("utf-8", "replace")
        trafilatura.bare_extraction(html, url=url, with_metadata=True)
    return time.perf_counter() - started
