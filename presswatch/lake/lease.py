"""The writer lock of a data directory in a bucket: a lease object, for writers on any machine.

`flock` holds only on one machine. In a bucket the lock is an object created only when absent
(a conditional put, If-None-Match: *), renewed while held (a put that succeeds only over our own
version, If-Match), and taken over by a waiting writer once it is older than its time to live
(a holder that died). Its age is judged by the store's clock alone (the object's Last-Modified
against the Date of the response), so clocks that differ between machines do not matter.
Before each commit the holder checks that its last renewal is recent enough that nobody can have
taken the lease over: a writer that stalled past that stops instead of committing.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from presswatch.lake.storage import Folder

logger = logging.getLogger(__name__)

TTL_SECONDS = float(os.environ.get("PRESSWATCH_LEASE_SECONDS", "60"))
POLL_SECONDS = 1.0


class LeaseLost(RuntimeError):
    """The lease was not renewed in time: another writer may hold it now, so nothing more is
    committed. The batch in hand is read again by the next run (exactly once holds)."""


class Lease:
    def __init__(self, folder: Folder, name: str, wait_message: str, ttl: float = TTL_SECONDS):
        self.folder, self.key, self.ttl = folder, folder.key(name), ttl
        self.wait_message = wait_message
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.client = _client(folder)
        self.etag: str | None = None
        self.renewed = 0.0  # monotonic time of the last successful put
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def __enter__(self) -> Lease:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> None:
        told = False
        while not self._put(IfNoneMatch="*"):
            current = self._expired_version()
            if current and self._put(IfMatch=current):
                logger.warning("took over the expired writer lease %s", self.key)
                break
            if not told:
                logger.info(self.wait_message)
                told = True
            time.sleep(POLL_SECONDS)
        self._renewer = threading.Thread(target=self._renew, name="lease", daemon=True)
        self._renewer.start()

    def check(self) -> None:
        """Raise LeaseLost unless the lease is surely still ours (renewed within half its ttl:
        a waiting writer takes it over only after the whole ttl)."""
        if time.monotonic() - self.renewed > self.ttl / 2:
            raise LeaseLost(
                f"the writer lease {self.folder.bucket}/{self.key} was not renewed for "
                f"{time.monotonic() - self.renewed:.0f} s (the store is unreachable, or this "
                "process stalled): stopping before the next commit. Run again."
            )

    def release(self) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
        if self.etag:
            try:
                self.client.delete_object(Bucket=self.folder.bucket, Key=self.key,
                                          IfMatch=self.etag)  # fmt: skip
            except self.client.exceptions.ClientError as exc:  # taken over, or gone: not ours
                logger.debug("lease %s not deleted: %s", self.key, exc)
        self.etag = None

    def _renew(self) -> None:
        while not self._stop.wait(self.ttl / 6):
            try:
                if not self._put(IfMatch=self.etag):
                    logger.error("the writer lease %s was taken over", self.key)
                    return
            except Exception as exc:  # the store unreachable for now: check() decides
                logger.warning("could not renew the writer lease %s: %s", self.key, exc)

    def _put(self, **condition: str) -> bool:
        body = json.dumps({"owner": self.owner, "ttl_seconds": self.ttl}).encode()
        started = time.monotonic()
        try:
            answer = self.client.put_object(
                Bucket=self.folder.bucket, Key=self.key, Body=body, **condition
            )
        except self.client.exceptions.ClientError as exc:
            if _status(exc) in (409, 412):  # exists (If-None-Match), or not our version
                return False
            raise
        self.etag, self.renewed = answer["ETag"], started
        return True

    def _expired_version(self) -> str | None:
        """The ETag of the current lease object if it is older than its ttl, else None."""
        try:
            head = self.client.head_object(Bucket=self.folder.bucket, Key=self.key)
        except self.client.exceptions.ClientError as exc:
            if _status(exc) == 404:
                return None  # released meanwhile: the next create takes it
            raise
        now = parsedate_to_datetime(head["ResponseMetadata"]["HTTPHeaders"]["date"])
        age = (now - head["LastModified"]).total_seconds()
        return head["ETag"] if age > self.ttl else None


def _status(exc: Exception) -> int | None:
    return getattr(exc, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode")


def _client(folder: Folder):
    import boto3
    from botocore.config import Config

    config = folder.config
    return boto3.client(
        "s3",
        endpoint_url=config.endpoint,
        region_name=config.region,
        aws_access_key_id=config.key_id,
        aws_secret_access_key=config.secret,
        aws_session_token=config.token,
        config=Config(connect_timeout=10, read_timeout=30, retries={"max_attempts": 3}),
    )
