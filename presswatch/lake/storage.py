"""The filesystem layer: a folder on the local disk or under s3://bucket/prefix, one interface.

pyarrow's filesystems do the work; what differs between the two is written once, here. A local
file is written beside its name, synced and renamed into place; an object appears whole when its
upload completes. Both give readers the whole file or none. The writer lock is `flock` on a local
folder and a lease object in a bucket (presswatch.lake.lease).

The object store is any S3-compatible one, configured by the usual variables: AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), AWS_REGION or AWS_DEFAULT_REGION, and
AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_S3) for a store that is not AWS.
"""

from __future__ import annotations

import fcntl
import functools
import logging
import os
import posixpath
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

logger = logging.getLogger(__name__)

SCHEME = "s3://"
TMP_SUFFIX = ".tmp"
DEFAULT_REGION = "us-east-1"


def is_remote(location: str | Path) -> bool:
    return str(location).startswith(SCHEME)


@dataclass(frozen=True)
class S3Config:
    """Where the object store is and who we are to it, from the AWS_* variables."""

    endpoint: str | None  # scheme://host:port, None for AWS itself
    region: str
    key_id: str | None
    secret: str | None
    token: str | None

    @classmethod
    def from_env(cls) -> S3Config:
        env = os.environ.get
        endpoint = env("AWS_ENDPOINT_URL_S3") or env("AWS_ENDPOINT_URL")
        return cls(
            endpoint.rstrip("/") if endpoint else None,
            env("AWS_REGION") or env("AWS_DEFAULT_REGION") or DEFAULT_REGION,
            env("AWS_ACCESS_KEY_ID"),
            env("AWS_SECRET_ACCESS_KEY"),
            env("AWS_SESSION_TOKEN"),
        )


@functools.cache
def object_store(config: S3Config) -> pafs.S3FileSystem:
    options: dict = {"region": config.region, "allow_bucket_creation": False,
                     "connect_timeout": 10, "request_timeout": 60}  # fmt: skip
    if config.endpoint:
        parts = urlsplit(config.endpoint)
        options |= {
            "endpoint_override": parts.netloc or parts.path,
            "scheme": parts.scheme or "https",
        }
    if config.key_id and config.secret:
        options |= {"access_key": config.key_id, "secret_key": config.secret,
                    "session_token": config.token}  # fmt: skip
    return pafs.S3FileSystem(**options)


@dataclass(frozen=True)
class Entry:
    """A file of a folder: its path on the filesystem, size and modification time."""

    path: str
    size: int
    mtime_ns: int

    @property
    def name(self) -> str:
        return posixpath.basename(self.path)

    @property
    def stem(self) -> str:
        return self.name.rsplit(".", 1)[0] if "." in self.name else self.name

    @property
    def suffix(self) -> str:
        return "." + self.name.rsplit(".", 1)[1] if "." in self.name else ""


