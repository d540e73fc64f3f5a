"""The stages of one batch, as plain functions over plain data: load, extract, enrich, commit.

Validation is presswatch.validate; flows/ingest.py chains them, each taking what the previous
one returned.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from presswatch.lake.ledger import Ledger, Seen
from presswatch.lake.rollups import rollups
from presswatch.lake.tables import Lake, table_schemas
from presswatch.model import Chunk, Document, InputFile, Rejection
from presswatch.sandbox import Extractors, Failed
from presswatch.search.terms import terms_table
from presswatch.settings import DEFAULT_LIMITS, Limits, Settings
from presswatch.sources import intake, read
from presswatch.sources.hints import find_hints
from presswatch.sources.streams import Stream, read_chunk

if TYPE_CHECKING:
    from presswatch.stories.segments import KeySet
    from presswatch.stories.store import StoryStore

logger = logging.getLogger(__name__)

TOP_ENTITIES = 10  # in a run's summary and artifact


@dataclass
class Loaded:
    """What reading a batch of files gave."""

    documents: list[Document] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    files: dict[str, tuple[InputFile, str]] = field(default_factory=dict)  # new: (file, hash)
    duplicates: dict[str, tuple[InputFile, str, str]] = field(default_factory=dict)  # +original
    unchanged: int = 0
    waiting: int = 0  # changed while being read: left for the next pass
    streams: list[InputFile] = field(default_factory=list)  # too many records to read whole
    progress: dict[str, tuple[int, int]] = field(default_factory=dict)  # stream: resume at

    @property
    def finished(self) -> bool:
        """False while a streamed input has records left for another chunk."""
        return not self.progress

    def add(self, found: list[Document | Rejection]) -> None:
        for item in found:
            target = self.documents if isinstance(item, Document) else self.rejections
            target.append(item)


@dataclass
class Run:
    """What every batch of one flow run shares."""

    lake: Lake
    ledger: Ledger
    stories: StoryStore
    drop: Path
    settings: Settings
    extractors: Extractors


@dataclass
class BatchSummary:
    files: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    unchanged: int = 0
    waiting: int = 0
    seconds: float = 0.0
    reasons: Counter = field(default_factory=Counter)
    entities: Counter = field(default_factory=Counter)  # name -> articles naming it
    set_aside: list = field(default_factory=list)  # damaged lake batches (Lake.verify)

    def add(self, other: BatchSummary) -> None:
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)

    def describe(self) -> str:
        return (
            f"{self.files} files, {self.accepted} accepted, {self.quarantined} quarantined, "
            f"{self.duplicates} duplicates ({self.seconds:.1f} s)"
        )

    def as_dict(self) -> dict:
        return {
            **vars(self),
            "reasons": dict(self.reasons),
            "entities": dict(self.entities.most_common(TOP_ENTITIES)),
            "seconds": round(self.seconds, 3),
        }

    def to_markdown(self) -> str:
        """The run as a Prefect artifact shows it: counts, quarantine reasons, top entities."""
        lines = ["| files | accepted | quarantined | duplicates | already ingested | seconds |",
                 "| --- | --- | --- | --- | --- | --- |",
                 f"| {self.files} | {self.accepted} | {self.quarantined} | {self.duplicates} "
                 f"| {self.unchanged} | {self.seconds:.1f} |"]  # fmt: skip
        if self.reasons:
            lines += ["", "| quarantine reason | records |", "| --- | --- |"]
            lines += [f"| {code} | {n} |" for code, n in self.reasons.most_common()]
        if self.set_aside:
            lines += ["", "| damaged lake file set aside |", "| --- |"]
            lines += [f"| {damage} |" for damage in self.set_aside]
        if self.entities:
            lines += ["", "| top entity | articles |", "| --- | --- |"]
            lines += [f"| {name} | {n} |" for name, n in self.entities.most_common(TOP_ENTITIES)]
        return "\n".join(lines)


def load_files(items: list[InputFile], ledger: Ledger, limits: Limits = DEFAULT_LIMITS) -> Loaded:
    """Read each file once: hash it, drop what the ledger already has, parse the rest.

    A file that may not be read (presswatch.sources.intake) is quarantined unread; any failure
    to parse one file is that file's quarantine row, never the batch's end.
    """
    loaded = Loaded()
    for item in items:
        try:
            item, data, content_hash = _read_file(item, limits.max_file_bytes)
        except intake.Refused as exc:
            item, data, content_hash = replace(item, refusal=(exc.reason, str(exc))), None, None
        except intake.StillWriting:
            loaded.waiting += 1
            continue
        except OSError as exc:
            logger.warning("cannot read %s: %s", item.source_file, exc)
            continue  # vanished or unreadable now: the next scan tries again
        if item.refusal:
            content_hash = unread_key(item)
        elif data is not None and read.too_many_to_read_whole(item.source_file, data, limits):
            loaded.streams.append(item)  # its records could fill memory: read it in chunks
            continue
        if not _admit(loaded, ledger, item, content_hash):
            continue
        if item.refusal:
            loaded.rejections.append(_refused(item, content_hash))
        elif data is None:
            loaded.rejections.append(_too_large(item, content_hash, limits.max_file_bytes))
        else:
            loaded.add(_parse_file(item, data, content_hash, limits))
    return loaded


def _read_file(item: InputFile, limit: int) -> tuple[InputFile, bytes | None, str | None]:
    if item.refusal:
        return item, None, None
    data, item = intake.read_bytes(item, limit)
    content_hash = hash_file(item) if data is None else hashlib.sha256(data).hexdigest()
    return item, data, content_hash


def _parse_file(item: InputFile, data: bytes, content_hash: str, limits: Limits) -> list:
    try:
        hints = find_hints(item)
        return [
            replace(found, hints=hints) if isinstance(found, Document) else found
            for found in read.read_input(item.source_file, data, content_hash, limits)
        ]
    except Exception as exc:  # a reader's bug on one file must not stop the batch
        logger.exception("reading %s failed", item.source_file)
        fmt = read.detect_format(item.source_file)[0]
        detail = f"read: {type(exc).__name__}: {exc}"
        return [Rejection(item.source_file, 0, fmt, content_hash, ["extraction_error"], detail)]


def load_stream(stream: Stream, content_hash: str, ledger: Ledger, max_documents: int) -> Loaded:
    """The next chunk of a streamed input's documents, from where its last committed one ended."""
    item, loaded = stream.item, Loaded()
    if not _admit(loaded, ledger, item, content_hash):
        return loaded
    start_record, start_offset = ledger.progress.get(content_hash, (0, 0))
    try:
        chunk = read_chunk(stream, content_hash, start_record, start_offset, max_documents)
    except Exception as exc:  # a reader's bug: the rest of this stream is quarantined, once
        logger.exception("reading %s failed", item.source_file)
        fmt = read.detect_format(item.source_file)[0] or "warc"
        detail = f"read: {type(exc).__name__}: {exc} (record {start_record} and after not read)"
        failed = Rejection(item.source_file, start_record, fmt, content_hash,
                           ["extraction_error"], detail)  # fmt: skip
        chunk = Chunk(rejections=[failed], next_record=start_record, next_offset=start_offset)
    loaded.documents, loaded.rejections = chunk.documents, chunk.rejections
    if not chunk.done:
        loaded.progress[item.source_file] = (chunk.next_record, chunk.next_offset)
    logger.debug("%s: records %d-%d, %d not HTML responses", item.source_file,
                 start_record, chunk.next_record, chunk.skipped)  # fmt: skip
    return loaded


