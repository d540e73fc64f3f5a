"""Services on loopback for the cluster benchmark and tests: an S3 server (moto's server mode)
and a Dask scheduler with workers, each in a process group of its own, always stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent
KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1"}  # fmt: skip
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before listening")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port} within {START_SECONDS} s")


def start(args: list[str], env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(args, env={**os.environ, **(env or {})}, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


@contextmanager
def running(args: list[str], env: dict | None = None) -> Iterator[subprocess.Popen]:
    """A service, stopped (then killed) on the way out, failed or not."""
    process = start(args, env)
    try:
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def s3_server(bucket: str) -> Iterator[str]:
    """moto's S3 server on a loopback port with one empty bucket; yields its endpoint URL."""
    port = free_port()
    with running([str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)]) as process:
        wait_for_port(port, process, "moto_server")
        endpoint = f"http://127.0.0.1:{port}"
        s3_client(endpoint).create_bucket(Bucket=bucket)
        yield endpoint


def s3_client(endpoint: str):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
                        region_name=KEYS["AWS_REGION"])  # fmt: skip


def upload(folder: Path, url: str, endpoint: str | None = None) -> int:
    """Every file of a local folder to the bucket prefix `url`; returns how many."""
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    client, count = s3_client(endpoint or os.environ["AWS_ENDPOINT_URL"]), 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        client.upload_file(str(path), bucket, f"{prefix}/{path.relative_to(folder).as_posix()}")
        count += 1
    return count


class Cluster:
    """A Dask scheduler's address and its worker processes (a test may kill one)."""

    def __init__(self, address: str, env: dict, scratch: Path):
        self.address, self.env, self.scratch = address, env, scratch
        self.workers: list[subprocess.Popen] = []

    def start_worker(self) -> subprocess.Popen:
        worker = start([str(BIN / "dask"), "worker", self.address, "--nworkers", "1",
                        "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1",
                        "--local-directory", str(self.scratch)], self.env)  # fmt: skip
        self.workers.append(worker)
        return worker

    def wait_for_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=START_SECONDS) as client:
            client.wait_for_workers(count, timeout=START_SECONDS)


@contextmanager
def dask_cluster(workers: int, prefect_api: str, scratch: Path) -> Iterator[Cluster]:
    """`dask scheduler` and `workers` one-thread `dask worker` processes on loopback; workers
    report their task runs to `prefect_api` and run presswatch from this environment."""
    port = free_port()
    env = {"PREFECT_API_URL": prefect_api, "PREFECT_LOGGING_LEVEL": "WARNING"}
    scheduler = [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                 "--no-dashboard"]  # fmt: skip
    with running(scheduler, env) as process:
        wait_for_port(port, process, "dask scheduler")
        cluster = Cluster(f"tcp://127.0.0.1:{port}", env, scratch)
        try:
            for _ in range(workers):
                cluster.start_worker()
            cluster.wait_for_workers(workers)
            yield cluster
        finally:
            for worker in cluster.workers:
                stop(worker)
