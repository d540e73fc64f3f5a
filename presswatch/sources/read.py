"""Read: an input file's bytes to article candidates (Documents) or Rejections, by format."""

from __future__ import annotations

import gzip
import io
import json
import logging
import zlib

from presswatch.model import Document, Rejection
from presswatch.settings import DEFAULT_LIMITS, Limits
from presswatch.sources.decode import DecodeError, decode_bytes

logger = logging.getLogger(__name__)

FORMATS = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


def detect_format(name: str) -> tuple[str | None, bool]:
    """(format, gzipped) from a file name; format None when unsupported."""
    lower = name.lower()
    gzipped = lower.endswith(".gz")
    if gzipped:
        lower = lower[:-3]
    suffix = lower[lower.rfind(".") :] if "." in lower.rsplit("/", 1)[-1] else ""
    return FORMATS.get(suffix), gzipped


def read_input(
    source_file: str, data: bytes, content_hash: str, limits: Limits = DEFAULT_LIMITS
) -> list[Document | Rejection]:
    """All article candidates in one input, within `limits`; never raises on bad bytes."""
    fmt, gzipped = detect_format(source_file)

    def reject(reason: str, detail: str, record: int = 0) -> Rejection:
        return Rejection(source_file, record, fmt, content_hash, [reason], detail)

    if fmt is None:
        return [
            reject(
                "unsupported_format",
                f"no reader for {source_file!r}: supported are "
                ".txt .html .htm .json .jsonl .ndjson, optionally .gz, and .warc, .warc.gz",
            )
        ]
    if gzipped:
        try:
            data = _gunzip(data, limits.max_file_bytes)
        except (OSError, EOFError, zlib.error) as exc:
            return [reject("corrupt_gzip", f"cannot gunzip: {exc}")]
        if data is None:  # a gzip bomb is refused, not expanded into memory
            return [reject("too_large", f"gunzips to more than {limits.max_file_bytes} bytes "
                                        "(PRESSWATCH_MAX_FILE_BYTES)")]  # fmt: skip
    if fmt in ("text", "html") and len(data) > limits.max_record_bytes:
        return [reject("too_large", f"a page of {len(data)} bytes, over the "
                                    f"{limits.max_record_bytes}-byte limit "
                                    "(PRESSWATCH_MAX_RECORD_BYTES)")]  # fmt: skip
    if not data.strip():
        return [reject("empty_file", "the file has no content")]
    try:
        text, _encoding = decode_bytes(data)
    except DecodeError as exc:
        return [reject(exc.reason, str(exc))]
    if not text.strip():
        return [reject("empty_file", "the file has only whitespace")]
    if fmt == "json":
        return _read_json(source_file, text, content_hash, reject, limits)
    if fmt == "jsonl":
        return _read_jsonl(source_file, text, content_hash, reject, limits)
    return [Document(source_file, 0, fmt, content_hash, text=text)]


WHOLE_RECORDS = 10_000  # a JSONL file with more lines is streamed (presswatch.sources.streams)


def too_many_to_read_whole(source_file: str, data: bytes, limits: Limits) -> bool:
    """A JSONL file of more than WHOLE_RECORDS lines, or that gunzips past max_file_bytes: its
    records could fill memory (a 38 KB gzip of 1.5 million tiny lines), so it is read as a
    stream, a chunk at a time, each line and the whole bounded (presswatch.sources.streams)."""
    fmt, gzipped = detect_format(source_file)
    if fmt != "jsonl":
        return False
    if gzipped:
        try:
            data = _gunzip(data, limits.max_file_bytes)
        except (OSError, EOFError, zlib.error):
            return False  # read_input quarantines it
    return data is None or data.count(b"\n") > WHOLE_RECORDS


def _gunzip(data: bytes, limit: int) -> bytes | None:
    """The gunzipped bytes, None when they would be more than `limit`."""
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
        out = stream.read(limit + 1)
    return None if len(out) > limit else out


def parse_json(text: str, max_depth: int) -> object:
    """JSON within a nesting bound; ValueError (with a reason a person can act on) otherwise.

    Python's parser raises RecursionError near 1,000 levels and ValueError on integers of more
    than 4,300 digits; both are bad input, not failures of the pipeline.
    """
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError(f"nested deeper than {max_depth} levels") from None
    depth = nesting(value, max_depth)
    if depth > max_depth:
        raise ValueError(f"nested deeper than {max_depth} levels")
    return value


def nesting(value: object, stop: int) -> int:
    """How deep lists and objects nest in `value` (stops counting past `stop`)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, dict | list) and item:
            deepest = max(deepest, depth)
            if depth > stop:
                return depth
            children = item.values() if isinstance(item, dict) else item
            todo.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
        elif isinstance(item, dict | list):
            deepest = max(deepest, depth)
    return deepest


def _read_json(source_file, text, content_hash, reject, limits) -> list[Document | Rejection]:
    try:
        value = parse_json(text, limits.max_json_depth)
    except ValueError as exc:
        return [reject("invalid_json", f"not JSON: {exc}")]
    records = value if isinstance(value, list) else [value]
    out = [
        _record(source_file, i, item, content_hash, reject)
        for i, item in enumerate(records[: limits.max_records_per_file])
    ]
    if len(records) > limits.max_records_per_file:
        out.append(too_many_records(source_file, "json", content_hash, limits))
    return out


def _read_jsonl(source_file, text, content_hash, reject, limits) -> list[Document | Rejection]:
    out = []
    for n, line in enumerate(text.splitlines()):
        if n == limits.max_records_per_file:
            out.append(too_many_records(source_file, "jsonl", content_hash, limits))
            break
        if line.strip():
            out.append(read_jsonl_line(source_file, n, line, content_hash, limits))
    return out or [reject("empty_file", "no records in the file")]


def read_jsonl_line(
    source_file: str, line_no: int, line: str, content_hash: str, limits: Limits = DEFAULT_LIMITS
) -> Document | Rejection:
    """One line of a JSONL file: a record, or the reason it is none (record index = line no)."""

    def reject(reason: str, detail: str, record: int = line_no) -> Rejection:
        return Rejection(source_file, record, "jsonl", content_hash, [reason], detail)

    if len(line) > limits.max_record_bytes:
        return reject("too_large", f"line {line_no + 1} has {len(line)} characters, over the "
                                   f"{limits.max_record_bytes} limit "
                                   "(PRESSWATCH_MAX_RECORD_BYTES)")  # fmt: skip
    try:
        value = parse_json(line, limits.max_json_depth)
    except ValueError as exc:
        return reject("invalid_json", f"line {line_no + 1} is not JSON: {exc}")
    return _record(source_file, line_no, value, content_hash, reject)


def too_many_records(source_file: str, fmt: str, content_hash: str, limits: Limits) -> Rejection:
    """The one row that stands for the records of a file past max_records_per_file."""
    limit = limits.max_records_per_file
    return Rejection(source_file, limit, fmt, content_hash, ["too_many_records"],
                     f"more than {limit} records: record {limit} and after are not read "
                     "(PRESSWATCH_MAX_RECORDS_PER_FILE)")  # fmt: skip


def _record(source_file, index, value, content_hash, reject) -> Document | Rejection:
    from presswatch.extract.record import missing_text

    if not isinstance(value, dict):
        return reject(
            "not_an_article", f"record is a JSON {type(value).__name__}, not an object", index
        )
    if reason := missing_text(value):  # known now: a record, not an article to extract
        return reject("not_an_article", reason, index)
    return Document(source_file, index, "json", content_hash, record=value)
