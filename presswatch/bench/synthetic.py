"""A synthetic lake shaped like a real one, for the scale benchmark (presswatch.bench.scale).

DuckDB's plans and speed follow the data's cardinalities and skew, so the articles are made from
the corpus pages (eval/corpus: titles, bodies, languages) with fresh ids; 300 outlets (the corpus
domains and regional editions of them, Zipf-distributed); dates over two years; stories of 1 to
30 articles (skewed) whose members share copy groups, wires, headlines and key entities; and
about 8 entity rows per article (about 9 per English one; others get none, as in the pipeline)
drawn with Zipf skew from 4,000 names (the real ones of eval/entities_gold.json and
schemas/entity_aliases.json first, then made-up people, organisations and places), with their
labels. Bodies repeat the corpus texts (each cut three ways), so the lake is smaller on disk
than a real one would be; no view reads bodies. The story index is left empty: no view reads it.

Columns are generated as Arrow arrays with numpy, not as row dicts: 1M article dicts plus 8M
entity dicts would take minutes and gigabytes to build.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from presswatch.lake.tables import table_schemas, utc_now
from presswatch.search.terms import split_words, terms_table

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "eval" / "corpus" / "gold.json.gz"
ENTITIES_GOLD = ROOT / "eval" / "entities_gold.json"
ALIASES = files("presswatch.schemas").joinpath("entity_aliases.json")

SEED = 20261123
BATCH_ARTICLES = 50_000  # articles per batch, hence per file: a compacted lake's few big files
FILE_RECORDS = 1_000  # articles per synthetic crawl file (JSONL): one ledger row each
OUTLETS = 300
NAMES = 4_000
DAYS = 730  # publication dates spread over two years from FIRST_DAY
FIRST_DAY = (datetime(2024, 1, 1, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)).days
MAX_STORY = 30
STORY_CORE = 5  # key entities a story's articles share
MAX_ENTITIES = 16
ENTITIES_DRAWN = 9.5  # per English article, before repeats are dropped
WIRES = ("AP", "Reuters", "AFP", "Bloomberg")
REASONS = (["body_too_short"], ["title_missing"], ["invalid_json"], ["language_invalid"])
TIMESTAMP = pa.timestamp("us", tz="UTC")
LANGUAGES = ("en", "pt")  # the corpus's .br pages are Portuguese

# Made-up names, beside the real ones of the corpus, to reach a realistic name count.
FIRST_NAMES = """James Maria Wei Fatima Olga Carlos Aisha Hiroshi Emma Liam Priya Ahmed Sofia
Mateo Chloe Noah Yuki Ivan Amara Lucas Elena Omar Grace Daniel Mei Kwame Sara Pierre Ingrid Rahul
Ana Tomasz Leila Diego Hannah Samuel Nadia Jonas Camila Victor Zara Ethan Lina Marco Julia Kenji
Alice Hugo Nora Felix Rosa Adrian Maya Oscar Irene Paolo Dina Erik Lucia Tariq"""
LAST_NAMES = """Smith Garcia Chen Okafor Ivanova Silva Khan Tanaka Muller Rossi Novak Haddad
Kowalski Park Johansson Dubois Moreau Nguyen Singh Costa Schmidt Lopez Kim Petrov Mensah Cohen
Larsen Fischer Romero Ali Sato Murphy Kaplan Varga Popescu Jensen Bauer Alvarez Yilmaz Reyes
Nakamura Santos Weber Hughes Patel Kovacs Andersen Martin Ortiz Brennan Wolff Abara Lindqvist Marsh
Doyle Hale Quinn Foster Pereira Ibrahim"""
ORG_KINDS = """Group Holdings Bank Capital Energy Motors Labs Foundation Institute Partners Media
Pharmaceuticals Airlines Systems Analytics"""
GPE_NAMES = """London;Paris;Berlin;Madrid;Rome;Lisbon;Warsaw;Kyiv;Moscow;Istanbul;Cairo;Lagos;
Nairobi;Johannesburg;Delhi;Mumbai;Karachi;Dhaka;Jakarta;Manila;Tokyo;Seoul;Shanghai;Hong Kong;
Singapore;Sydney;Auckland;Toronto;Montreal;Chicago;Houston;Boston;Atlanta;Denver;Seattle;Miami;
Mexico City;Bogota;Lima;Santiago;Buenos Aires;Sao Paulo;Rio de Janeiro;Brazil;Germany;France;
Italy;Spain;Poland;Ukraine;Russia;Turkey;Egypt;Nigeria;Kenya;South Africa;India;Pakistan;
Indonesia;Japan;Australia;Canada;Mexico;Argentina;Chile;Iran;Iraq;Syria;Israel;Saudi Arabia;
Qatar;Taiwan;Vietnam;Greece;Sweden;Norway;Finland;Texas;Florida"""
LOC_NAMES = """Pacific Ocean;Atlantic;Mediterranean;Red Sea;Black Sea;Alps;Himalayas;Amazon;
Sahara;Gulf of Mexico;Arctic;Baltic Sea;Gaza Strip;West Bank;Andes;Danube;Nile;Mekong;Rockies"""
NORP_NAMES = """Americans Russians Chinese Ukrainians Europeans Germans French British Israeli
Palestinian Iranian Democrats Republicans Muslims Christians Catholics Mexican Brazilian Indian
Japanese Korean Turkish Kurdish Arab Africans Canadian Australian Polish Italian Spanish"""
REGIONS = (
    "europe",
    "asia",
    "africa",
    "americas",
    "midwest",
    "pacific",
    "west",
    "south",
)  # outlets' editions


@dataclass
class Pools:
    """What every batch draws from: outlets, page texts, entity names, byline names."""

    domains: pa.Array
    outlets: pa.Array
    outlet_cdf: np.ndarray
    titles: pa.Array  # one per page
    language: np.ndarray  # index into LANGUAGES, per page
    bodies: pa.Array  # per page, 3 cuts: whole, last paragraph cut, first paragraph cut
    body_words: np.ndarray
    body_chars: np.ndarray
    names: pa.Array
    labels: pa.Array
    name_cdf: np.ndarray
    authors: pa.Array
    places: pa.Array  # datelines
    body_terms: pa.Table | None = None  # each body's terms rows, by term (made once)


def load_pools(rng: np.random.Generator) -> Pools:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        pages = [page for _, page in sorted(json.load(handle).items()) if page.get("body")]
    domains, outlets = _outlets(pages)
    bodies = [cut for page in pages for cut in _body_cuts(page["body"])]
    names, labels = _entity_names(rng)
    people = [f"{first} {last}" for first in _words(FIRST_NAMES) for last in _words(LAST_NAMES)]
    return Pools(
        domains=pa.array(domains),
        outlets=pa.array(outlets),
        outlet_cdf=_zipf_cdf(len(domains), 1.0, 1.0),
        titles=pa.array([page.get("title") or _first_words(page["body"]) for page in pages]),
        language=np.array([int(page["domain"].endswith(".br")) for page in pages]),
        bodies=pa.array(bodies),
        body_words=np.array([len(b.split()) for b in bodies], dtype=np.int32),
        body_chars=np.array([len(b) for b in bodies]),
        names=pa.array(names),
        labels=pa.array(labels),
        name_cdf=_zipf_cdf(len(names), 1.0, 3.0),
        authors=pa.array(rng.permutation(people)),
        places=pa.array([p.upper() for p in _words(GPE_NAMES, ";")[:40]]),
    )


def _words(text: str, separator: str | None = None) -> list[str]:
    """The items of a wrapped list constant: words, or `separator`-separated names."""
    return [
        w.strip() for w in text.replace("\n", " " if separator is None else "").split(separator)
    ]


def _outlets(pages: list[dict]) -> tuple[list[str], list[str]]:
    """The corpus domains, then regional editions of them ('latimes-europe.com'), to OUTLETS."""
    real = sorted({page["domain"] for page in pages})
    domains, names = list(real), [_outlet_name(d) for d in real]
    for region in REGIONS:
        for domain in real:
            stem, suffix = domain.split(".", 1)
            domains.append(f"{stem}-{region}.{suffix}")
            names.append(f"{_outlet_name(domain)} {region.title()}")
    return domains[:OUTLETS], names[:OUTLETS]


def _outlet_name(domain: str) -> str:
    stem = domain.removeprefix("news.").split(".")[0]
    return stem.upper() if len(stem) <= 3 else stem.title()


def _body_cuts(body: str) -> list[str]:
    paragraphs = body.split("\n\n")
    if len(paragraphs) < 3:
        return [body] * 3
    return [body, "\n\n".join(paragraphs[:-1]), "\n\n".join(paragraphs[1:])]


def _first_words(body: str) -> str:
    return " ".join(body.split()[:8])


def _entity_names(rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """NAMES (name, label) pairs, most frequent first: real names, then made-up ones."""
    real = {"United States": "GPE", "China": "GPE", "Donald Trump": "PERSON"}
    real |= {"Vladimir Putin": "PERSON", "Russia": "GPE", "European Union": "ORG"}
    for entry in json.loads(ALIASES.read_text(encoding="utf-8"))["entities"]:
        real.setdefault(entry["name"], entry["label"])
    for article in json.loads(ENTITIES_GOLD.read_text(encoding="utf-8"))["articles"].values():
        for label, names in article.items():
            for name in names:
                real.setdefault(name, label)
    made_up = {f"{f} {last}": "PERSON" for f in _words(FIRST_NAMES) for last in _words(LAST_NAMES)}
    made_up |= {
        f"{last} {kind}": "ORG" for last in _words(LAST_NAMES) for kind in _words(ORG_KINDS)
    }
    made_up |= {name: "GPE" for name in _words(GPE_NAMES, ";")}
    made_up |= {name: "LOC" for name in _words(LOC_NAMES, ";")}
    made_up |= {name: "NORP" for name in _words(NORP_NAMES)}
    rest = [name for name in made_up if name not in real]
    rest = [rest[i] for i in rng.permutation(len(rest))[: NAMES - len(real)]]
    return [*real, *rest], [real.get(name) or made_up[name] for name in [*real, *rest]]


def _zipf_cdf(count: int, exponent: float, offset: float) -> np.ndarray:
    """Zipf-Mandelbrot over ranks 0..count-1: rank r drawn with weight 1 / (r + offset)^s."""
    weights = 1.0 / (np.arange(count) + offset) ** exponent
    return np.cumsum(weights) / weights.sum()


def _draw(rng: np.random.Generator, cdf: np.ndarray, shape: int | tuple[int, ...]) -> np.ndarray:
    return np.minimum(np.searchsorted(cdf, rng.random(shape)), len(cdf) - 1)


@dataclass
class Batch:
    articles: pa.Table
    entities: pa.Table
    terms: pa.Table
    quarantine: list[dict]
    ledger: list[dict]


@dataclass
class Stories:
    """Which story each article of a batch reports, and how it relates to the story's first."""

    of_article: np.ndarray  # story of each article
    first: np.ndarray  # each story's first article
    original: np.ndarray  # each article's story's first article
    is_copy: np.ndarray  # the article repeats its original's text (a syndicated copy)
    lead: np.ndarray  # each story's lead entity, named in its headlines


