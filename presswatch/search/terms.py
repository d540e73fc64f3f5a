"""Terms: each article's words with their positions, the lake's keyword index (lake/terms).

A word is a run of letters and digits (RE2 `[\\pL\\pN]+`) of the NFKC-normalised, lower-cased
text: the rule the search macros apply to a query in SQL, with the same regular-expression
engine and Unicode tables (Arrow's and DuckDB's utf8proc). Title words come first, then, after
a gap, the body's, so that a phrase matches inside either but never across both. One row per
article and word, written with the article's batch: the index grows a batch at a time, and
compaction merges it like every table.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NOT_A_WORD = r"[^\pL\pN]+"
TITLE_GAP = 16  # positions between the title's last word and the body's first
MAX_WORDS = 20_000  # words indexed per title or body (bodies are bounded by extraction already)


def split_words(texts: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Every word of `texts`, with the index of its text and its place in the text."""
    lowered = pc.utf8_lower(pc.utf8_normalize(texts.fill_null(""), "NFKC"))
    split = pc.split_pattern_regex(lowered, NOT_A_WORD)
    words, parent = pc.list_flatten(split), pc.list_parent_indices(split).to_numpy()
    keep = pc.greater(pc.binary_length(words), 0).to_numpy(zero_copy_only=False)
    words, parent = words.filter(pa.array(keep)), parent[keep]
    counts = np.bincount(parent, minlength=len(texts))
    place = np.arange(len(parent)) - np.repeat(np.cumsum(counts) - counts, counts)
    return words, parent, place


def terms_table(articles: list[dict], batch_id: str) -> pa.Table:
    """The terms rows of a batch's accepted articles: one per article and word, with the
    word's count (and count in the title) and positions; split and grouped by Arrow."""
    n = len(articles)
    texts = pa.array(
        [row.get("title") for row in articles] + [row.get("body") for row in articles], pa.string()
    )
    words, parent, place = split_words(texts)
    kept = place < MAX_WORDS
    words, parent, place = words.filter(pa.array(kept)), parent[kept], place[kept]
    in_title = parent < n
    owner = np.where(in_title, parent, parent - n)
    title_words = np.bincount(parent[in_title], minlength=n)
    place = np.where(in_title, place, place + title_words[owner] + TITLE_GAP)
    encoded = pc.dictionary_encode(words)  # grouping by integers is twice as fast
    grouped = (
        pa.table(
            {
                "owner": pa.array(owner, pa.int64()),
                "word": encoded.indices,
                "place": pa.array(place, pa.int32()),
                "title": pa.array(in_title.astype(np.int32)),
            }
        )
        .group_by(["owner", "word"])
        .aggregate([("place", "list"), ("place", "count"), ("title", "sum")])
    )
    ids = pa.array([row["article_id"] for row in articles], pa.string())
    lengths = pa.array([row.get("word_count") for row in articles], pa.int32())
    return pa.table(
        {
            "term": encoded.dictionary.take(grouped["word"]),
            "article_id": ids.take(grouped["owner"]),
            "tf": grouped["place_count"].cast(pa.int32()),
            "title_tf": grouped["title_sum"].cast(pa.int32()),
            "positions": grouped["place_list"],
            "word_count": lengths.take(grouped["owner"]),
            "batch_id": pa.repeat(batch_id, len(grouped))
            if len(grouped)
            else pa.array([], pa.string()),
        }
    )
