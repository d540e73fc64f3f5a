"""Measure entities, the bare model beside presswatch's pipeline in the same run.

Two gold sets. `eval/entities_gold.json` (14 hand-annotated corpus articles): micro precision,
recall and F1 over (article, name, label) and over (article, name); names match exactly after
case folding and quote and space normalisation. `../shared/ner` when it is there (CoNLL-2003
wire stories, `dev/` and `train/`; PRESSWATCH_NER points elsewhere): the stories go through the
real ingest flow as text files, and each article's people, organisations and places are scored
against its gold list (labels PER, ORG, LOC: PERSON, ORG, and GPE/LOC/FAC as places). A name
counts as the longer gold name of the same label in the same article whose first or last words
it is ("Takagi" is "Takuya Takagi", "Doubletree" is "Doubletree Corp"), and an alias as its
canonical name (schemas/entity_aliases.json: "U.S." is "United States"); an article presswatch
quarantined lists no entities. The bare model is spaCy's full small pipeline on the raw text.
Speed: articles/second of both on the same texts, in one process and in one per core.
Run: python -m presswatch.entities.evaluate [--ner DIR] [--no-speed] (a few minutes).
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import tempfile
from pathlib import Path

from presswatch.bench.results import median_seconds
from presswatch.entities import extract_entities
from presswatch.entities.ner import MODEL, load_model, recognize
from presswatch.entities.resolve import KEPT_LABELS, load_rules
from presswatch.settings import set_quiet_defaults

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "eval" / "entities_gold.json"
TIMING_RUNS = 3  # the median of three, as every benchmark figure
BREAK_EVEN_SIZES = (10, 25, 50, 100, 150, 200, 300)
# The wire set: beside the repository, never in it (its licence allows reading, not copying).
NER = Path(os.environ.get("PRESSWATCH_NER", ROOT.parent / "shared" / "ner"))
NER_SPLITS = ("dev", "train")
WIRE_LABELS = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}

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


Named = list[tuple[str, str]]  # (name, PER/ORG/LOC) of one article


def load_wire(folder: Path) -> tuple[dict[str, str], dict[str, Named]]:
    """Texts by story id and each story's gold (name, label) list, of one split of the wire set."""
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    texts = {path.stem: path.read_text(encoding="utf-8") for path in sorted(folder.glob("text/*"))}
    return texts, {sid: [tuple(item) for item in gold[sid]] for sid in texts}


def bare_wire(texts: dict[str, str]) -> dict[str, Named]:
    """What the full, unmodified small model names in each raw text."""
    nlp = _bare_model()
    docs = nlp.pipe(texts.values(), batch_size=32)
    return {
        sid: [(e.text, WIRE_LABELS[e.label_]) for e in doc.ents if e.label_ in WIRE_LABELS]
        for sid, doc in zip(texts, docs, strict=True)
    }


def presswatch_wire(texts: dict[str, str], work: Path) -> tuple[dict[str, Named], list[dict]]:
    """Each story's entities as presswatch stores them after ingesting the texts as dropped
    files, and the articles it accepted."""
    from presswatch.evaluate import ingest_and_read

    drop = work / "drop"
    drop.mkdir(parents=True)
    for sid, text in texts.items():
        (drop / f"{sid}.txt").write_text(text, encoding="utf-8")
    _, tables = ingest_and_read(drop, work / "data", ("articles", "entities"))
    story_of = {a["article_id"]: Path(a["source_file"]).stem for a in tables["articles"]}
    found: dict[str, Named] = {sid: [] for sid in texts}
    for row in tables["entities"]:
        if row["label"] in WIRE_LABELS:
            found[story_of[row["article_id"]]].append((row["name"], WIRE_LABELS[row["label"]]))
    return found, tables["articles"]


def wire_score(gold: dict[str, Named], found: dict[str, Named]) -> dict[str, float]:
    """Micro precision, recall and F1 over each article's resolved (name, label) set."""
    rules = load_rules()
    hits = listed = named = 0
    for sid, items in gold.items():
        full: dict[str, set[str]] = {}
        for name, label in items:
            full.setdefault(label, set()).add(_wire_key(name, rules))
        true = _resolved(items, full, rules)
        predicted = _resolved(found.get(sid, []), full, rules)
        hits += len(true & predicted)
        listed += len(predicted)
        named += len(true)
    precision, recall = hits / max(listed, 1), hits / max(named, 1)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {"P": precision, "R": recall, "F1": f1}