def make_batch(
    pools: Pools, rng: np.random.Generator, count: int, first_file: int, batch_id: str
) -> Batch:
    """`count` articles in stories, their entities, and the crawl files they came from."""
    now = utc_now()
    stories = _stories(pools, rng, count)
    articles, text_chars, english, body = _articles(pools, rng, stories, batch_id, now)
    terms = _terms(pools, articles, body, batch_id)
    articles = _add_sources(articles, first_file)
    entities = _entities(pools, rng, stories, articles["article_id"], text_chars, english)
    entities = entities.append_column("batch_id", pa.repeat(batch_id, len(entities)))
    quarantine, ledger = _files(rng, len(articles), first_file, batch_id, now)
    return Batch(articles, entities, terms, quarantine, ledger)


def _stories(pools: Pools, rng: np.random.Generator, count: int) -> Stories:
    """Story sizes 1..30 with P(size) ~ size^-1.8 (mean about 3); 40% of the later articles of
    a story are copies of its first."""
    weights = np.arange(1, MAX_STORY + 1, dtype=float) ** -1.8
    sizes = rng.choice(np.arange(1, MAX_STORY + 1), size=count, p=weights / weights.sum())
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), count) + 1]
    sizes[-1] -= sizes.sum() - count
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    of_article = np.repeat(np.arange(len(sizes)), sizes)
    original = first[of_article]
    is_copy = (np.arange(count) != original) & (rng.random(count) < 0.4)
    lead = _draw(rng, pools.name_cdf, len(sizes))
    return Stories(of_article, first, original, is_copy, lead)


