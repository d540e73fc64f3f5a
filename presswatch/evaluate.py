"""Measure extraction on a gold corpus by running the real ingest flow over it.

Body: word 4-gram shingles, per-page precision and recall, averaged, F1 of the averages (the
article-extraction benchmark's measure). Title: token-set Jaccard >= 0.8. Date: same day.
Domain: same registrable domain. Run: python -m presswatch.evaluate [CORPUS] (or `make eval`).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

WORD = re.compile(r"\w+")
SHINGLE = 4
TITLE_JACCARD = 0.8


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


def load_gold(corpus: Path) -> dict[str, dict]:
    path = corpus / "gold.json.gz"
    opener = gzip.open if path.exists() else open
    with opener(path if path.exists() else corpus / "gold.json", "rt", encoding="utf-8") as handle:
        return json.load(handle)


def run_pipeline(corpus: Path, fmt: str, work: Path) -> tuple[dict[str, dict], float]:
    """Ingest one format's pages with the real flow; (articles by page id, pages per second)."""
    import duckdb

    from flows.ingest import ingest

    drop, data = work / fmt / "drop", work / fmt / "data"
    shutil.copytree(corpus / fmt, drop)
    counts = ingest(str(drop), str(data))
    with duckdb.connect(str(data / "presswatch.duckdb"), read_only=True) as con:
        relation = con.sql("select * from articles")
        names, rows = relation.columns, relation.fetchall()
    articles = {Path(row[1]).name.split(".")[0]: dict(zip(names, row, strict=True)) for row in rows}
    return articles, counts["files"] / max(counts["seconds"], 1e-9)


def score(gold: dict[str, dict], articles: dict[str, dict], fmt: str) -> dict[str, float]:
    from presswatch.extract.metadata import domain_of

    pairs = [
        body_scores((articles.get(i) or {}).get("body", ""), g["body"]) for i, g in gold.items()
    ]
    precision = sum(p for p, _ in pairs) / len(pairs)
    recall = sum(r for _, r in pairs) / len(pairs)
    titled = [i for i, g in gold.items() if g["title"]]
    dated = [i for i, g in gold.items() if g["date"]]
    result = {
        f"body F1, {fmt}": f1(precision, recall),
        f"body precision, {fmt}": precision,
        f"body recall, {fmt}": recall,
        f"title, {fmt}": _share(
            titled, lambda i: title_matches(_get(articles, i, "title"), gold[i]["title"])
        ),
        f"accepted, {fmt}": len(articles) / len(gold),
    }
    if fmt == "html":
        result["published date, html"] = _share(
            dated, lambda i: str(_get(articles, i, "published_date")) == gold[i]["date"]
        )
        result["outlet_domain, html"] = _share(
            gold,
            lambda i: (
                _get(articles, i, "outlet_domain") == domain_of(f"http://{gold[i]['domain']}")
            ),
        )
    return result


def _get(articles: dict, page: str, column: str):
    return (articles.get(page) or {}).get(column)


def _share(items, good) -> float:
    items = list(items)
    return sum(1 for i in items if good(i)) / len(items) if items else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, nargs="?", default=Path("eval/corpus"))
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    gold = load_gold(args.corpus)
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="presswatch-eval-") as work:
        for fmt in ("html", "text"):
            started = time.monotonic()
            articles, speed = run_pipeline(args.corpus, fmt, Path(work))
            figures.update(score(gold, articles, fmt))
            figures[f"pages/second, {fmt}"] = speed
            print(f"{fmt}: {len(gold)} pages in {time.monotonic() - started:.1f} s", flush=True)
    width = max(map(len, figures))
    for name, value in figures.items():
        print(f"{name:<{width}}  {value:8.3f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