def _admit(loaded: Loaded, ledger: Ledger, item: InputFile, content_hash: str) -> bool:
    """Sort a file by what the ledger (and this batch) already has; True when it is to be read."""
    seen = ledger.classify(item, content_hash)
    earlier = next((f for f, h in loaded.files.values() if h == content_hash), None)
    if seen is Seen.UNCHANGED:
        loaded.unchanged += 1
    elif seen is Seen.DUPLICATE or earlier is not None:
        original = ledger.by_hash.get(content_hash) or earlier.source_file
        loaded.duplicates[item.source_file] = (item, content_hash, original)
    else:
        loaded.files[item.source_file] = (item, content_hash)
        return True
    return False


def extract_documents(
    extractors: Extractors, documents: list[Document], limits: Limits = DEFAULT_LIMITS
) -> tuple[list[dict], list[Rejection]]:
    """Article rows of the documents, each extracted in the sandbox (bounded in time and
    memory); a document that is over a bound or that the extractors fail on is rejected."""
    rows, rejections, sized = [], [], []
    for doc in documents:
        size = document_size(doc)
        if size > limits.max_record_bytes:
            rejections.append(_reject(doc, "too_large", f"{size} characters, over the "
                                      f"{limits.max_record_bytes} limit "
                                      "(PRESSWATCH_MAX_RECORD_BYTES)"))  # fmt: skip
        else:
            sized.append(doc)
    for doc, article in zip(sized, extractors.extract(sized), strict=True):
        if isinstance(article, Failed):
            if article.reason == "extraction_error":  # a bug of ours: say so, once per input
                logger.error("extraction failed on %s: %s", doc.source_file, article.detail)
            rejections.append(_reject(doc, article.reason, article.detail))
            continue
        if len(article["body"]) > limits.max_body_chars:
            rejections.append(_reject(doc, "too_large", f"its body has {len(article['body'])} "
                                      f"characters, over the {limits.max_body_chars} limit "
                                      "(PRESSWATCH_MAX_BODY_CHARS)"))  # fmt: skip
            continue
        rows.append(
            {
                "article_id": article_id(doc.content_hash, doc.source_record),
                "source_file": doc.source_file,
                "source_record": doc.source_record,
                "format": doc.format,
                "content_hash": doc.content_hash,
                **article,
            }
        )
    return rows, rejections


