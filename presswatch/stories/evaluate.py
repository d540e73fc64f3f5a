"""Measure copy detection on synthetic copies of the gold corpus, and matching speed at scale.

Labelled set: each of the 59 gold bodies plus six made copies (first/last paragraph dropped,
re-wrapped, boilerplate lines inserted, ~3% words edited, a new page header read back through
extract_text, and all of trim + boilerplate + edits at once). Pairs from one article are copies,
every cross-article pair is not. Scores: pair precision/recall of the copy groups that
assign_stories forms, and of each Jaccard threshold on the signatures alone. Speed: ms/article
of assign_stories against 10k and 100k stored synthetic articles, and the index's memory.
Run: python -m presswatch.stories.evaluate [--sizes 10000 100000] (a few minutes at 100k).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import logging
import random
import statistics
import textwrap
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from presswatch.entities import extract_entities
from presswatch.extract.text import extract_text
from presswatch.stories.cluster import StoryIndex, assign_stories
from presswatch.stories.copies import (
    estimate_containment,
    estimate_jaccard,
    hash_shingles,
    is_copy,
    sign_shingles,
    to_bytes,
)

logger = logging.getLogger(__name__)

CORPUS = Path(__file__).resolve().parents[2] / "eval" / "corpus" / "gold.json.gz"
SEEDS = sorted((Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "seeds").glob("*.txt"))
SEED = 7  # fixed: the labelled set and the synthetic index are the same on every run
EDIT_SHARE = 0.03  # word edits of a "small edits" copy: a corrected typo or name every 33 words
BOILERPLATE = (
    "Advertisement",
    "Sign up for our daily newsletter to get the latest headlines.",
    "Read more: Top stories of the day",
    "Share this article on Facebook Twitter Email",
    "Story continues below advertisement",
)
HEADER = ("Home | World | Politics | Business | Tech", "Menu", "Search", "Trending now")
THRESHOLDS = (0.4, 0.5, 0.6, 0.7, 0.8)
BATCH = 500  # new articles per timed batch
COPY_SHARE = 0.2  # share of the timed batch that copies a stored article (the rest is new)


def load_corpus(path: Path = CORPUS) -> dict[str, dict]:
    """The gold corpus: page id -> {title, body, date, ...}."""
    return json.loads(gzip.decompress(path.read_bytes()))


def make_copies(title: str, body: str, rng: random.Random) -> dict[str, str]:
    """Six synthetic copies of one body, by kind."""
    paragraphs = [p for p in body.split("\n") if p.strip()]
    trimmed = "\n".join(paragraphs[1:-1]) if len(paragraphs) >= 3 else body
    return {
        "trim": trimmed,
        "rewrap": "\n".join(textwrap.wrap(" ".join(paragraphs), 70)),
        "boilerplate": insert_boilerplate(paragraphs, rng),
        "edits": edit_words(body, rng),
        "header": reheader(title, body),
        "all": edit_words(insert_boilerplate(trimmed.split("\n"), rng), rng),
    }


def insert_boilerplate(paragraphs: list[str], rng: random.Random) -> str:
    """Paragraphs with three boilerplate lines at random places."""
    out = list(paragraphs)
    for line in rng.sample(BOILERPLATE, 3):
        out.insert(rng.randrange(len(out) + 1), line)
    return "\n".join(out)


def edit_words(body: str, rng: random.Random) -> str:
    """The body with EDIT_SHARE of its words replaced, dropped or doubled."""
    words = body.split(" ")
    for _ in range(max(1, int(len(words) * EDIT_SHARE))):
        at = rng.randrange(len(words))
        kind = rng.choice(("replace", "drop", "double"))
        if kind == "replace":
            words[at] = rng.choice(words)
        elif kind == "drop" and len(words) > 1:
            del words[at]
        else:
            words.insert(at, words[at])
    return " ".join(words)


def reheader(title: str, body: str) -> str:
    """The body read back through extract_text from a dump with a different page header."""
    lines = [*HEADER, f"{title} - Example News", title, "By Staff Writer", body, "©2024"]
    dump = "\n".join(lines)
    return extract_text(dump)["body"] or body


def build_labelled_set(corpus: dict[str, dict]) -> list[dict]:
    """Originals and copies as articles; "source" names the gold article each came from."""
    rng = random.Random(SEED)
    articles = []
    for aid, page in sorted(corpus.items()):
        title = page.get("title") or ""
        articles.append(_article(aid, title, page["body"], aid))
        for kind, body in make_copies(title, page["body"], rng).items():
            articles.append(_article(f"{aid}-{kind}", title, body, aid))
    return articles


def score_pairs(groups: dict[str, str], sources: dict[str, str]) -> dict[str, float]:
    """Pair precision/recall of predicted groups against the source labels."""
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(groups), 2):
        predicted, actual = groups[a] == groups[b], sources[a] == sources[b]
        tp += predicted and actual
        fp += predicted and not actual
        fn += actual and not predicted
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "pairs": tp + fn,
    }


def measure_copies(corpus: dict[str, dict]) -> None:
    """Print copy-detection precision/recall on the labelled set, overall and by threshold."""
    articles = build_labelled_set(corpus)
    sources = {a["article_id"]: a["source"] for a in articles}
    assignments, _, _ = assign_stories(StoryIndex(), articles, [])
    groups = {a["article_id"]: a["copy_group"] for a in assignments}
    print(f"labelled set: {len(articles)} articles, {len(corpus)} sources")
    print("assign_stories copy groups:", _fmt(score_pairs(groups, sources)))
    shingles = [hash_shingles(a["body"]) for a in articles]
    signatures = np.stack([sign_shingles(s) for s in shingles])
    sizes = np.array([len(s) for s in shingles])
    ids = [a["article_id"] for a in articles]
    same, cross, same_rule, cross_rule = [], [], [], []
    for i, aid in enumerate(ids):
        found = estimate_jaccard(signatures[i], signatures[i + 1 :])
        rule = is_copy(found, estimate_containment(found, sizes[i], sizes[i + 1 :]))
        for j, hit, other in zip(found.tolist(), rule.tolist(), ids[i + 1 :], strict=True):
            copy = sources[aid] == sources[other]
            (same if copy else cross).append(j)
            (same_rule if copy else cross_rule).append(hit)
    same_a, cross_a = np.array(same), np.array(cross)
    tp, fp = sum(same_rule), sum(cross_rule)
    print(
        f"pairwise copy rule (Jaccard or containment): P {tp / max(tp + fp, 1):.3f} "
        f"R {tp / len(same_rule):.3f}"
    )
    print(f"copy pairs: min {same_a.min():.2f}, 5th pct {np.percentile(same_a, 5):.2f}")
    print(f"cross pairs: max {cross_a.max():.2f}, 99.9th pct {np.percentile(cross_a, 99.9):.2f}")
    for threshold in THRESHOLDS:
        tp, fp = int((same_a >= threshold).sum()), int((cross_a >= threshold).sum())
        print(f"  pairwise J>={threshold}: P {tp / max(tp + fp, 1):.3f} R {tp / len(same_a):.3f}")
    by_kind: dict[str, list[bool]] = {}
    for aid in ids:
        if "-" in aid:
            by_kind.setdefault(aid.split("-", 1)[1], []).append(groups[aid] == groups[sources[aid]])
    print(
        "copy joins its original, by kind:", {k: f"{sum(v)}/{len(v)}" for k, v in by_kind.items()}
    )


def measure_seeds(corpus: dict[str, dict]) -> None:
    """Print copy pairs and stories of the five seeds, a reheadered 004 and the gold corpus."""
    articles = [_dump_article(path.name[:3], path.read_text(encoding="utf-8")) for path in SEEDS]
    lines = SEEDS[4].read_text(encoding="utf-8").splitlines()
    articles.append(
        _dump_article("004-copy", "\n".join(["Kim to meet Putin", *HEADER, *lines[1:]]))
    )
    for aid, page in sorted(corpus.items()):
        date = datetime.fromisoformat(page["date"]).replace(tzinfo=UTC) if page["date"] else None
        articles.append({**_article(aid, page.get("title") or "", page["body"], aid),
                         "published_at": date, "language": "en"})  # fmt: skip
    assignments, _, _ = assign_stories(StoryIndex(), articles, extract_entities(articles))
    seed_ids = {a["article_id"] for a in articles[: len(SEEDS) + 1]}
    seeds = {a["article_id"]: a for a in assignments if a["article_id"] in seed_ids}
    truth = {aid: aid[:3].replace("001", "000") for aid in seeds}  # 000+001, 004+004-copy
    groups = {aid: a["copy_group"] for aid, a in seeds.items()}
    print("seed copy groups:", groups, _fmt(score_pairs(groups, truth)))
    print("seed stories:", sorted({a["story_id"] for a in seeds.values()}))
    stories = {a["article_id"]: a["story_id"] for a in assignments}
    merged = [aid for aid in corpus if stories[aid] != aid]
    print(f"gold corpus: {len(corpus)} articles, {len(merged)} merged into another story {merged}")


def synthetic_rows(count: int, pool: list[str], rng: random.Random) -> list[dict]:
    """Stored rows of count synthetic articles: mixed corpus sentences, words perturbed."""
    entities = [f"entity {i}" for i in range(count // 2)]
    # Zipf weights: a few names everywhere ("United States"), most names rare
    cumulative = np.cumsum(1 / np.arange(1, len(entities) + 1)).tolist()
    start = datetime(2023, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(count):
        body = synthetic_body(pool, rng)
        names = rng.choices(entities, cum_weights=cumulative, k=6)
        rows.append(
            {
                "article_id": f"syn{i:07d}",
                "signature": to_bytes(sign_shingles(shingles := hash_shingles(body))),
                "shingles": len(shingles),
                "copy_group": f"syn{i:07d}",
                "story_id": f"syn{i:07d}",
                "published_at": start + timedelta(minutes=10 * i),
                "wire": None,
                "title": " ".join(rng.sample(body.split(), 8)),
                "entities": list(dict.fromkeys(names)),
                "body": body,  # kept for the timed copies; not part of the stored row
            }
        )
    return rows


def synthetic_body(pool: list[str], rng: random.Random) -> str:
    """12-30 random corpus sentences with a tenth of the words swapped."""
    words = " ".join(rng.sample(pool, rng.randint(12, 30))).split()
    for _ in range(len(words) // 10):
        words[rng.randrange(len(words))] = rng.choice(words)
    return " ".join(words)


def measure_speed(corpus: dict[str, dict], sizes: list[int], runs: int = 3) -> dict[str, float]:
    """ms/article of assign_stories (median of `runs` batches), index load time, and memory per
    stored article at the smallest size (a traced second load: tracemalloc slows what it watches,
    ten-fold at 100k)."""
    rng = random.Random(SEED)
    figures: dict[str, float] = {}
    pool = [s for page in corpus.values() for s in page["body"].replace("\n", " ").split(". ")]
    every_row = synthetic_rows(max(sizes), pool, rng)  # each size stores a prefix of them
    for size in sizes:
        rows = every_row[:size]
        stored = [{k: v for k, v in r.items() if k != "body"} for r in rows]
        if size == min(sizes):
            tracemalloc.start()
            traced = StoryIndex.from_rows(stored)
            figures[f"stories: index bytes per article, {size} stored"] = (
                tracemalloc.get_traced_memory()[0] / size
            )
            tracemalloc.stop()
            del traced
        started = time.perf_counter()
        index = StoryIndex.from_rows(stored)
        load = time.perf_counter() - started
        per, copy_part, found = [], [], []
        for _ in range(runs):
            batch = timed_batch(rows, pool, rng)
            started = time.perf_counter()
            for article in batch[0]:
                shingles = hash_shingles(article["body"])
                index.copies.find_copies(sign_shingles(shingles), len(shingles))
            copy_part.append((time.perf_counter() - started) / BATCH * 1000)
            started = time.perf_counter()
            assignments, _, _ = assign_stories(index, *batch)
            per.append((time.perf_counter() - started) / len(assignments) * 1000)
            copied = sum(a["copy_group"].startswith("syn") for a in assignments)
            found.append(100 * copied / (BATCH * COPY_SHARE))
        figures |= {
            f"stories: ms per new article, {size} stored": statistics.median(per),
            f"stories: of which copy lookup (ms), {size} stored": statistics.median(copy_part),
            f"stories: index load (s), {size} stored": load,
            f"stories: copies found (%), {size} stored": min(found),
        }
    return figures


def timed_batch(rows: list[dict], pool: list[str], rng: random.Random) -> tuple[list, list]:
    """BATCH new articles (COPY_SHARE of them edited copies of stored ones) and their entities."""
    articles, entities = [], []
    for i in range(BATCH):
        source = rng.choice(rows)
        copy = i < BATCH * COPY_SHARE
        body = edit_words(source["body"], rng) if copy else synthetic_body(pool, rng)
        aid = f"new{i:05d}"
        articles.append(_article(aid, source["title"], body, aid))
        entities += [
            {"article_id": aid, "name": n, "label": "ORG", "mentions": 2}
            for n in source["entities"]
        ]
    return articles, entities


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    corpus = load_corpus()
    measure_copies(corpus)
    measure_seeds(corpus)
    for name, value in measure_speed(corpus, args.sizes).items():
        print(f"{name}: {value:.2f}")


def _article(aid: str, title: str, body: str, source: str) -> dict:
    return {
        "article_id": aid,
        "title": title,
        "body": body,
        "published_at": None,
        "wire": None,
        "outlet_domain": "example.com",
        "source": source,
    }


def _dump_article(aid: str, text: str) -> dict:
    fields = extract_text(text)
    return {**_article(aid, fields["title"] or "", fields["body"], aid), "language": "en",
            "published_at": fields["published_at"], "wire": fields["wire"]}  # fmt: skip


def _fmt(scores: dict[str, float]) -> str:
    return f"P {scores['precision']:.3f} R {scores['recall']:.3f} ({scores['pairs']} copy pairs)"


if __name__ == "__main__":
    main()
