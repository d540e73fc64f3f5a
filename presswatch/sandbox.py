"""Sandbox: every document is extracted in a worker process, bounded in time and in memory.

A regular expression or an HTML parser can spend minutes or gigabytes on one hostile page, and
code running in C cannot be interrupted from Python: only a separate process can be stopped.
Workers run `python -m presswatch.sandbox`: started through the lifeline (they die with
presswatch), in a session of their own (a Ctrl-C or a `timeout` meant for the command reaches
the pipeline, which then stops them), with an address-space limit of their start-up size plus
`max_extract_memory`. A document that takes more than `max_seconds_per_file` is quarantined
`too_slow` and its worker replaced; one that needs more memory is quarantined `too_large`; one
whose worker dies (a crash in C code) gets `extraction_error`; the rest go on in new workers.
Workers take documents one at a time, so N of them extract N documents at once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import select
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from presswatch import lifeline
from presswatch.model import Document
from presswatch.settings import DEFAULT_LIMITS, Limits

logger = logging.getLogger(__name__)

STOP_SECONDS = 5  # a worker asked to stop (its input closed) gets this long before a kill
START_SECONDS = 120  # to import the extractors and warm them up (about 1 s)
READY = "ready"


@dataclass(frozen=True)
class Failed:
    """A document the sandbox could not extract: the quarantine reason and detail."""

    reason: str
    detail: str


class Extractors:
    """A pool of extractor processes; `extract(documents)` gives each one's article fields
    (a dict, see presswatch.extract.extract_article) or a Failed, in the documents' order."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS, processes: int = 0):
        self.limits = limits
        self.processes = processes or os.cpu_count() or 1
        self._idle: list[_Worker] = []

    def __enter__(self) -> Extractors:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self, count: int | None = None) -> None:
        """Start workers ahead of the documents: they warm up side by side."""
        while len(self._idle) < min(count or self.processes, self.processes):
            self._idle.append(_Worker.start(self.limits.max_extract_memory))

    def warm_up(self) -> None:
        """Start every worker and wait until each is ready."""
        self.start()
        for worker in self._idle:
            worker.wait_ready()

    def close(self) -> None:
        while self._idle:
            self._idle.pop().stop()

    def extract(self, documents: list[Document]) -> list[dict | Failed]:
        results: list[dict | Failed | None] = [None] * len(documents)
        todo = deque(range(len(documents)))
        busy: dict[_Worker, tuple[int, float]] = {}  # worker -> (document, deadline)
        seconds = self.limits.max_seconds_per_file
        self.start(len(documents))
        try:
            while todo or busy:
                while todo and len(busy) < self.processes:
                    worker = self._idle.pop() if self._idle else None
                    worker = worker or _Worker.start(self.limits.max_extract_memory)
                    worker.wait_ready()
                    index = todo.popleft()
                    if worker.send(documents[index]):
                        busy[worker] = (index, time.monotonic() + seconds)
                    else:  # gone while idle: not this document's fault, so it goes again
                        todo.appendleft(index)
                        worker.reap()
                self._collect(busy, results, documents, seconds)
        finally:
            for worker in busy:  # interrupted (Ctrl-C): stop what still runs
                worker.kill()
        return results

    def _collect(self, busy, results, documents, seconds) -> None:
        """Wait for the next answer or deadline; file what came and free the workers."""
        now = time.monotonic()
        wait = max(0.0, min(deadline for _, deadline in busy.values()) - now)
        readable, _, _ = select.select([w.output for w in busy], [], [], wait)
        for worker in [w for w in busy if w.output in readable]:
            index, _ = busy.pop(worker)
            message = worker.receive()
            if message is None:
                died = f"the extractor process died ({_exit_text(worker.reap())})"
                results[index] = Failed("extraction_error", f"{_stage(documents[index])}: {died}")
                continue
            answer, goes_on = message
            results[index] = answer if isinstance(answer, dict) else Failed(*answer)
            if goes_on:
                self._idle.append(worker)
            else:
                worker.stop()
        now = time.monotonic()
        for worker in [w for w, (_, deadline) in busy.items() if deadline <= now]:
            index, _ = busy.pop(worker)
            worker.kill()
            over = f"took more than {seconds:g} s: stopped (PRESSWATCH_MAX_SECONDS_PER_FILE)"
            results[index] = Failed("too_slow", f"{_stage(documents[index])} {over}")


