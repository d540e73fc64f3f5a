"""The same ingest on one machine, on a Dask cluster of 1 and 2 workers, and with the drop folder
and the lake in a bucket: the scaling ratio and what Dask and S3 cost.

Every run ingests the same HTML drop folder (the corpus's pages, copies made unique) into a
fresh lake, entities on, in one Prefect temporary server's flow runs; the services (moto's S3
server, a `dask scheduler` and its `dask worker` processes, one thread each) run on loopback.
On this 2-core machine the coordinator shares the cores with the workers.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from presswatch.bench import services
from presswatch.bench.inputs import load_pages, make_drop
from presswatch.bench.results import Figure
from presswatch.evaluate import environment
from presswatch.progress import Progress
from presswatch.temporary_server import local_flow_runs

BUCKET = "presswatch-bench"
LIST_INTERVAL = 0.5
LATENCY_FILES = 5


def bench_cluster(work: Path, copies: int = 3) -> list[Figure]:
    from prefect.settings import PREFECT_API_URL

    from presswatch.flows.ingest import ingest

    pages = load_pages()
    unique = [
        {**page, "id": f"{page['id']}-{n}", "html": page["html"] + f"<!-- {n} -->".encode()}
        for n in range(copies)
        for page in pages
    ]
    drop = make_drop(unique, "html", work / "drop")
    seconds: dict[str, float] = {}
    with (
        local_flow_runs(),
        services.s3_server(BUCKET) as endpoint,
        Progress("cluster", 7, "runs") as progress,
        environment(**services.KEYS, AWS_ENDPOINT_URL=endpoint, HOME=str(work)),
    ):
        ingest(str(drop), str(work / "warm-up"))  # imports, models, the server: warm
        seconds["in-process"] = _timed(ingest, str(drop), str(work / "local"))
        progress.advance(note="in-process")
        with environment(PRESSWATCH_EXTRACT_PROCESSES="1", PRESSWATCH_NER_PROCESSES="1"):
            seconds["one core"] = _timed(ingest, str(drop), str(work / "one-core"))
        progress.advance(note="in-process, one core")
        services.upload(drop, f"s3://{BUCKET}/drop")
        seconds["S3"] = _timed(ingest, f"s3://{BUCKET}/drop", f"s3://{BUCKET}/data",
                               str(work / "s3.duckdb"))  # fmt: skip
        progress.advance(note="S3")
        for workers in (1, 2):
            with services.dask_cluster(workers, PREFECT_API_URL.value(), work) as cluster:
                on_cluster = _on_cluster(ingest, cluster.address)
                on_cluster(str(drop), str(work / f"warm-{workers}"))  # workers warm
                progress.advance(note=f"{workers} workers, warm-up")
                seconds[f"dask {workers}"] = _timed(
                    on_cluster, str(drop), str(work / f"dask-{workers}")
                )
            progress.advance(note=f"{workers} workers")
        latencies = _s3_watch_latencies(work, endpoint)
    rate = {name: len(unique) / value for name, value in seconds.items()}
    return [
        Figure("cluster", "ingest in-process, every core (HTML, entities on)", rate["in-process"],
               "pages/s", 1, f"{len(unique)} pages, {seconds['in-process']:.1f} s; "
               f"{rate['in-process'] / rate['one core']:.2f}x one process per stage "
               f"({rate['one core']:.2f} pages/s)"),
        Figure("cluster", "ingest on Dask, 1 worker", rate["dask 1"], "pages/s", 1,
               f"{rate['dask 1'] / rate['in-process']:.2f}x in-process"),
        Figure("cluster", "ingest on Dask, 2 workers", rate["dask 2"], "pages/s", 1,
               f"scaling ratio {rate['dask 2'] / rate['dask 1']:.2f}x 1 worker"),
        Figure("cluster", "ingest bucket to bucket (S3 server on loopback), in-process",
               rate["S3"], "pages/s", 1,
               f"S3 costs {seconds['S3'] - seconds['in-process']:+.1f} s on "
               f"{seconds['in-process']:.1f} s local"),
        Figure("cluster", "watch on a bucket: object uploaded to row in a query",
               statistics.median(latencies), "s", len(latencies),
               f"max {max(latencies):.2f} s; listing every {LIST_INTERVAL} s, "
               "PRESSWATCH_MIN_FILE_AGE=0"),
    ]  # fmt: skip


def _s3_watch_latencies(work: Path, endpoint: str) -> list[float]:
    from presswatch.bench.latency import watch_latencies

    client = services.s3_client(endpoint)

    def put(name: str, text: str) -> None:
        client.put_object(Bucket=BUCKET, Key=f"watched/{name}", Body=text.encode())

    env = {"PRESSWATCH_LIST_INTERVAL": str(LIST_INTERVAL), "PRESSWATCH_MIN_FILE_AGE": "0"}
    return watch_latencies(f"s3://{BUCKET}/watched", f"s3://{BUCKET}/watch-data",
                           work / "watch.duckdb", put, LATENCY_FILES, env)  # fmt: skip


def _on_cluster(flow, address: str):
    from prefect_dask import DaskTaskRunner

    def run(*args):
        with environment(PRESSWATCH_DASK_ADDRESS=address):  # the stages read it per run
            return flow.with_options(task_runner=DaskTaskRunner(address=address))(*args)

    return run


def _timed(run, *args) -> float:
    started = time.perf_counter()
    run(*args)
    return time.perf_counter() - started
