"""The plain records that move between pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class InputFile:
    """A ready file in the drop folder."""

    path: Path
    source_file: str  # relative to the drop folder, with forward slashes
    size: int
    mtime_ns: int
    drop: str = ""  # the drop folder (resolved): with source_file, the input's ledger key
    refusal: tuple[str, str] | None = None  # (reason, detail) when it may not be read at all


@dataclass
class Document:
    """One article candidate read from an input: a page (html/text) or a record (json)."""

    source_file: str
    source_record: int
    format: str  # text, html or json
    content_hash: str
    text: str = ""  # the page as text (html markup or a text dump); "" for json records
    record: dict = field(default_factory=dict)  # the json record's fields
    hints: dict = field(default_factory=dict)  # url, outlet, ... given beside the content


@dataclass
class Rejection:
    """An input or record that cannot become an article, and why."""

    source_file: str
    source_record: int
    format: str | None
    content_hash: str
    reasons: list[str]
    detail: str


@dataclass
class Chunk:
    """Part of an input read as a stream (an archive, a large JSONL file), and where to go on."""

    documents: list[Document] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    next_record: int = 0  # index of the first record not read yet
    next_offset: int = 0  # its byte offset in the file (for gzip: in the decompressed stream)
    done: bool = True  # no records left
    skipped: int = 0  # records that carry no article (archive requests, metadata, images, ...)
