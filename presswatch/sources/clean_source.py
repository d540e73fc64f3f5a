"""After a batch commits: keep, move or delete the dropped files, as the user chose."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from presswatch.lake.storage import Folder, is_remote
from presswatch.model import InputFile, Rejection
from presswatch.pipeline import Loaded

logger = logging.getLogger(__name__)


def clean_sources(
    policy: str, processed: Path | str, rejected: Path | str, loaded: Loaded,
    accepted: list[dict], rejections: list[Rejection],
) -> None:  # fmt: skip
    """Move or delete the batch's files (never an archive with chunks still to come)."""
    if policy == "keep":
        return
    gave_article = {row["source_file"] for row in accepted}
    reasons: dict[str, list[Rejection]] = {}
    for rejection in rejections:
        reasons.setdefault(rejection.source_file, []).append(rejection)
    done = [item for item, _ in loaded.files.values() if item.source_file not in loaded.progress]
    done += [item for item, _, _ in loaded.duplicates.values()]
    for item in done:
        try:
            if policy == "delete":
                _delete(item)
            elif item.source_file in reasons and item.source_file not in gave_article:
                _move(item, rejected, reasons[item.source_file])
            else:
                _move(item, processed)
        except OSError as exc:  # the ledger already has the file: a failed move loses nothing
            logger.warning("could not %s %s: %s", policy, item.source_file, exc)


def _delete(item: InputFile) -> None:
    if is_remote(item.drop):
        Folder(item.drop).delete(str(item.path))
    else:
        item.path.unlink(missing_ok=True)


def _move(item: InputFile, folder: Path | str, reasons: list[Rejection] | None = None) -> None:
    lines = [f"{','.join(r.reasons)} (record {r.source_record}): {r.detail}" for r in reasons or []]
    if is_remote(item.drop):  # in the same store: a copy, then the delete
        target = Folder(str(folder)).path(item.source_file)
        drop = Folder(item.drop)
        drop.move(str(item.path), target)
        if lines:
            drop.write_text(target + ".reason", "\n".join(lines) + "\n")
        return
    target = Path(folder) / item.source_file
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(item.path, target)
    if lines:
        target.with_name(target.name + ".reason").write_text("\n".join(lines) + "\n")