def _hex_ids(rng: np.random.Generator, count: int, width: int) -> pa.Array:
    """`count` random hex strings of `width` characters, built as one Arrow buffer."""
    data = rng.bytes(count * width // 2).hex().encode()
    offsets = np.arange(0, (count + 1) * width, width, dtype=np.int32)
    return pa.StringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(data))


def _pick(values: pa.Array, index: np.ndarray) -> pa.Array:
    """values[index]; int32 indices, which Arrow takes strings by ten times faster than int64."""
    return values.take(pa.array(index, pa.int32()))


def _null_where(mask: np.ndarray, values: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(mask), pa.nulls(len(values), values.type), values)


def _articles(
    pools: Pools, rng: np.random.Generator, st: Stories, batch_id: str, now: datetime
) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """The articles (without their source files); each one's title + body length, and whether
    it is English."""
    count = len(st.of_article)
    ids = _hex_ids(rng, count, 20)
    # A copy has its original's page text; the story's other articles tell it in their own.
    page = _like_original(st, rng.integers(0, len(pools.titles), count))
    body = _like_original(st, page * 3 + rng.integers(0, 3, count))
    outlet = _draw(rng, pools.outlet_cdf, count)
    day, micros, suspect, undated = _dates(rng, st)
    title = _titles(pools, rng, st, page, outlet)
    domain = _pick(pools.domains, outlet)
    columns = {
        "article_id": ids,
        "format": pa.repeat("json", count),
        "url": pc.binary_join_element_wise("https://", domain, "/news/", ids, ""),
        "outlet": _null_where(rng.random(count) < 0.05, _pick(pools.outlets, outlet)),
        "outlet_domain": domain,
        "title": title,
        "published_at": pa.array(micros, TIMESTAMP, mask=undated),
        "published_date": pa.array((FIRST_DAY + day).astype(np.int32), pa.date32(), mask=undated),
        "date_source": _null_where(undated, pa.repeat("json:date_publish", count)),
        "authors": _authors(pools, rng, count),
        "wire": _wires(rng, st),
        "dateline": _null_where(
            rng.random(count) > 0.25, _pick(pools.places, rng.integers(0, len(pools.places), count))
        ),
        "language": _pick(pa.array(LANGUAGES), pools.language[page]),
        "body": _pick(pools.bodies, body),
        "word_count": pa.array(pools.body_words[body]),
        "story_id": _pick(ids, st.original),
        "copy_group": pc.if_else(pa.array(st.is_copy), _pick(ids, st.original), ids),
        "date_suspect": pa.array(suspect),
        # A synthetic article's fields are all plausible: no rule cleared any.
        "warnings": pa.ListArray.from_arrays(
            pa.array(np.zeros(count + 1, np.int32)), pa.array([], pa.string())
        ),
        "batch_id": pa.repeat(batch_id, count),
        "ingested_at": pa.repeat(pa.scalar(now, TIMESTAMP), count),
    }
    chars = pc.utf8_length(title).to_numpy(zero_copy_only=False) + 2 + pools.body_chars[body]
    return pa.table(columns), chars, pools.language[page] == 0, body


