"""Measure entities against eval/entities_gold.json: the bare model versus presswatch's pipeline.

Micro precision, recall and F1 over (article, name, label), and over (article, name) ignoring
labels; names match exactly after case folding and quote and space normalisation. The bare model
is spaCy's full small pipeline, each article's unique entity texts as-is (labels PERSON, ORG,
GPE, LOC, NORP). Speed: articles/second of both on the same texts (corpus articles repeated).
Run: python -m presswatch.entities.evaluate [--repeat 5] [--break-even] (a few minutes; the
speed runs dominate, --no-speed skips them).
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
from pathlib import Path

from presswatch.bench.results import median_seconds
from presswatch.entities import extract_entities
from presswatch.entities.ner import MODEL, load_model, recognize
from presswatch.entities.resolve import KEPT_LABELS

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "eval" / "entities_gold.json"
TIMING_RUNS = 3  # the median of three, as every benchmark figure
BREAK_EVEN_SIZES = (10, 25, 50, 100, 150, 200, 300)

Item = tuple[str, ...]


def load_gold(path: Path = GOLD) -> tuple[dict[str, dict], set[Item]]:
    """The gold articles (article_id, title, body, language) and their (id, name, label) set."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    corpus = _load_corpus(ROOT / spec["corpus"])
    articles = {aid: _article(aid, corpus[aid]) for aid in spec["articles"]}
    gold = {
        (aid, name, label)
        for aid, by_label in spec["articles"].items()
        for label, names in by_label.items()
        for name in names
    }
    return articles, gold


def score(predicted: set[Item], gold: set[Item]) -> dict[str, float]:
    """Micro precision, recall and F1 of two sets of items."""
    found = {_key(item) for item in predicted}
    true = {_key(item) for item in gold}
    hits = len(found & true)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(true) if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {"P": precision, "R": recall, "F1": f1}


def bare_items(articles: dict[str, dict]) -> set[Item]:
    """Unique (id, entity text, label) of the full, unmodified small model."""
    nlp = _bare_model()
    texts = [_text(a) for a in articles.values()]
    return {
        (aid, ent.text, ent.label_)
        for aid, doc in zip(articles, nlp.pipe(texts), strict=True)
        for ent in doc.ents
        if ent.label_ in KEPT_LABELS
    }


def pipeline_items(articles: dict[str, dict]) -> set[Item]:
    rows = extract_entities(list(articles.values()), n_process=1)
    return {(row["article_id"], row["name"], row["label"]) for row in rows}


def measure_speed(repeat: int, every_core: bool = True) -> dict[str, float]:
    """Articles/second of the bare model and of extract_entities on the corpus, `repeat` times:
    in one process, and (every_core) in one process per core."""
    corpus = _load_corpus(ROOT / "eval" / "corpus" / "gold.json.gz")
    articles = [_article(aid, page, "en") for aid, page in corpus.items()] * repeat
    texts = [_text(a) for a in articles]
    nlp = _bare_model()
    load_model()
    runs = {
        "bare, 1 process": lambda: list(nlp.pipe(texts, batch_size=32)),
        "presswatch, 1 process": lambda: extract_entities(articles, n_process=1),
    }
    if every_core:
        runs[f"bare, {os.cpu_count()} processes"] = lambda: list(
            nlp.pipe(texts, batch_size=32, n_process=os.cpu_count() or 1)
        )
        runs["presswatch, n_process=None"] = lambda: extract_entities(articles)
    return {name: len(articles) / median_seconds(run, TIMING_RUNS) for name, run in runs.items()}


def measure_break_even() -> list[tuple[int, float, float]]:
    """Seconds for n texts in one process and in every core's process, per batch size."""
    corpus = _load_corpus(ROOT / "eval" / "corpus" / "gold.json.gz")
    texts = [_text(_article(aid, page, "en")) for aid, page in corpus.items()]
    load_model()
    cores = os.cpu_count() or 1
    rows = []
    for size in BREAK_EVEN_SIZES:
        sample = (texts * (size // len(texts) + 1))[:size]
        one = median_seconds(lambda s=sample: recognize(s, n_process=1), TIMING_RUNS)
        many = median_seconds(lambda s=sample: recognize(s, n_process=cores), TIMING_RUNS)
        rows.append((size, one, many))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--repeat", type=int, default=5, help="corpus copies for the speed test")
    parser.add_argument("--break-even", action="store_true", help="time 1 vs all processes")
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args(argv)
    articles, gold = load_gold(args.gold)
    print(f"gold: {len(articles)} articles, {len(gold)} entities", flush=True)
    runs = {"bare": bare_items(articles), "presswatch": pipeline_items(articles)}
    for name, predicted in runs.items():
        aware, agnostic = score(predicted, gold), score(_unlabelled(predicted), _unlabelled(gold))
        print(f"{name:>11}  label-aware {_fmt(aware)}  label-agnostic {_fmt(agnostic)}", flush=True)
    if not args.no_speed:
        for name, rate in measure_speed(args.repeat).items():
            print(f"{name:>28}: {rate:6.1f} articles/s", flush=True)
    if args.break_even:
        for size, one, many in measure_break_even():
            print(f"{size:5d} texts: 1 process {one:6.2f}s, all cores {many:6.2f}s", flush=True)


def _bare_model():
    import spacy

    return spacy.load(MODEL)


def _load_corpus(path: Path) -> dict[str, dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def _article(aid: str, page: dict, language: str | None = None) -> dict:
    title = page.get("title")
    return {
        "article_id": aid,
        "title": None if title in (None, "None") else title,
        "body": page.get("body") or "",
        "language": language,
    }


def _text(article: dict) -> str:
    return (article["title"] or "") + "\n\n" + article["body"]


def _key(item: Item) -> Item:
    return (item[0], " ".join(item[1].replace("’", "'").casefold().split()), *item[2:])


def _unlabelled(items: set[Item]) -> set[Item]:
    return {item[:2] for item in items}


def _fmt(scores: dict[str, float]) -> str:
    return "  ".join(f"{k} {v:.3f}" for k, v in scores.items())


if __name__ == "__main__":
    main()