def document_size(doc: Document) -> int:
    """Characters of a document's content (a page's text, or its record as JSON)."""
    if doc.record:
        return len(json.dumps(doc.record, ensure_ascii=False, default=str))
    return len(doc.text)


def commit(
    lake: Lake,
    ledger: Ledger,
    loaded: Loaded,
    accepted: list[dict],
    rejections: list[Rejection],
    entities: list[dict],
    story_rows: list[dict],
    pairs: KeySet,
    batch_id: str,
    now: datetime,
) -> BatchSummary:
    """Write the batch to the lake (ledger last) and add it to the in-memory ledger; `pairs`
    (the story index's) are what the coverage rollups counted before, and learn this batch."""
    stamp = {"batch_id": batch_id, "ingested_at": now}
    articles = [{**row, **stamp, "published_date": _day(row["published_at"])} for row in accepted]
    quarantine = [{**vars(r), **stamp} for r in rejections]
    schemas = table_schemas()
    article_table = pa.Table.from_pylist(articles, schemas["articles"])
    entity_table = pa.Table.from_pylist([{**row, "batch_id": batch_id} for row in entities],
                                        schemas["entities"])  # fmt: skip
    story_rows = [{**row, "batch_id": batch_id} for row in story_rows]
    accepted_by_file = Counter(row["source_file"] for row in accepted)
    quarantined_by_file = Counter(r.source_file for r in rejections)
    counts = (accepted_by_file, quarantined_by_file)
    ledger_rows = [
        _ledger_row(item, h, None, counts, stamp, loaded.progress.get(item.source_file))
        for item, h in loaded.files.values()
    ] + [
        _ledger_row(item, h, original, (Counter(), Counter()), stamp)
        for item, h, original in loaded.duplicates.values()
    ]
    if ledger_rows:
        lake.commit_batch(
            batch_id,
            {
                "articles": article_table,
                "quarantine": quarantine,
                "entities": entity_table,
                "story_index": story_rows,
                "terms": terms_table(articles, batch_id),
                **rollups(article_table, entity_table, pairs, batch_id),
                "ledger": ledger_rows,
            },
        )
        ledger.add(ledger_rows)
    return BatchSummary(
        files=len(ledger_rows) - len(loaded.progress) + loaded.unchanged,
        accepted=len(articles),
        quarantined=len(quarantine),
        duplicates=len(loaded.duplicates),
        unchanged=loaded.unchanged,
        waiting=loaded.waiting,
        reasons=Counter(reason for r in rejections for reason in r.reasons),
        entities=Counter(row["name"] for row in entities),
    )


def warm_up(entities: bool = True) -> None:
    """Load what the first batch would otherwise wait for (GX, the NER model): for `watch`.
    The extractors warm up in their own processes (presswatch.sandbox)."""
    from presswatch.entities.ner import load_model
    from presswatch.validate import load_validator

    load_validator()
    if entities:
        load_model()


def validate(rows: list[dict], now: datetime) -> tuple[list[dict], list[Rejection]]:
    """Validate (presswatch.validate): rows that break a rule of the suite are rejected, and a
    row the validation itself fails on is isolated and rejected, never the batch's end."""
    from presswatch.validate import validate_articles

    results, failed = isolated("validate", lambda part: [validate_articles(part, now)], rows)
    accepted = [row for ok, _ in results for row in ok]
    return accepted, [rejection for _, bad in results for rejection in bad] + failed


def find_entities(
    accepted: list[dict], processes: int = 0, max_chars: int = DEFAULT_LIMITS.max_ner_chars
) -> tuple[list[dict], list[Rejection]]:
    """Enrich: the entities each accepted article names (see presswatch.entities), and the
    articles recognition failed on, rejected (the caller drops them from the batch)."""
    from presswatch.entities import extract_entities

    return isolated(
        "entities", lambda part: extract_entities(part, processes or None, max_chars), accepted
    )