def _like_original(st: Stories, values: np.ndarray) -> np.ndarray:
    return np.where(st.is_copy, values[st.original], values)


def _add_sources(articles: pa.Table, first_file: int) -> pa.Table:
    """source_file, source_record and content_hash: FILE_RECORDS articles per crawl file."""
    position = np.arange(len(articles))
    file = position // FILE_RECORDS
    numbers = range(first_file, first_file + file[-1] + 1)
    sources = {
        "source_file": _pick(pa.array([_source_file(n) for n in numbers]), file),
        "source_record": pa.array(position % FILE_RECORDS, pa.int32()),
        "content_hash": _pick(pa.array([_content_hash(n) for n in numbers]), file),
    }
    for name, values in sources.items():
        articles = articles.append_column(name, values)
    return articles.select(table_schemas()["articles"].names)  # write_file casts by position


def _wires(rng: np.random.Generator, st: Stories) -> pa.Array:
    """A fifth of stories come from a wire, credited by the original and its copies."""
    stories = len(st.first)
    wire = np.where(rng.random(stories) < 0.2, rng.integers(0, len(WIRES), stories), -1)
    credited = (np.arange(len(st.of_article)) == st.original) | st.is_copy
    wire = np.where(credited, wire[st.of_article], -1)
    return _null_where(wire < 0, _pick(pa.array(WIRES), np.maximum(wire, 0)))