def _resolved(items: Named, full: dict[str, set[str]], rules) -> set[tuple[str, str]]:
    """(name, label) with each name taken to the longest gold name of its label that it starts
    or ends."""
    out = set()
    for name, label in items:
        key = _wire_key(name, rules)
        longer = [
            f for f in full.get(label, ()) if f.startswith(key + " ") or f.endswith(" " + key)
        ]
        out.add((max(longer, key=len) if longer else key, label))
    return out


def _wire_key(name: str, rules) -> str:
    canonical = rules.lookup(name)
    return _normal((canonical[0] if canonical else name).replace(".", ""))


def measure_rates(texts: list[str], articles: list[dict], every_core: bool = True) -> dict:
    """Articles/second of the bare model on `texts` and of presswatch's entity stage on the
    `articles` made of them, in one process and (every_core) in one process per core."""
    nlp = _bare_model()
    load_model()
    cores = os.cpu_count() or 1
    runs = {
        "bare, 1 process": (texts, lambda: list(nlp.pipe(texts, batch_size=32))),
        "presswatch, 1 process": (articles, lambda: extract_entities(articles, 1)),
    }
    if every_core:
        runs[f"bare, {cores} processes"] = (
            texts,
            lambda: list(nlp.pipe(texts, batch_size=32, n_process=cores)),
        )
        runs[f"presswatch, {cores} processes"] = (
            articles,
            lambda: extract_entities(articles, cores),
        )
    return {
        name: len(done) / median_seconds(run, TIMING_RUNS) for name, (done, run) in runs.items()
    }


def evaluate_wire(folder: Path, speed: bool = False) -> dict[str, float]:
    """Figures of one split: "bare P", "presswatch F1", ..., "accepted", and speeds."""
    texts, gold = load_wire(folder)
    with tempfile.TemporaryDirectory(prefix="presswatch-ner-") as work:
        found, accepted = presswatch_wire(texts, Path(work))
    figures = {f"bare {k}": v for k, v in wire_score(gold, bare_wire(texts)).items()}
    figures |= {f"presswatch {k}": v for k, v in wire_score(gold, found).items()}
    figures["accepted"] = len(accepted) / len(texts)
    if speed:
        rates = measure_rates(list(texts.values()), accepted)
        figures |= {f"{name}, articles/s": rate for name, rate in rates.items()}
    return figures


def measure_speed(repeat: int, every_core: bool = True) -> dict[str, float]:
    """measure_rates on the corpus articles, `repeat` times over."""
    corpus = _load_corpus(ROOT / "eval" / "corpus" / "gold.json.gz")
    articles = [_article(aid, page, "en") for aid, page in corpus.items()] * repeat
    return measure_rates([_text(a) for a in articles], articles, every_core)


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
    parser.add_argument("--ner", type=Path, default=NER, help="the wire set (dev/, train/)")
    parser.add_argument("--repeat", type=int, default=5, help="corpus copies for the speed test")
    parser.add_argument("--break-even", action="store_true", help="time 1 vs all processes")
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args(argv)
    set_quiet_defaults()
    articles, gold = load_gold(args.gold)
    print(f"{args.gold.name}: {len(articles)} articles, {len(gold)} entities", flush=True)
    runs = {"bare": bare_items(articles), "presswatch": pipeline_items(articles)}
    for name, predicted in runs.items():
        aware, agnostic = score(predicted, gold), score(_unlabelled(predicted), _unlabelled(gold))
        print(f"{name:>11}  label-aware {_fmt(aware)}  label-agnostic {_fmt(agnostic)}", flush=True)
    for split in NER_SPLITS:
        if not (args.ner / split / "gold.json").exists():
            print(f"no wire set at {args.ner / split}: skipped", flush=True)
            continue
        figures = evaluate_wire(args.ner / split, speed=split == "dev" and not args.no_speed)
        print(f"{args.ner.name}/{split}: {figures.pop('accepted'):.1%} of stories accepted")
        for name in ("bare", "presswatch"):
            cells = "  ".join(f"{k} {figures.pop(f'{name} {k}'):.3f}" for k in ("P", "R", "F1"))
            print(f"{name:>11}  {cells}", flush=True)
        for name, rate in figures.items():
            print(f"{name:>36}: {rate:6.1f}", flush=True)
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
    return (item[0], _normal(item[1]), *item[2:])


def _normal(name: str) -> str:
    """Case, quotes and spaces aside."""
    return " ".join(name.replace("’", "'").casefold().split())


def _unlabelled(items: set[Item]) -> set[Item]:
    return {item[:2] for item in items}


def _fmt(scores: dict[str, float]) -> str:
    return "  ".join(f"{k} {v:.3f}" for k, v in scores.items())


if __name__ == "__main__":
    main()
