"""Measure extraction on a gold corpus by running the real ingest flow over it.

Body: word 4-gram shingles, per-page precision and recall, averaged, F1 of the averages (the
article-extraction benchmark's measure). Title: token-set Jaccard >= 0.8. Date: same day.
Domain: same registrable domain. Authors: micro F1 over names. The anchors (public extractors on
the same pages) run in the same command when installed.
Run: python -m presswatch.evaluate [CORPUS] [--anchors] (or `make eval`).
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import re
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

from presswatch.settings import set_quiet_defaults
from presswatch.temporary_server import local_flow_runs

WORD = re.compile(r"\w+")
SHINGLE = 4
TITLE_JACCARD = 0.8
FORMATS = ("html", "text")
TARGETS = {  # issue "extraction quality": what presswatch aims for on this corpus
    "body F1, html": 0.97, "body F1, text": 0.90, "title, html": 0.92, "title, text": 0.85,
    "published date, html": 0.94, "outlet_domain, html": 0.98,
    "authors F1, html": 0.85, "authors F1, text": 0.85,
}  # fmt: skip


def shingles(text: str) -> Counter:
    words = WORD.findall(text or "")
    return Counter(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def body_scores(predicted: str, gold: str) -> tuple[float, float]:
    """(precision, recall) of one page; an empty side scores 1 only against an empty other."""
    pred, true = shingles(predicted), shingles(gold)
    shared = sum((pred & true).values())
    precision = shared / sum(pred.values()) if pred else float(not true)
    recall = shared / sum(true.values()) if true else float(not pred)
    return precision, recall


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def title_matches(predicted: str | None, gold: str) -> bool:
    a, b = set(WORD.findall((predicted or "").lower())), set(WORD.findall(gold.lower()))
    return bool(a | b) and len(a & b) / len(a | b) >= TITLE_JACCARD


def authors_f1(predicted: dict[str, list[str]], gold: dict[str, list[str]]) -> float:
    """Micro F1 over (page, name) pairs; names compared case- and space-insensitively."""

    def names(values):
        return {" ".join(WORD.findall(n.lower())) for n in values or []}

    tp = fp = fn = 0
    for page, true in gold.items():
        pred, true = names(predicted.get(page)), names(true)
        tp, fp, fn = tp + len(pred & true), fp + len(pred - true), fn + len(true - pred)
    return f1(tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0)


def load_gold(corpus: Path) -> dict[str, dict]:
    with gzip.open(corpus / "gold.json.gz", "rt", encoding="utf-8") as handle:
        gold = json.load(handle)
    authors = corpus / "authors.json"
    if authors.exists():
        for page, names in json.loads(authors.read_text(encoding="utf-8")).items():
            gold[page]["authors"] = names
    return gold


def run_pipeline(corpus: Path, fmt: str, work: Path) -> tuple[dict[str, dict], float]:
    """Ingest one format's pages with the real flow; (articles by page id, pages per second)."""
    import duckdb

    from presswatch.flows.ingest import ingest

    drop, data = work / fmt / "drop", work / fmt / "data"
    shutil.copytree(corpus / fmt, drop)
    with local_flow_runs():
        counts = ingest(str(drop), str(data))
    with duckdb.connect(str(data / "presswatch.duckdb"), read_only=True) as con:
        relation = con.sql("select * from articles")
        names, rows = relation.columns, relation.fetchall()
    articles = [dict(zip(names, row, strict=True)) for row in rows]
    by_page = {Path(a["source_file"]).name.split(".")[0]: a for a in articles}
    return by_page, counts["files"] / max(counts["seconds"], 1e-9)


def score(gold: dict[str, dict], articles: dict[str, dict], fmt: str) -> dict[str, float]:
    """The figures of one system's output ({page: {body, title, ...}}) against the gold."""
    from presswatch.extract.metadata import domain_of

    def get(page, column):
        return (articles.get(page) or {}).get(column)

    pairs = [body_scores(get(page, "body") or "", g["body"]) for page, g in gold.items()]
    precision = sum(p for p, _ in pairs) / len(pairs)
    recall = sum(r for _, r in pairs) / len(pairs)
    figures = {
        f"body F1, {fmt}": f1(precision, recall),
        f"body precision, {fmt}": precision,
        f"body recall, {fmt}": recall,
        f"title, {fmt}": _share(
            (p for p, g in gold.items() if g["title"]),
            lambda p: title_matches(get(p, "title"), gold[p]["title"]),
        ),
    }
    if any("authors" in g for g in gold.values()):
        predicted = {page: get(page, "authors") for page in gold}
        figures[f"authors F1, {fmt}"] = authors_f1(
            predicted, {p: g.get("authors", []) for p, g in gold.items()}
        )
    if fmt == "html":
        figures["published date, html"] = _share(
            (p for p, g in gold.items() if g["date"]),
            lambda p: str(get(p, "published_date") or "")[:10] == gold[p]["date"],
        )
        figures["outlet_domain, html"] = _share(
            gold, lambda p: get(p, "outlet_domain") == domain_of(f"http://{gold[p]['domain']}")
        )
    return figures


def _share(items, good) -> float:
    items = list(items)
    return sum(1 for i in items if good(i)) / len(items) if items else 0.0


def evaluate(corpus: Path) -> dict[str, float]:
    """presswatch's figures on the corpus, through the real pipeline, with pages per second."""
    gold = load_gold(corpus)
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="presswatch-eval-") as work:
        for fmt in FORMATS:
            articles, speed = run_pipeline(corpus, fmt, Path(work))
            figures.update(score(gold, articles, fmt))
            figures[f"accepted, {fmt}"] = len(articles) / len(gold)
            figures[f"pages/second, {fmt}"] = speed
    return figures


def print_table(figures: dict[str, float], anchors: dict[str, dict[str, float]]) -> None:
    names = list(anchors)
    header = ["measure", "presswatch", *names, "target"]
    rows = [
        [
            name,
            f"{value:.3f}",
            *(_cell(anchors[a].get(name)) for a in names),
            _cell(TARGETS.get(name)),
        ]
        for name, value in figures.items()
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)))


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, nargs="?", default=Path("eval/corpus"))
    parser.add_argument("--anchors", action="store_true", help="also score public extractors")
    parser.add_argument("--json", type=Path, help="also write presswatch's figures to this file")
    parser.add_argument("--pin", type=Path, help="write these figures as the floors of the gate")
    args = parser.parse_args(argv)
    set_quiet_defaults()
    started = time.monotonic()
    figures = evaluate(args.corpus)
    anchors = {}
    if args.anchors:
        from presswatch.anchors import score_anchors

        anchors = score_anchors(args.corpus, load_gold(args.corpus), score)
    print_table(figures, anchors)
    print(f"({time.monotonic() - started:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    if args.pin:
        args.pin.write_text(json.dumps(floors_of(figures), indent=2) + "\n")
        print(f"pinned the floors in {args.pin}")
    return 0


def floors_of(figures: dict[str, float]) -> dict[str, float]:
    """Quality floors: each figure rounded down to 2 decimals (speed is benchmarked, not gated)."""
    return {
        name: math.floor(value * 100) / 100
        for name, value in figures.items()
        if not name.startswith("pages/second")
    }


def below_floors(figures: dict[str, float], floors: dict[str, float]) -> dict[str, tuple]:
    """{measure: (figure, floor)} for every figure under its floor (or missing)."""
    return {
        name: (figures.get(name), floor)
        for name, floor in floors.items()
        if figures.get(name) is None or figures[name] < floor
    }


if __name__ == "__main__":
    raise SystemExit(main())
