"""Intake: what may be read from the drop folder, and reading it.

Only regular files inside the drop folder are read. A symbolic link is followed only when its
target lies inside the folder; a link out of it, a special file (pipe, socket, device) and a
zero-size file of a pseudo file system (/proc, /sys: their size says nothing of their content)
are refused unread, each to be quarantined with its reason. A file is read through one handle,
opened without blocking and checked again once open (a link swapped in after the scan is still
refused), and its size and mtime are those of that handle: the ledger records what was read.
A drop folder in a bucket (s3://bucket/prefix) holds only objects, read through
presswatch.lake.storage: an object appears whole on upload, so it is never half-written.
"""

from __future__ import annotations

import functools
import os
import stat
from dataclasses import replace
from pathlib import Path

from presswatch.lake.storage import Folder, is_remote
from presswatch.model import InputFile

OUTSIDE_DROP = "outside_drop"
NOT_REGULAR = "not_a_regular_file"
# File systems whose files report a size of 0 whatever they hold.
PSEUDO_FILESYSTEMS = frozenset({
    "proc", "sysfs", "devtmpfs", "devpts", "debugfs", "tracefs", "securityfs", "cgroup",
    "cgroup2", "configfs", "fusectl", "bpf", "pstore", "efivarfs", "mqueue", "hugetlbfs",
    "autofs", "binfmt_misc", "rpc_pipefs", "nsfs",
})  # fmt: skip
OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


class Refused(Exception):
    """The input may not be read: `reason` is its quarantine code."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason


class StillWriting(Exception):
    """The file changed while it was read: it is left for a later pass."""


def inspect(path: Path, drop: Path) -> InputFile | None:
    """The drop folder's entry at `path` (`drop` resolved) as an input; None once it is gone.

    Entries that may not be read come back with `refusal` set and are never opened.
    """
    if is_remote(drop):
        folder = Folder(drop)
        found = folder.info(str(path))
        if found is None:
            return None
        return InputFile(path, str(path)[len(folder.root) + 1 :], found.size, found.mtime_ns,
                         folder.url)  # fmt: skip
    try:
        link = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    item = InputFile(path, source_name(path, drop), link.st_size, link.st_mtime_ns, str(drop))
    if stat.S_ISLNK(link.st_mode):
        target = os.path.realpath(path)
        if not inside(target, drop):
            return _refuse(item, OUTSIDE_DROP, f"a symbolic link to {target}, outside the drop "
                                               "folder: not read")  # fmt: skip
        try:
            found = os.stat(path)
        except OSError as exc:
            detail = f"a symbolic link that leads nowhere ({exc.strerror})"
            return _refuse(item, NOT_REGULAR, detail)
    else:
        found = link
    if not stat.S_ISREG(found.st_mode):
        return _refuse(item, NOT_REGULAR, f"a {kind(found.st_mode)}, not a regular file: not read")
    if found.st_size == 0 and pseudo_filesystem(found.st_dev):
        return _refuse(item, NOT_REGULAR, f"a file of the {pseudo_filesystem(found.st_dev)} "
                                          "pseudo file system: not read")  # fmt: skip
    return replace(item, size=found.st_size, mtime_ns=found.st_mtime_ns)


def read_bytes(item: InputFile, limit: int) -> tuple[bytes | None, InputFile]:
    """The file's bytes, None when it holds more than `limit`; with the size and mtime read.

    Raises Refused when the open file is not a regular file inside the drop folder (swapped
    since the scan), StillWriting when it changed while it was read, OSError when it is gone.
    """
    if is_remote(item.drop):
        if item.size > limit:
            return None, item
        with Folder(item.drop).fs.open_input_stream(str(item.path), compression=None) as handle:
            data = _read_up_to(handle, limit + 1)
        if len(data) > limit:
            return None, item
        return data, replace(item, size=len(data))
    fd = os.open(item.path, OPEN_FLAGS)
    with os.fdopen(fd, "rb", buffering=0) as handle:
        before = os.fstat(fd)
        _check_open(fd, before, item)
        data = None if before.st_size > limit else _read_up_to(handle, limit + 1)
        after = os.fstat(fd)
    changed = (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns)
    if changed or (data is not None and len(data) != before.st_size):
        raise StillWriting(item.source_file)
    return data, replace(item, size=before.st_size, mtime_ns=before.st_mtime_ns)


def open_checked(item: InputFile):
    """A binary handle on the file, after the same checks as read_bytes (for streams)."""
    if is_remote(item.drop):
        return Folder(item.drop).fs.open_input_file(str(item.path))  # seekable, ranged reads
    fd = os.open(item.path, OPEN_FLAGS)
    handle = os.fdopen(fd, "rb")
    try:
        _check_open(fd, os.fstat(fd), item)
    except BaseException:
        handle.close()
        raise
    return handle


def source_name(path: Path, drop: Path) -> str:
    """`path` relative to the drop folder, with forward slashes. Bytes of a name that are not
    UTF-8 are written as \\xNN (Parquet strings are UTF-8)."""
    relative = path.relative_to(drop).as_posix()
    return relative.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def inside(target: str | Path, drop: Path) -> bool:
    return Path(target).is_relative_to(drop)


def kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "folder"), (stat.S_ISFIFO, "named pipe"),
                       (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device")):  # fmt: skip
        if test(mode):
            return name
    return "special file"


def pseudo_filesystem(device: int) -> str | None:
    """The type of the pseudo file system holding files of `device`, else None (Linux)."""
    return _mount_types().get((os.major(device), os.minor(device)))


@functools.cache
def _mount_types() -> dict[tuple[int, int], str]:
    """(major, minor) -> file system type, of pseudo file systems, from /proc/self/mountinfo."""
    types: dict[tuple[int, int], str] = {}
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return types
    for line in lines:
        fields = line.split()
        if "-" not in fields:
            continue
        fstype = fields[fields.index("-") + 1]
        if fstype in PSEUDO_FILESYSTEMS:
            major, _, minor = fields[2].partition(":")
            types[(int(major), int(minor))] = fstype
    return types


def _check_open(fd: int, found: os.stat_result, item: InputFile) -> None:
    if not stat.S_ISREG(found.st_mode):
        raise Refused(NOT_REGULAR, f"a {kind(found.st_mode)}, not a regular file: not read")
    real = os.path.realpath(f"/proc/self/fd/{fd}") if os.path.isdir("/proc/self/fd") else None
    real = real or os.path.realpath(item.path)
    if item.drop and not inside(real, Path(item.drop)):
        raise Refused(OUTSIDE_DROP, f"leads to {real}, outside the drop folder: not read")


def _read_up_to(handle, count: int) -> bytes:
    chunks, left = [], count
    while left > 0:
        chunk = handle.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _refuse(item: InputFile, reason: str, detail: str) -> InputFile:
    return replace(item, refusal=(reason, detail))