def _dates(rng: np.random.Generator, st: Stories) -> tuple[np.ndarray, ...]:
    """Day (from FIRST_DAY), instant in microseconds, date_suspect, and which have no date."""
    count = len(st.of_article)
    story_day = rng.integers(0, DAYS, len(st.first))
    lag = np.minimum(rng.geometric(0.6, count) - 1, 5)  # days after the story broke
    lag[st.first] = 0
    lag = np.where(st.is_copy, np.minimum(lag, 2), lag)
    undated = rng.random(count) < 0.02
    # A republisher's date: a copy claiming a day well after its original's.
    suspect = st.is_copy & ~undated & (rng.random(count) < 0.05)
    day = story_day[st.of_article] + np.where(suspect, rng.integers(3, 30, count), lag)
    seconds = (FIRST_DAY + day) * 86_400 + rng.integers(0, 86_400, count)
    return day, seconds * 1_000_000, suspect, undated


def _titles(
    pools: Pools, rng: np.random.Generator, st: Stories, page: np.ndarray, outlet: np.ndarray
) -> pa.Array:
    """The page's headline, led by the story's lead entity in 60% of stories ('Vladimir Putin:
    ...'), signed with the outlet's name on 30% of articles; copies keep their original's."""
    count = len(page)
    base = _pick(pools.titles, page)
    led = pc.binary_join_element_wise(_pick(pools.names, st.lead[st.of_article]), base, ": ")
    title = pc.if_else(pa.array(rng.random(len(st.first))[st.of_article] < 0.6), led, base)
    title = pc.if_else(pa.array(st.is_copy), _pick(title, st.original), title)
    signed = pc.binary_join_element_wise(title, _pick(pools.outlets, outlet), " | ")
    return pc.if_else(pa.array(rng.random(count) < 0.3), signed, title)


def _authors(pools: Pools, rng: np.random.Generator, count: int) -> pa.Array:
    """0 to 3 byline names per article (none on a third of them)."""
    per_article = rng.choice(4, size=count, p=[0.3, 0.5, 0.15, 0.05])
    offsets = np.concatenate([[0], np.cumsum(per_article)]).astype(np.int32)
    names = _pick(pools.authors, _draw(rng, _zipf_cdf(len(pools.authors), 0.8, 5), offsets[-1]))
    return pa.ListArray.from_arrays(pa.array(offsets), names)


def _entities(
    pools: Pools,
    rng: np.random.Generator,
    st: Stories,
    ids: pa.Array,
    text_chars: np.ndarray,
    english: np.ndarray,
) -> pa.Table:
    """About 8 distinct entities per English article: mostly its story's key entities, the rest
    drawn on their own; a copy names what its original names. Other languages get none, as in
    the pipeline (the NER model is English)."""
    count = len(ids)
    core = _draw(rng, pools.name_cdf, (len(st.first), STORY_CORE))
    core[:, 0] = st.lead
    picks = _draw(rng, pools.name_cdf, (count, MAX_ENTITIES))
    shared = rng.random((count, STORY_CORE)) < 0.8
    picks[:, :STORY_CORE] = np.where(shared, core[st.of_article], picks[:, :STORY_CORE])
    wanted = np.clip(rng.poisson(ENTITIES_DRAWN, count), 1, MAX_ENTITIES)
    copies = st.original[st.is_copy]
    picks[st.is_copy], wanted[st.is_copy] = picks[copies], wanted[copies]
    picks = np.where((np.arange(MAX_ENTITIES) < wanted[:, None]) & english[:, None], picks, -1)
    picks.sort(axis=1)
    keep = picks >= 0
    keep[:, 1:] &= picks[:, 1:] != picks[:, :-1]  # one row per name and article
    rows, columns = np.nonzero(keep)
    name = picks[rows, columns]
    return pa.table(
        {
            "article_id": _pick(ids, rows),
            "name": _pick(pools.names, name),
            "label": _pick(pools.labels, name),
            "mentions": pa.array(rng.geometric(0.45, len(rows)).astype(np.int32)),
            "first_offset": pa.array((rng.random(len(rows)) * text_chars[rows]).astype(np.int32)),
        }
    )


