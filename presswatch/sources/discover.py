"""Discover: the ready input files of a drop folder, not yet in the ledger."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from presswatch.lake.ledger import Ledger
from presswatch.lake.storage import Folder, is_remote
from presswatch.model import InputFile
from presswatch.sources import intake
from presswatch.sources.hints import is_sidecar

logger = logging.getLogger(__name__)

NOT_READY_SUFFIXES = (".part", ".tmp", ".crdownload", "~")


def is_temporary_name(name: str) -> bool:
    """Names that downloaders and editors use while a file is still being written."""
    return name.startswith(".") or name.endswith(NOT_READY_SUFFIXES)


def scan(drop: Path, exclude: tuple[Path, ...] = ()) -> list[InputFile]:
    """Every input under drop with a final name, sorted by path (see presswatch.sources.intake:
    entries that may not be read are listed too, refused, so that each is quarantined once).

    Hidden folders are skipped, and NAME.meta.json sidecars are hints for NAME, not inputs.
    A linked folder is not entered: one inside the drop folder is scanned where it really is,
    one that leads out of it is refused.
    """
    if is_remote(drop):
        return scan_bucket(str(drop), exclude)
    drop = drop.resolve()
    excluded = {Path(p).resolve() for p in exclude if not is_remote(p)}
    found = []
    for folder, dirs, names in os.walk(drop):
        kept = []
        for name in dirs:
            path = Path(folder, name)
            if name.startswith(".") or path in excluded:
                continue
            if path.is_symlink():
                item = intake.inspect(path, drop)
                if item is not None and item.refusal and item.refusal[0] == intake.OUTSIDE_DROP:
                    found.append(item)
                continue
            kept.append(name)
        dirs[:] = sorted(kept)
        for name in names:
            if is_temporary_name(name) or is_sidecar(name):
                continue
            item = intake.inspect(Path(folder, name), drop)
            if item is not None:
                found.append(item)
    return sorted(found, key=lambda f: f.source_file)


def scan_bucket(drop: str, exclude: tuple = ()) -> list[InputFile]:
    """`scan` for a drop folder in a bucket: every object under the prefix, by listing (like
    Auto Loader's directory-listing mode). Objects have no links and no special kinds."""
    folder = Folder(drop)
    skipped = tuple(Folder(str(p)).path() + "/" for p in exclude if is_remote(p))
    found = []
    for entry in folder.list(recursive=True):
        relative = entry.path[len(folder.root) + 1 :]
        *folders, name = relative.split("/")
        hidden = any(part.startswith(".") for part in folders)
        if hidden or entry.path.startswith(skipped) or is_temporary_name(name) or is_sidecar(name):
            continue
        found.append(InputFile(PurePosixPath(entry.path), relative, entry.size, entry.mtime_ns,
                               folder.url))  # fmt: skip
    return found


@dataclass
class Discovery:
    ready: list[InputFile]  # new or changed, and done being written
    waiting: int  # still being written: left for the next pass
    unchanged: int  # same path, size and mtime as in the ledger: nothing to do


def find_ready(
    drop: Path, ledger: Ledger, min_file_age: float, exclude: tuple[Path, ...] = ()
) -> Discovery:
    """The drop folder's files that are new to the ledger and ready to read.

    A file is ready once its mtime is `min_file_age` old; younger files are waited for once (at
    most that long) and kept only if their size and mtime held still meanwhile.
    """
    found = scan(drop, exclude)
    candidates = [f for f in found if not ledger.is_unchanged(f)]
    unchanged = len(found) - len(candidates)
    young = [f for f in candidates if time.time() - f.mtime_ns / 1e9 < min_file_age]
    if not young:
        return Discovery(candidates, 0, unchanged)
    newest = max(f.mtime_ns for f in young) / 1e9
    time.sleep(max(0.0, min_file_age - (time.time() - newest)))
    settled = {f.path for f in young if _unchanged_since(f)}
    ready = [f for f in candidates if f not in young or f.path in settled]
    return Discovery(ready, len(candidates) - len(ready), unchanged)


def _unchanged_since(item: InputFile) -> bool:
    now = intake.inspect(item.path, item.drop if is_remote(item.drop) else Path(item.drop))
    return now is not None and (now.size, now.mtime_ns) == (item.size, item.mtime_ns)
