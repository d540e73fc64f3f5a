"""Run the benchmarks: every figure a median of repeated runs, every comparison from the same run.

python -m presswatch.bench [--only SECTION ...] [--quick] [--out bench/results.md]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from presswatch.bench.results import Figure, cpu_times, machine, report, steal_share, table
from presswatch.settings import set_quiet_defaults


def throughput(work: Path, quick: bool) -> list[Figure]:
    from presswatch.bench.throughput import bench_throughput

    return bench_throughput(runs=1 if quick else 3)


def entities(work: Path, quick: bool) -> list[Figure]:
    """presswatch's entity stage against the bare spaCy model (all its pipes), same texts."""
    from presswatch.entities.evaluate import measure_speed

    rates = measure_speed(repeat=1, every_core=False)
    bare, ours = rates["bare, 1 process"], rates["presswatch, 1 process"]
    return [
        Figure("entities", "presswatch entity stage, 1 process", ours, "articles/s", 3,
               f"{ours / bare:.2f}x the bare spaCy model ({bare:.1f} articles/s)"),
    ]  # fmt: skip


def stories(work: Path, quick: bool) -> list[Figure]:
    from presswatch.bench.story_index import bench_story_index

    sizes = (10_000, 100_000) if quick else (10_000, 100_000, 1_000_000)
    return bench_story_index(work, sizes, runs=1 if quick else 3)


def latency(work: Path, quick: bool) -> list[Figure]:
    from presswatch.bench.latency import bench_watch_latency

    return bench_watch_latency(work, files=3 if quick else 10)


def scale(work: Path, quick: bool) -> list[Figure]:
    from presswatch.bench.scale import SIZES, bench_scale

    return bench_scale(work, sizes=SIZES[:2] if quick else SIZES)  # --quick: up to 1M


def memory(work: Path, quick: bool) -> list[Figure]:
    from presswatch.bench.memory import GB, bench_memory

    if quick:
        return bench_memory(work, jsonl_bytes=GB // 20, warc_bytes=GB // 20, chunk=10)
    return bench_memory(work)


def hostile(work: Path, quick: bool) -> list[Figure]:
    from presswatch.bench.hostile import bench_hostile

    return bench_hostile(work)


def cluster(work: Path, quick: bool) -> list[Figure]:
    from presswatch.bench.cluster import bench_cluster

    return bench_cluster(work, copies=1 if quick else 3)


def cores(work: Path, quick: bool) -> list[Figure]:
    from presswatch.bench.cores import bench_cores

    return bench_cores(work, pages=300 if quick else None)


SECTIONS = {
    f.__name__: f
    for f in (throughput, entities, stories, latency, scale, memory, hostile, cluster, cores)
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run these sections only")
    parser.add_argument("--quick", action="store_true", help="small sizes, one run: a smoke test")
    parser.add_argument("--out", type=Path, default=Path("bench/results.md"))
    args = parser.parse_args(argv)
    set_quiet_defaults()
    started, ticks, figures = time.monotonic(), cpu_times(), []
    for name in args.only or SECTIONS:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        section_started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix=f"presswatch-bench-{name}-") as work:
            figures += SECTIONS[name](Path(work), args.quick)
        print(f"bench: {name} took {time.monotonic() - section_started:.0f} s", file=sys.stderr)
    print(table(figures))
    about = machine(steal_share(ticks, cpu_times()))
    print(f"machine: {about}", file=sys.stderr)
    if not args.quick and not args.only:  # results.md holds complete runs only
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report(figures, time.monotonic() - started, about), encoding="utf-8")
        print(f"written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
