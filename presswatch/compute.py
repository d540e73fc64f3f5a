"""Compute: the CPU stages of a batch as functions of their inputs alone, for a Dask worker.

With a Dask scheduler named (PRESSWATCH_DASK_ADDRESS), a batch's documents go to the cluster in
parts, each extracted (in a sandbox process of the worker's own, bounded as on one machine) and
then its accepted articles' entities found there. Workers only compute: they return rows and
write nothing, and the flow run that owns the data directory validates, groups stories and
commits. A worker that dies takes only its part with it; Dask runs that part again elsewhere,
and if the cluster cannot, the batch fails uncommitted and the next run reads it again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from presswatch.model import Document, Rejection
from presswatch.sandbox import Extractors
from presswatch.settings import Limits

PART_SIZE = 20  # documents per task: a page takes 20-100 ms, a task run about 5 ms
_local = threading.local()  # one sandbox per worker thread: Extractors is not thread-safe


def extract_part(documents: list[Document], limits: Limits) -> tuple[list[dict], list[Rejection]]:
    from presswatch import pipeline

    return pipeline.extract_documents(_extractors(limits), documents, limits)


def entities_part(articles: list[dict], max_chars: int) -> tuple[list[dict], list[Rejection]]:
    from presswatch import pipeline

    return pipeline.find_entities(articles, processes=1, max_chars=max_chars)


def parts(items: list, size: int = PART_SIZE) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _extractors(limits: Limits) -> Extractors:
    """This thread's sandbox of one extractor process, kept for the worker's life."""
    found = getattr(_local, "extractors", None)
    if found is None or found.limits != limits:
        if found is not None:
            found.close()
        found = _local.extractors = Extractors(limits, processes=1)
    return found
