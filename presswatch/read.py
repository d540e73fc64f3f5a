"""Read: an input file's bytes to article candidates (Documents) or Rejections, by format."""

from __future__ import annotations

import gzip
import io
import json
import logging
import zlib

from presswatch.decode import DecodeError, decode_bytes
from presswatch.model import Document, Rejection

logger = logging.getLogger(__name__)

FORMATS = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
MAX_GUNZIP_BYTES = 500_000_000  # a gzip bomb is quarantined, not expanded into memory


def detect_format(name: str) -> tuple[str | None, bool]:
    """(format, gzipped) from a file name; format None when unsupported."""
    lower = name.lower()
    gzipped = lower.endswith(".gz")
    if gzipped:
        lower = lower[:-3]
    suffix = lower[lower.rfind(".") :] if "." in lower.rsplit("/", 1)[-1] else ""
    return FORMATS.get(suffix), gzipped


def read_input(source_file: str, data: bytes, content_hash: str) -> list[Document | Rejection]:
    """All article candidates in one input; never raises on bad bytes."""
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
            data = _gunzip(data)
        except (OSError, EOFError, zlib.error) as exc:
            return [reject("corrupt_gzip", f"cannot gunzip: {exc}")]
        except MemoryError as exc:
            return [reject("too_large", str(exc))]
    if not data.strip():
        return [reject("empty_file", "the file has no content")]
    try:
        text, _encoding = decode_bytes(data)
    except DecodeError as exc:
        return [reject(exc.reason, str(exc))]
    if not text.strip():
        return [reject("empty_file", "the file has only whitespace")]
    if fmt == "json":
        return _read_json(source_file, text, content_hash, reject)
    if fmt == "jsonl":
        return _read_jsonl(source_file, text, content_hash, reject)
    return [Document(source_file, 0, fmt, content_hash, text=text)]


def _gunzip(data: bytes) -> bytes:
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
        out = stream.read(MAX_GUNZIP_BYTES + 1)
    if len(out) > MAX_GUNZIP_BYTES:
        raise MemoryError(f"gunzipped size exceeds {MAX_GUNZIP_BYTES} bytes")
    return out


def _read_json(source_file, text, content_hash, reject) -> list[Document | Rejection]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return [reject("invalid_json", f"not JSON: {exc}")]
    records = value if isinstance(value, list) else [value]
    return [_record(source_file, i, item, content_hash, reject) for i, item in enumerate(records)]


def _read_jsonl(source_file, text, content_hash, reject) -> list[Document | Rejection]:
    lines = enumerate(text.splitlines())
    out = [read_jsonl_line(source_file, n, line, content_hash) for n, line in lines if line.strip()]
    return out or [reject("empty_file", "no records in the file")]


def read_jsonl_line(
    source_file: str, line_no: int, line: str, content_hash: str
) -> Document | Rejection:
    """One line of a JSONL file: a record, or the reason it is none (record index = line no)."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        detail = f"line {line_no + 1} is not JSON: {exc}"
        return Rejection(source_file, line_no, "jsonl", content_hash, ["invalid_json"], detail)

    def reject(reason: str, detail: str, record: int) -> Rejection:
        return Rejection(source_file, record, "jsonl", content_hash, [reason], detail)

    return _record(source_file, line_no, value, content_hash, reject)


def _record(source_file, index, value, content_hash, reject) -> Document | Rejection:
    if not isinstance(value, dict):
        return reject(
            "not_an_article", f"record is a JSON {type(value).__name__}, not an object", index
        )
    return Document(source_file, index, "json", content_hash, record=value)
