"""Arrivals: which files in the drop folder are ready, from file-system events and rescans.

A file closed after writing (inotify close-write) or moved into the folder (moved-to) is ready
at once. Events get lost (network mounts, queue overflow), so a periodic full rescan also runs;
a file it finds is ready once its mtime is `min_file_age` old. Temporary names are never ready.
Arrivals are gathered into micro-batches bounded in size and in time. A bucket sends no events:
its prefix is listed instead (Listing).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

from presswatch.lake.storage import is_remote
from presswatch.model import InputFile
from presswatch.sources import intake
from presswatch.sources.discover import is_temporary_name, scan
from presswatch.sources.hints import is_sidecar

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.05  # how often the batching loop looks at the clock and the stop signal


class Arrivals:
    """Ready files, in arrival order, taken in micro-batches by `next_batch`."""

    def __init__(
        self,
        drop: Path,
        exclude: tuple[Path, ...],
        is_known: Callable[[InputFile], bool],
        min_file_age: float,
        rescan_interval: float,
    ):
        self.drop = drop.resolve()
        self.exclude = tuple(Path(p).resolve() for p in exclude if not is_remote(p))
        self.is_known = is_known
        self.min_file_age = min_file_age
        self.rescan_interval = rescan_interval
        self._pending: dict[Path, float] = {}  # path -> when it became ready
        self._lock = threading.Lock()
        self._observer = None
        self._next_rescan = 0.0  # rescan at once: what arrived while nobody watched

    def __enter__(self) -> Arrivals:
        from watchdog.observers import Observer

        self._observer = Observer()
        self._observer.schedule(_Handler(self), str(self.drop), recursive=True)
        self._observer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._observer.stop()
        self._observer.join()

    def mark_ready(self, path: Path) -> None:
        if is_temporary_name(path.name) or is_sidecar(path.name) or self._excluded(path):
            return
        with self._lock:
            self._pending.setdefault(path, time.monotonic())

    def next_batch(self, max_files: int, trigger_interval: float, stop: threading.Event) -> list:
        """Block until a micro-batch is due (max_files ready, or trigger_interval since the first
        arrival), or stop is set; return its ready files, not yet in the ledger."""
        while not stop.is_set():
            if time.monotonic() >= self._next_rescan:
                self._rescan()
            with self._lock:
                first = min(self._pending.values(), default=None)
                due = first is not None and (
                    len(self._pending) >= max_files or time.monotonic() - first >= trigger_interval
                )
                if due:
                    paths = sorted(self._pending, key=self._pending.get)[:max_files]
                    for path in paths:
                        del self._pending[path]
            if due:
                ready = [f for f in map(self._stat, paths) if f and not self.is_known(f)]
                if ready:
                    return ready
                continue
            stop.wait(POLL_SECONDS)
        return []

    def _rescan(self) -> None:
        now = time.time()
        for item in scan(self.drop, self.exclude):
            if now - item.mtime_ns / 1e9 >= self.min_file_age and not self.is_known(item):
                self.mark_ready(item.path)
        self._next_rescan = time.monotonic() + self.rescan_interval

    def _stat(self, path: Path) -> InputFile | None:
        return intake.inspect(path, self.drop)  # None: gone again (moved on, deleted)

    def _excluded(self, path: Path) -> bool:
        return any(path.is_relative_to(folder) for folder in self.exclude) or any(
            part.startswith(".") for part in path.relative_to(self.drop).parts[:-1]
        )


class Listing:
    """Arrivals in a bucket, by listing its prefix every `interval` seconds (Auto Loader's
    directory-listing mode). An object appears whole on upload; one is ready once its
    Last-Modified is `min_file_age` old, which lets a producer's related uploads land together."""

    def __init__(self, drop: str, exclude: tuple, is_known: Callable[[InputFile], bool],
                 min_file_age: float, interval: float):  # fmt: skip
        self.drop, self.exclude, self.is_known = drop, exclude, is_known
        self.min_file_age, self.interval = min_file_age, interval

    def __enter__(self) -> Listing:
        return self

    def __exit__(self, *exc) -> None:
        pass

    def next_batch(self, max_files: int, trigger_interval: float, stop: threading.Event) -> list:
        """The next ready objects not in the ledger (at most max_files), once some are there."""
        while not stop.is_set():
            now = time.time()
            ready = [
                item
                for item in scan(self.drop, self.exclude)
                if now - item.mtime_ns / 1e9 >= self.min_file_age and not self.is_known(item)
            ]
            if ready:
                return ready[:max_files]
            stop.wait(max(trigger_interval, self.interval))
        return []


class _Handler:
    """watchdog callbacks: close-after-write and moved-in mean ready; the rest waits."""

    def __init__(self, arrivals: Arrivals):
        self.arrivals = arrivals

    def dispatch(self, event) -> None:
        if event.is_directory:
            return
        if event.event_type == "closed":
            self.arrivals.mark_ready(Path(event.src_path))
        elif event.event_type == "moved":
            self.arrivals.mark_ready(Path(event.dest_path))


def stop_on_signals() -> threading.Event:
    """An event set by the first SIGINT or SIGTERM; a second one interrupts at once."""
    stop = threading.Event()

    def handle(signum, frame):
        if stop.is_set():
            raise KeyboardInterrupt
        logger.info("stopping after the batch in hand (%s)", signal.Signals(signum).name)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, handle)
        signal.signal(signal.SIGTERM, handle)
    return stop
