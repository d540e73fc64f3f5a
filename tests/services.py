"""Fixtures of the services the cluster tests use (presswatch.bench.services starts them on
loopback and always stops them): an S3 server and a Dask scheduler with two workers."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from presswatch.bench import services
from presswatch.bench.services import KEYS, Cluster

BUCKET = "presswatch-test"


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    with services.s3_server(BUCKET) as endpoint:
        yield endpoint


@pytest.fixture
def s3(s3_server, monkeypatch, tmp_path) -> str:
    """The S3 server's variables set for this test, DuckDB's home in tmp_path (its extension
    and secret folders); yields a prefix of the bucket no other test uses."""
    for key, value in {**KEYS, "AWS_ENDPOINT_URL": s3_server, "HOME": str(tmp_path)}.items():
        monkeypatch.setenv(key, value)
    return f"s3://{BUCKET}/{tmp_path.name}"


@pytest.fixture(scope="session")
def dask_cluster(prefect_server, tmp_path_factory) -> Iterator[Cluster]:
    from prefect.settings import PREFECT_API_URL

    scratch = tmp_path_factory.mktemp("dask")
    with services.dask_cluster(2, PREFECT_API_URL.value(), scratch) as cluster:
        yield cluster


def keys(url: str) -> list[str]:
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    client = services.s3_client(os.environ["AWS_ENDPOINT_URL"])
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix + "/")
    return [item["Key"] for page in pages for item in page.get("Contents", [])]
