"""The ledger: what was done with each input, keyed by content hash, so ingest is exactly once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import StrEnum

from presswatch.lake.tables import Lake
from presswatch.model import InputFile

logger = logging.getLogger(__name__)


class Seen(StrEnum):
    NEW = "new"  # never ingested: process it
    UNCHANGED = "unchanged"  # this path with these bytes is already in the ledger: skip
    DUPLICATE = "duplicate"  # these bytes were ingested under another name: count, don't store


@dataclass
class Ledger:
    # (drop folder, source_file) -> (size, mtime, hash): two drop folders feeding one data
    # directory may hold the same relative name. Rows without a folder (older) match any.
    by_path: dict[tuple[str | None, str], tuple[int, int, str]] = field(default_factory=dict)
    by_hash: dict[str, str] = field(default_factory=dict)  # hash -> first source_file
    progress: dict[str, tuple[int, int]] = field(default_factory=dict)  # archive hash -> resume at
    files_read: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, lake: Lake) -> Ledger:
        ledger = cls()
        ledger.refresh(lake)
        return ledger

    def refresh(self, lake: Lake) -> None:
        """Add the ledger files written since the last look (by this or another process)."""
        new = [path for path in lake.files("ledger") if path.name not in self.files_read]
        if new:
            self.add(lake.read_table("ledger", paths=new).to_pylist())
            self.files_read.update(path.name for path in new)

    def add(self, rows: list[dict]) -> None:
        for row in rows:
            content_hash = row["content_hash"]
            key = (row.get("drop_folder"), row["source_file"])
            self.by_path[key] = (row["size"], row["mtime_ns"], content_hash)
            self.by_hash.setdefault(content_hash, row["source_file"])
            if row["outcome"] == "partial":
                self.progress[content_hash] = (row["records_done"], row["resume_offset"])
            else:
                self.progress.pop(content_hash, None)

    def known(self, item: InputFile) -> tuple[int, int, str] | None:
        """The ledger's last entry for this file of this drop folder."""
        return self.by_path.get((item.drop, item.source_file)) or self.by_path.get(
            (None, item.source_file)
        )

    def is_unchanged(self, item: InputFile) -> bool:
        """Same path, size and mtime as a ledger entry: skip without reading the file."""
        known = self.known(item)
        return (
            known is not None
            and known[:2] == (item.size, item.mtime_ns)
            and known[2] not in self.progress
        )

    def classify(self, item: InputFile, content_hash: str) -> Seen:
        if content_hash in self.progress:
            return Seen.NEW  # an archive to resume
        known = self.known(item)
        if known is not None and known[2] == content_hash:
            return Seen.UNCHANGED
        if content_hash in self.by_hash:
            return Seen.DUPLICATE
        return Seen.NEW