def _source_file(number: int) -> str:
    return f"crawl/cc-news-{number:06d}.jsonl.gz"


def _content_hash(number: int) -> str:
    return hashlib.sha256(_source_file(number).encode()).hexdigest()


def _files(
    rng: np.random.Generator, articles: int, first_file: int, batch_id: str, now: datetime
) -> tuple[list[dict], list[dict]]:
    """Quarantine and ledger rows of the batch's crawl files: a third of the files had one
    record rejected (the one after its accepted records)."""
    stamp = {"batch_id": batch_id, "ingested_at": now}
    quarantine, ledger = [], []
    for index in range(-(-articles // FILE_RECORDS)):
        number = first_file + index
        accepted = min(FILE_RECORDS, articles - index * FILE_RECORDS)
        rejected = int(rng.random() < 1 / 3)
        source = {"source_file": _source_file(number), "content_hash": _content_hash(number)}
        if rejected:
            reasons = REASONS[rng.integers(len(REASONS))]
            quarantine.append(
                {**source, **stamp, "source_record": accepted, "format": "json"}
                | {"reasons": reasons, "detail": f"record {accepted}: {reasons[0]}"}
            )
        ledger.append(
            {**source, **stamp, "size": 4_200 * (accepted + rejected), "mtime_ns": time.time_ns()}
            | {"outcome": "ingested", "accepted": accepted, "quarantined": rejected}
        )
    return quarantine, ledger


def _terms(pools: Pools, articles: pa.Table, body: np.ndarray, batch_id: str) -> pa.Table:
    """The articles' terms rows (presswatch.search.terms): each title's split as the pipeline
    splits it, and each body's rows made once per corpus body and repeated for the articles
    that carry it, positions moved past the article's title. A word in both the title and the
    body has two rows (one each) where the pipeline writes one: the index is 1-2% longer."""
    if pools.body_terms is None:
        rows = [
            {"article_id": str(i), "title": None, "body": b}
            for i, b in enumerate(pools.bodies.to_pylist())
        ]
        table = terms_table(rows, "").sort_by([("term", "ascending"), ("article_id", "ascending")])
        pools.body_terms = table.set_column(
            1, "article_id", pc.cast(table["article_id"], pa.int64())
        )
    pairs = pools.body_terms
    pair_body = pairs["article_id"].to_numpy()
    ids = articles["article_id"]
    titles = terms_table(
        [
            {"article_id": i, "title": t, "body": None}
            for i, t in zip(ids.to_pylist(), articles["title"].to_pylist(), strict=True)
        ],
        batch_id,
    )
    _, owner, _ = split_words(articles["title"].combine_chunks())
    shift = np.bincount(owner, minlength=len(articles)).astype(np.int32)  # title words
    carriers = np.bincount(body, minlength=len(pools.bodies))  # articles per body
    by_body = np.argsort(body, kind="stable")
    first = np.cumsum(carriers) - carriers
    repeat = carriers[pair_body]
    pair = np.repeat(np.arange(len(pairs)), repeat)
    within = np.arange(len(pair)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    article = by_body[first[pair_body][pair] + within]
    positions = pairs["positions"].combine_chunks()
    lengths = np.diff(positions.offsets.to_numpy())[pair]
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    starts = positions.offsets.to_numpy()[:-1][pair]
    gather = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
    values = positions.values.to_numpy()[gather] + np.repeat(shift[article], lengths)
    bodies = pa.table({
        "term": pairs["term"].take(pa.array(pair)),
        "article_id": ids.take(pa.array(article)),
        "tf": pairs["tf"].take(pa.array(pair)),
        "title_tf": pa.array(np.zeros(len(pair), np.int32)),
        "positions": pa.ListArray.from_arrays(pa.array(offsets), pa.array(values, pa.int32())),
        "word_count": articles["word_count"].take(pa.array(article)).cast(pa.int32()),
        "batch_id": pa.repeat(batch_id, len(pair)),
    })  # fmt: skip
    return pa.concat_tables([titles, bodies])