def group_stories(index, accepted: list[dict], entities: list[dict]) -> tuple[list, list, list]:
    """Enrich: copy group, story and date suspicion of each accepted article; the index rows to
    store; the articles it failed on, rejected. The index (presswatch.stories.StoryIndex)
    learns the batch as it goes, so failures are caught article by article inside it."""
    if not accepted:
        return accepted, [], []
    from presswatch.stories import assign_stories

    assignments, index_rows, failures = assign_stories(index, accepted, entities)
    by_id = {a["article_id"]: a for a in assignments}
    grouped = [
        {
            **row,
            **{k: by_id[row["article_id"]][k] for k in ("story_id", "copy_group", "date_suspect")},
        }
        for row in accepted
        if row["article_id"] in by_id
    ]
    failed = [
        _failed_row(row, "stories", failures[row["article_id"]])
        for row in accepted
        if row["article_id"] in failures
    ]
    return grouped, index_rows, failed


def isolated(stage: str, function, rows: list[dict]) -> tuple[list, list[Rejection]]:
    """function(rows) -> list, run on all rows at once; when it raises, on halves of them until
    each failing row is alone: those rows are rejected (extraction_error, naming the stage and
    the exception), the others' results kept. One bad article costs a few more calls, not the
    batch."""
    if not rows:
        return [], []
    try:
        return function(rows), []
    except Exception as exc:
        if len(rows) == 1:
            logger.error("%s failed on %s: %s: %s", stage, rows[0]["source_file"],
                         type(exc).__name__, exc)  # fmt: skip
            return [], [_failed_row(rows[0], stage, f"{type(exc).__name__}: {exc}")]
    half = len(rows) // 2
    first, first_failed = isolated(stage, function, rows[:half])
    second, second_failed = isolated(stage, function, rows[half:])
    return first + second, first_failed + second_failed


def without(rows: list[dict], rejected: list[Rejection]) -> list[dict]:
    """`rows` less those of the rejected articles."""
    gone = {(r.source_file, r.source_record) for r in rejected}
    return [row for row in rows if (row["source_file"], row["source_record"]) not in gone]


def _failed_row(row: dict, stage: str, error: str) -> Rejection:
    return Rejection(row["source_file"], row["source_record"], row["format"],
                     row["content_hash"], ["extraction_error"], f"{stage}: {error}")  # fmt: skip


def article_id(content_hash: str, source_record: int) -> str:
    """Stable across reruns: the same bytes and record always get the same id."""
    return hashlib.sha256(f"{content_hash}:{source_record}".encode()).hexdigest()[:20]


def _ledger_row(item, content_hash, original, counts, stamp, progress=None) -> dict:
    """One file's ledger entry; `progress` marks a stream chunk with records still to come."""
    outcome = "duplicate" if original else "partial" if progress else "ingested"
    return {
        "content_hash": content_hash,
        "source_file": item.source_file,
        "size": item.size,
        "mtime_ns": item.mtime_ns,
        "drop_folder": item.drop or None,
        "outcome": outcome,
        "duplicate_of": original,
        "accepted": counts[0][item.source_file],
        "quarantined": counts[1][item.source_file],
        "records_done": progress[0] if progress else None,
        "resume_offset": progress[1] if progress else None,
        **stamp,
    }


def _reject(doc: Document, reason: str, detail: str) -> Rejection:
    return Rejection(
        doc.source_file, doc.source_record, doc.format, doc.content_hash, [reason], detail
    )


def hash_file(item: InputFile) -> str:
    """SHA-256 of a file, read in chunks (streams and large files)."""
    digest = hashlib.sha256()
    with intake.open_checked(item) as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def unread_key(item: InputFile) -> str:
    """The ledger key of an input refused unread: it has no content hash of its own."""
    reason = item.refusal[0] if item.refusal else ""
    text = f"unread\0{reason}\0{item.drop}\0{item.source_file}\0{item.size}\0{item.mtime_ns}"
    return hashlib.sha256(text.encode("utf-8", "backslashreplace")).hexdigest()


def _refused(item: InputFile, key: str) -> Rejection:
    reason, detail = item.refusal
    return Rejection(item.source_file, 0, read.detect_format(item.source_file)[0], key, [reason],
                     detail)  # fmt: skip


def _day(value: datetime | None):
    return value.date() if value else None


def _too_large(item: InputFile, content_hash: str, limit: int) -> Rejection:
    fmt, _ = read.detect_format(item.source_file)
    return Rejection(
        item.source_file,
        0,
        fmt,
        content_hash,
        ["too_large"],
        f"{item.size} bytes is over the {limit}-byte limit (PRESSWATCH_MAX_FILE_BYTES)",
    )
