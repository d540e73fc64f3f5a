"""The stages of one batch, as plain functions over plain data: load, extract, enrich, commit.

Validation is presswatch.validate; flows/ingest.py chains them, each taking what the previous
one returned.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from presswatch import read
from presswatch.extract import NotAnArticle, extract_article
from presswatch.hints import find_hints
from presswatch.lake import Lake
from presswatch.ledger import Ledger, Seen
from presswatch.model import Document, InputFile, Rejection
from presswatch.streams import Stream, read_chunk

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
    progress: dict[str, tuple[int, int]] = field(default_factory=dict)  # stream: resume at

    @property
    def finished(self) -> bool:
        """False while a streamed input has records left for another chunk."""
        return not self.progress


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
        if self.entities:
            lines += ["", "| top entity | articles |", "| --- | --- |"]
            lines += [f"| {name} | {n} |" for name, n in self.entities.most_common(TOP_ENTITIES)]
        return "\n".join(lines)


def load_files(items: list[InputFile], ledger: Ledger, max_file_bytes: int) -> Loaded:
    """Read each file once: hash it, drop what the ledger already has, parse the rest."""
    loaded = Loaded()
    for item in items:
        too_large = item.size > max_file_bytes
        try:
            data = b"" if too_large else item.path.read_bytes()
            content_hash = hash_file(item) if too_large else hashlib.sha256(data).hexdigest()
        except OSError as exc:
            logger.warning("cannot read %s: %s", item.source_file, exc)
            continue  # vanished or unreadable now: the next scan tries again
        if not _admit(loaded, ledger, item, content_hash):
            continue
        if too_large:
            loaded.rejections.append(_too_large(item, content_hash, max_file_bytes))
            continue
        hints = find_hints(item.path, item.source_file)
        for found in read.read_input(item.source_file, data, content_hash):
            if isinstance(found, Document):
                found.hints = hints
                loaded.documents.append(found)
            else:
                loaded.rejections.append(found)
    return loaded


def load_stream(stream: Stream, content_hash: str, ledger: Ledger, max_documents: int) -> Loaded:
    """The next chunk of a streamed input's documents, from where its last committed one ended."""
    item, loaded = stream.item, Loaded()
    if not _admit(loaded, ledger, item, content_hash):
        return loaded
    start_record, start_offset = ledger.progress.get(content_hash, (0, 0))
    chunk = read_chunk(stream, content_hash, start_record, start_offset, max_documents)
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


def extract_documents(documents: list[Document]) -> tuple[list[dict], list[Rejection]]:
    """Article rows of the documents; a document the extractors fail on is rejected, not fatal."""
    rows, rejections = [], []
    for doc in documents:
        try:
            article = extract_article(doc)
        except NotAnArticle as exc:
            rejections.append(_reject(doc, "not_an_article", str(exc)))
            continue
        except Exception as exc:  # one bad page must not stop the batch
            logger.exception("extraction failed on %s", doc.source_file)
            rejections.append(_reject(doc, "extraction_error", f"{type(exc).__name__}: {exc}"))
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


def commit(
    lake: Lake,
    ledger: Ledger,
    loaded: Loaded,
    accepted: list[dict],
    rejections: list[Rejection],
    entities: list[dict],
    story_rows: list[dict],
    batch_id: str,
    now: datetime,
) -> BatchSummary:
    """Write the batch to the lake (ledger last) and add it to the in-memory ledger."""
    stamp = {"batch_id": batch_id, "ingested_at": now}
    articles = [{**row, **stamp, "published_date": _day(row["published_at"])} for row in accepted]
    quarantine = [{**vars(r), **stamp} for r in rejections]
    entity_rows = [{**row, "batch_id": batch_id} for row in entities]
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
                "articles": articles,
                "quarantine": quarantine,
                "entities": entity_rows,
                "story_index": story_rows,
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
        reasons=Counter(reason for r in rejections for reason in r.reasons),
        entities=Counter(row["name"] for row in entities),
    )


def warm_up(entities: bool = True) -> None:
    """Load what the first batch would otherwise wait for (GX, the models): for `watch`."""
    from presswatch.entities.ner import load_model
    from presswatch.extract.metadata import detect_language
    from presswatch.validate import load_validator

    load_validator()
    if entities:
        load_model()
    detect_language("Loading the language identification model before the first article arrives.")


def find_entities(accepted: list[dict], processes: int = 0) -> list[dict]:
    """Enrich: the entities each accepted article names (see presswatch.entities)."""
    if not accepted:
        return []
    from presswatch.entities import extract_entities

    return extract_entities(accepted, n_process=processes or None)


def group_stories(index, accepted: list[dict], entities: list[dict]) -> tuple[list, list]:
    """Enrich: copy group, story and date suspicion of each accepted article; the index rows to
    store. The index (presswatch.stories.StoryIndex) learns the batch as it goes."""
    if not accepted:
        return accepted, []
    from presswatch.stories import assign_stories

    assignments, index_rows = assign_stories(index, accepted, entities)
    by_id = {a["article_id"]: a for a in assignments}
    grouped = [
        {
            **row,
            **{k: by_id[row["article_id"]][k] for k in ("story_id", "copy_group", "date_suspect")},
        }
        for row in accepted
    ]
    return grouped, index_rows


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
    with open(item.path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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