class Folder:
    """A folder, local or in a bucket; paths below it are given as parts ("lake", "articles")."""

    def __init__(self, location: str | Path):
        location = str(location)
        self.remote = is_remote(location)
        if self.remote:
            self.config = S3Config.from_env()
            self.fs = object_store(self.config)
            self.root = location[len(SCHEME) :].strip("/")
            if not self.root:
                raise ValueError(f"{location!r} names no bucket: use s3://BUCKET/PREFIX")
        else:
            self.fs = pafs.LocalFileSystem()
            self.root = str(Path(location).resolve())

    @property
    def url(self) -> str:
        """The folder as users and DuckDB name it: an absolute path or s3://bucket/prefix."""
        return SCHEME + self.root if self.remote else self.root

    @property
    def bucket(self) -> str:
        return self.root.split("/", 1)[0]

    def path(self, *parts: str) -> str:
        return posixpath.join(self.root, *parts) if parts else self.root

    def key(self, *parts: str) -> str:
        """The object key of a path below a remote folder."""
        return self.path(*parts).split("/", 1)[1]

    def local(self, *parts: str) -> Path:
        if self.remote:
            raise ValueError(f"{self.url} is not a local folder")
        return Path(self.path(*parts))

    def list(self, *parts: str, recursive: bool = False) -> list[Entry]:
        """The files in a folder (and, recursive, below it), sorted by path; [] if it is not
        there."""
        selector = pafs.FileSelector(self.path(*parts), allow_not_found=True, recursive=recursive)
        found = [
            Entry(info.path, info.size, info.mtime_ns or 0)
            for info in self.fs.get_file_info(selector)
            if info.type == pafs.FileType.File
        ]
        return sorted(found, key=lambda e: e.path)

    def info(self, path: str) -> Entry | None:
        found = self.fs.get_file_info(path)
        if found.type != pafs.FileType.File:
            return None
        return Entry(found.path, found.size, found.mtime_ns or 0)

    def exists(self, *parts: str) -> bool:
        return self.info(self.path(*parts)) is not None

    def makedirs(self, *parts: str) -> None:
        if not self.remote:  # a bucket has no folders: a key's prefix is enough
            os.makedirs(self.path(*parts), exist_ok=True)

    def read_bytes(self, path: str) -> bytes:
        with self.fs.open_input_stream(path, compression=None) as handle:
            return handle.read()

    def read_text(self, *parts: str) -> str:
        return self.read_bytes(self.path(*parts)).decode("utf-8")

    def write_bytes(self, path: str, data: bytes) -> None:
        """Readers see all of `data` at `path`, or what was there before."""
        if self.remote:
            with self.fs.open_output_stream(path) as out:  # the object appears on close, whole
                out.write(data)
            return
        _replace_local(path, lambda tmp: Path(tmp).write_bytes(data))

    def write_text(self, path: str, text: str) -> None:
        self.write_bytes(path, text.encode("utf-8"))

    def read_parquet(self, path: str) -> pa.Table:
        return pq.read_table(path, filesystem=self.fs)

    def read_schema(self, path: str) -> pa.Schema:
        return pq.read_schema(path, filesystem=self.fs)

    def parquet_file(self, path: str) -> pq.ParquetFile:
        return pq.ParquetFile(self.fs.open_input_file(path))

    def write_parquet(self, path: str, table: pa.Table, row_group_size: int | None = None) -> None:
        """A whole Parquet file at `path`, or none."""
        options = {"compression": "zstd", "row_group_size": row_group_size}
        if self.remote:  # serialised first: an upload that fails midway leaves no object
            buffer = pa.BufferOutputStream()
            pq.write_table(table, buffer, **options)
            self.write_bytes(path, buffer.getvalue().to_pybytes())
            return
        _replace_local(path, lambda tmp: pq.write_table(table, tmp, **options))

    def delete(self, path: str) -> None:
        with suppress(FileNotFoundError):
            self.fs.delete_file(path)

    def move(self, source: str, target: str) -> None:
        """Local: a rename. In a bucket: a copy, then the delete (S3 has no rename)."""
        if not self.remote:
            os.makedirs(posixpath.dirname(target), exist_ok=True)
        self.fs.move(source, target)

    @contextmanager
    def lock(self, name: str, wait_message: str) -> Iterator[object]:
        """Hold the folder's writer lock `name` (others wait): flock locally, a lease in a
        bucket. Yields the lease (whose `check()` says it is still held) or None."""
        if self.remote:
            from presswatch.lake.lease import Lease

            with Lease(self, name, wait_message) as lease:
                yield lease
            return
        self.makedirs()
        with open(self.path(name), "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                logger.info(wait_message)
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield None
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _replace_local(path: str, write) -> None:
    """write(tmp) beside `path`, synced, then renamed over it: readers see the old or the new."""
    tmp = path + TMP_SUFFIX
    write(tmp)
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(posixpath.dirname(path))


def _fsync_dir(folder: str) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
