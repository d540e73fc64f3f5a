"""Read web archives (WARC): a stream of HTML responses, in resumable chunks of documents.

A multi-GB archive never sits in memory: each call reads records from a byte offset until it has
`max_documents` documents, and says where the next chunk starts. The ledger stores that position
with each committed chunk, so an interrupted archive resumes where its last chunk committed.
"""

from __future__ import annotations

import contextlib
import io
import logging

from presswatch.model import Chunk, Document, InputFile, Rejection
from presswatch.settings import DEFAULT_LIMITS, Limits
from presswatch.sources.decode import DecodeError, decode_bytes
from presswatch.sources.intake import open_checked
from presswatch.sources.read import too_many_records

logger = logging.getLogger(__name__)

ARCHIVE_SUFFIXES = (".warc", ".warc.gz")
CHUNK_RECORDS = (
    10_000  # records of any kind in one chunk (presswatch.sources.streams keeps the same)
)
HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def read_archive_chunk(
    item: InputFile,
    content_hash: str,
    start_record: int,
    start_offset: int,
    max_documents: int,
    limits: Limits = DEFAULT_LIMITS,
) -> Chunk:
    """Documents from record `start_record` (at byte `start_offset`) on; max_documents at most
    (or CHUNK_RECORDS records of any kind)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    chunk = Chunk(next_record=start_record, next_offset=start_offset)
    index = start_record

    def reject(reason: str, detail: str) -> None:
        chunk.rejections.append(
            Rejection(item.source_file, index, "warc", content_hash, [reason], detail)
        )

    # warcio writes its notes on damaged records to stderr itself: they go to the debug log.
    with open_checked(item) as handle, contextlib.redirect_stderr(io.StringIO()) as notes:
        handle.seek(start_offset)
        records = ArchiveIterator(handle)
        records.known_format = "warc"  # else a file of garbage parses as an old ARC archive
        try:
            for index, record in enumerate(records, start_record):
                full = len(chunk.documents) >= max_documents
                if full or index - start_record >= CHUNK_RECORDS:
                    chunk.next_record, chunk.next_offset = index, records.get_record_offset()
                    chunk.done = False
                    return chunk
                if index >= limits.max_records_per_file:
                    chunk.rejections.append(
                        too_many_records(item.source_file, "warc", content_hash, limits)
                    )
                    return chunk
                length = int(record.rec_headers.get_header("Content-Length") or 0)
                if length > limits.max_stream_bytes:
                    reject("too_large", f"record {index} declares {length} bytes: it and the "
                                        "records after it are not read "
                                        "(PRESSWATCH_MAX_STREAM_BYTES)")  # fmt: skip
                    return chunk
                if length > limits.max_record_bytes:
                    reject("too_large", f"record {index} has {length} bytes, over the "
                                        f"{limits.max_record_bytes} limit "
                                        "(PRESSWATCH_MAX_RECORD_BYTES)")  # fmt: skip
                    continue  # the iterator reads past its content without keeping it
                _read_record(record, item.source_file, index, content_hash, chunk)
        except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
            # A damaged record ends the archive: what came before it is kept.
            reject("corrupt_archive", f"cannot read the archive past record {index}: {exc}")
        finally:
            if notes.getvalue():
                logger.debug("%s: %s", item.source_file, notes.getvalue().strip())
    if start_record == 0 and not (chunk.documents or chunk.rejections or chunk.skipped):
        reject("empty_file", "the archive holds no records")
    return chunk


def _read_record(record, source_file: str, index: int, content_hash: str, chunk: Chunk):
    headers = record.http_headers
    content_type = headers.get_header("Content-Type", "") if headers else ""
    status = headers.get_statuscode() if headers else ""
    if record.rec_type != "response" or not content_type.lower().startswith(HTML_TYPES):
        chunk.skipped += 1
        return
    url = record.rec_headers.get_header("WARC-Target-URI")
    if not status.startswith("2"):
        chunk.skipped += 1  # redirects and errors carry no article
        return
    data = record.content_stream().read()
    if getattr(record.raw_stream, "limit", 0) > 0:  # fewer bytes than its Content-Length
        chunk.rejections.append(
            Rejection(source_file, index, "html", content_hash, ["corrupt_archive"],
                      f"record {index} ({url}) is truncated")
        )  # fmt: skip
        return
    try:
        text = _decode(data, content_type)
    except DecodeError as exc:
        chunk.rejections.append(
            Rejection(source_file, index, "html", content_hash, [exc.reason], f"{url}: {exc}")
        )
        return
    hints = {"url": url} if url else {}
    chunk.documents.append(Document(source_file, index, "html", content_hash, text, hints=hints))


def _decode(data: bytes, content_type: str) -> str:
    """The charset the server sent wins; else the page's own rules (BOM, UTF-8, meta charset)."""
    charset = content_type.lower().partition("charset=")[2].split(";")[0].strip(" \"'")
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            logger.debug("server charset %r does not fit; detecting", charset)
    return decode_bytes(data)[0]
