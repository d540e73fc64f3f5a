"""Discover: the ready input files of a drop folder, not yet in the ledger."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from presswatch.hints import is_sidecar
from presswatch.ledger import Ledger
from presswatch.model import InputFile

logger = logging.getLogger(__name__)

NOT_READY_SUFFIXES = (".part", ".tmp", ".crdownload", "~")


def is_temporary_name(name: str) -> bool:
    """Names that downloaders and editors use while a file is still being written."""
    return name.startswith(".") or name.endswith(NOT_READY_SUFFIXES)


def scan(drop: Path, exclude: tuple[Path, ...] = ()) -> list[InputFile]:
    """Every input under drop: regular files with a final name, sorted by path.

    Hidden folders are skipped, and NAME.meta.json sidecars are hints for NAME, not inputs.
    """
    drop = drop.resolve()
    excluded = {p.resolve() for p in exclude}
    found = []
    for folder, dirs, names in os.walk(drop):
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and Path(folder, d) not in excluded
        )
        for name in names:
            path = Path(folder, name)
            if is_temporary_name(name) or is_sidecar(name) or not path.is_file():
                continue
            stat = path.stat()
            relative = path.relative_to(drop).as_posix()
            found.append(InputFile(path, relative, stat.st_size, stat.st_mtime_ns))
    return sorted(found, key=lambda f: f.source_file)


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
    try:
        stat = item.path.stat()
    except FileNotFoundError:
        return False
    return (stat.st_size, stat.st_mtime_ns) == (item.size, item.mtime_ns)
