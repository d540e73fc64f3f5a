"""Streams: inputs read in resumable chunks rather than whole, web archives and large JSONL files.

Each chunk of at most `max_documents` articles is committed as its own batch, with the position
of the next record in the ledger, so memory stays flat whatever the file's size and a killed run
resumes after the last committed chunk.
"""

from __future__ import annotations

import gzip
import logging
import zlib

from presswatch.model import Chunk, Document, InputFile, Rejection
from presswatch.settings import DEFAULT_LIMITS, Limits
from presswatch.sources.archive import is_archive, read_archive_chunk
from presswatch.sources.intake import open_checked
from presswatch.sources.read import detect_format, read_jsonl_line, too_many_records

logger = logging.getLogger(__name__)

JSONL_STREAM_BYTES = 16_000_000  # smaller JSONL files are read whole, many to a batch
CHUNK_RECORDS = 10_000  # records of any kind in one chunk: rejections take memory too


def is_stream(item: InputFile) -> bool:
    if is_archive(item.source_file):
        return True
    return detect_format(item.source_file)[0] == "jsonl" and item.size >= JSONL_STREAM_BYTES


class Stream:
    """A streamed input, kept open from one chunk to the next: a gzip file seeks only by
    decompressing from its start, so reopening it for each chunk would cost time growing with
    the square of its size. A run that resumes after a crash seeks once."""

    def __init__(self, item: InputFile, limits: Limits = DEFAULT_LIMITS) -> None:
        self.item, self.limits = item, limits
        self._raw = self._handle = None

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def at(self, offset: int):
        """The file (decompressed if gzipped) positioned at `offset`."""
        if self._handle is None or self._handle.tell() != offset:
            self.close()
            self._raw = open_checked(self.item)
            gzipped = detect_format(self.item.source_file)[1]
            self._handle = gzip.GzipFile(fileobj=self._raw) if gzipped else self._raw
            self._handle.seek(offset)
        return self._handle

    def position(self) -> int:
        """Bytes of the file itself read so far (for a gzip file: compressed bytes), for
        progress against its size."""
        return self._raw.tell() if self._raw is not None else self.item.size

    def close(self) -> None:
        for handle in (self._handle, self._raw):
            if handle is not None:
                handle.close()
        self._raw = self._handle = None


def read_chunk(
    stream: Stream, content_hash: str, start_record: int, start_offset: int, max_documents: int
) -> Chunk:
    """The next chunk of a streamed input, from record `start_record` at byte `start_offset`:
    at most `max_documents` articles, or CHUNK_RECORDS records of any kind (memory stays flat
    when a stream holds nothing but bad records)."""
    item = stream.item
    if is_archive(item.source_file):  # record offsets are in the file itself: a seek is cheap
        return read_archive_chunk(item, content_hash, start_record, start_offset, max_documents,
                                  stream.limits)  # fmt: skip
    return _read_jsonl_chunk(stream, content_hash, start_record, start_offset, max_documents)


def _read_jsonl_chunk(stream, content_hash, start_record, start_offset, max_documents) -> Chunk:
    limits, source = stream.limits, stream.item.source_file
    chunk = Chunk(next_record=start_record, next_offset=start_offset)
    handle = stream.at(start_offset)
    line_no = start_record

    def reject(reason: str, detail: str) -> Chunk:
        chunk.rejections.append(Rejection(source, line_no, "jsonl", content_hash, [reason], detail))
        return chunk

    while len(chunk.documents) < max_documents and line_no - start_record < CHUNK_RECORDS:
        if line_no >= limits.max_records_per_file:
            chunk.rejections.append(too_many_records(source, "jsonl", content_hash, limits))
            return chunk
        if handle.tell() > limits.max_stream_bytes:
            return reject("too_large", f"more than {limits.max_stream_bytes} bytes (gunzipped): "
                                       f"record {line_no} and after are not read "
                                       "(PRESSWATCH_MAX_STREAM_BYTES)")  # fmt: skip
        try:
            line = handle.readline(limits.max_record_bytes + 1)
            length = len(line)
            if length > limits.max_record_bytes and not line.endswith(b"\n"):
                length += _skip_line(handle)  # never held whole: it may be gigabytes
        except (EOFError, OSError, zlib.error) as exc:  # a damaged gzip ends the stream
            return reject("corrupt_gzip", f"cannot gunzip record {line_no} or after: {exc}")
        if not line:
            return chunk
        if length > limits.max_record_bytes:
            reject("too_large", f"line {line_no + 1} has {length} bytes, over the "
                                f"{limits.max_record_bytes} limit "
                                "(PRESSWATCH_MAX_RECORD_BYTES)")  # fmt: skip
        elif line.strip():
            found = read_jsonl_line(source, line_no, line.decode("utf-8", "replace"),
                                    content_hash, limits)  # fmt: skip
            target = chunk.documents if isinstance(found, Document) else chunk.rejections
            target.append(found)
        line_no += 1
    chunk.next_record, chunk.next_offset = line_no, handle.tell()
    chunk.done = not handle.peek(1)
    return chunk


def _skip_line(handle) -> int:
    """Read past the rest of a line; the bytes skipped."""
    skipped = 0
    while True:
        part = handle.readline(1 << 20)
        skipped += len(part)
        if not part or part.endswith(b"\n"):
            return skipped