class _Worker:
    """One extractor process, spoken to with pickles over its stdin and stdout."""

    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.output = process.stdout
        self.ready = False

    @classmethod
    def start(cls, memory: int) -> _Worker:
        level = logging.getLogger().getEffectiveLevel()
        argv = [sys.executable, "-m", "presswatch.sandbox", str(memory), str(level)]
        process = subprocess.Popen(
            lifeline.command(argv), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            start_new_session=True,
        )  # fmt: skip
        return cls(process)

    def wait_ready(self) -> None:
        """Block until the worker has warmed up; a worker that cannot start is a failure of
        the pipeline (an installation problem), not of any document."""
        if self.ready:
            return
        readable, _, _ = select.select([self.output], [], [], START_SECONDS)
        if not readable or self.receive() != READY:
            code = self.reap() if readable else self.kill()
            raise RuntimeError(
                f"an extractor process did not start ({_exit_text(code)}); its error is above. "
                "Run `python -m presswatch.sandbox 1000000000 20 </dev/null` to see it."
            )
        self.ready = True

    def send(self, document: Document) -> bool:
        try:
            pickle.dump(document, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        return True

    def receive(self) -> object:
        """The worker's next message; None when it died first."""
        try:
            return pickle.load(self.output)
        except (EOFError, pickle.UnpicklingError, OSError):
            return None

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        try:
            self.process.stdin.close()
            self.process.wait(timeout=STOP_SECONDS)
        except (OSError, subprocess.TimeoutExpired):
            self.kill()
        self.reap()

    def kill(self) -> int | None:
        self.process.kill()
        return self.reap()

    def reap(self) -> int | None:
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        try:
            return self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


def _stage(document: Document) -> str:
    return f"extract ({document.format})"


def _exit_text(code: int | None) -> str:
    if code is not None and code < 0:
        import signal

        return f"signal {signal.Signals(-code).name}"
    return f"exit code {code}"


# The worker side.


def serve(memory: int, log_level: int) -> None:
    """Extract documents from stdin until it closes; answer each on stdout."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what a library prints must not mix with the answers
    requests = sys.stdin.buffer
    logging.basicConfig(level=log_level, format="%(message)s", stream=sys.stderr)
    if log_level > logging.INFO:  # -v shows them
        # trafilatura logs what a page lacks ("discarding data", a broken JSON-LD block) as
        # warnings and errors: here they are answers (an empty body), not faults.
        logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    from presswatch.extract import NotAnArticle, extract_article

    _warm_up(extract_article)  # imports and models count against start-up, not the budget
    _limit_memory(memory)
    _send(READY, answers)
    while True:
        document = None
        try:
            document = pickle.load(requests)
            answer, goes_on = _extract(document, extract_article, NotAnArticle, memory), True
        except EOFError:
            return
        except MemoryError:  # what failed to allocate may have left the process unsound
            stage = _stage(document) if document else "extract"
            over = f"more than {memory} bytes of memory (PRESSWATCH_MAX_EXTRACT_MEMORY)"
            answer, goes_on = ("too_large", f"{stage} needed {over}"), False
        _send((answer, goes_on), answers)
        if not goes_on:
            return


def _extract(document: Document, extract_article, not_an_article, memory: int) -> object:
    """The article's fields, or (reason, detail); MemoryError goes to the caller."""
    try:
        return extract_article(document)
    except not_an_article as exc:
        return ("not_an_article", str(exc))
    except MemoryError:
        raise
    except Exception as exc:
        logging.getLogger("presswatch").debug("extraction failed", exc_info=True)
        return ("extraction_error", f"{_stage(document)}: {type(exc).__name__}: {exc}")


def _send(message: object, answers) -> None:
    pickle.dump(message, answers, protocol=pickle.HIGHEST_PROTOCOL)
    answers.flush()


def _warm_up(extract_article) -> None:
    story = "<p>" + "The council met on Tuesday and agreed the budget for next year. " * 8 + "</p>"
    page = f"<html><head><title>Budget agreed</title></head><body><article>{story}</article>"
    for document in (Document("warm-up.html", 0, "html", "", text=page + "</body></html>"),
                     Document("warm-up.txt", 0, "text", "", text=story.strip("</p>"))):  # fmt: skip
        with contextlib.suppress(Exception):  # a warm-up: real documents report their errors
            extract_article(document)


def _limit_memory(extra: int) -> None:
    """Cap the address space at what the process holds now plus `extra` bytes (Linux)."""
    import resource

    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return
    size_kb = next((int(line.split()[1]) for line in status.splitlines()
                    if line.startswith("VmSize:")), None)  # fmt: skip
    if size_kb:
        limit = size_kb * 1024 + extra
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
