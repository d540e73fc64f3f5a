"""Streams: inputs read in resumable chunks rather than whole, web archives and large JSONL files.

Each chunk of at most `max_documents` articles is committed as its own batch, with the position
of the next record in the ledger, so memory stays flat whatever the file's size and a killed run
resumes after the last committed chunk.
"""

from __future__ import annotations

import gzip
import logging

from presswatch.archive import is_archive, read_archive_chunk
from presswatch.model import Chunk, Document, InputFile
from presswatch.read import detect_format, read_jsonl_line

logger = logging.getLogger(__name__)

JSONL_STREAM_BYTES = 16_000_000  # smaller JSONL files are read whole, many to a batch


def is_stream(item: InputFile) -> bool:
    if is_archive(item.source_file):
        return True
    return detect_format(item.source_file)[0] == "jsonl" and item.size >= JSONL_STREAM_BYTES


class Stream:
    """A streamed input, kept open from one chunk to the next: a gzip file seeks only by
    decompressing from its start, so reopening it for each chunk would cost time growing with
    the square of its size. A run that resumes after a crash seeks once."""

    def __init__(self, item: InputFile) -> None:
        self.item = item
        self._handle = None

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def at(self, offset: int):
        """The file (decompressed if gzipped) positioned at `offset`."""
        if self._handle is None or self._handle.tell() != offset:
            self.close()
            opener = gzip.open if detect_format(self.item.source_file)[1] else open
            self._handle = opener(self.item.path, "rb")
            self._handle.seek(offset)
        return self._handle

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def read_chunk(
    stream: Stream, content_hash: str, start_record: int, start_offset: int, max_documents: int
) -> Chunk:
    """The next chunk of a streamed input, from record `start_record` at byte `start_offset`."""
    item = stream.item
    if is_archive(item.source_file):  # record offsets are in the file itself: a seek is cheap
        return read_archive_chunk(item, content_hash, start_record, start_offset, max_documents)
    return _read_jsonl_chunk(stream, content_hash, start_record, start_offset, max_documents)


def _read_jsonl_chunk(stream, content_hash, start_record, start_offset, max_documents) -> Chunk:
    chunk = Chunk(next_record=start_record, next_offset=start_offset)
    handle = stream.at(start_offset)
    line_no = start_record
    while len(chunk.documents) < max_documents:
        line = handle.readline()
        if not line:
            return chunk
        if line.strip():
            found = read_jsonl_line(
                stream.item.source_file, line_no, line.decode("utf-8", "replace"), content_hash
            )
            target = chunk.documents if isinstance(found, Document) else chunk.rejections
            target.append(found)
        line_no += 1
    chunk.next_record, chunk.next_offset = line_no, handle.tell()
    chunk.done = not handle.peek(1)
    return chunk
