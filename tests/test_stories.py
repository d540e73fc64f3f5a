"""Stories: copy groups and stories on the real seed dumps and gold corpus articles."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from presswatch.entities import extract_entities
from presswatch.extract.text import extract_text
from presswatch.stories import StoryIndex, assign_stories
from presswatch.stories.copies import NUM_PERM, compute_signature, to_bytes
from presswatch.stories.evaluate import insert_boilerplate, load_corpus, make_copies

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
SEED_IDS = ("000", "001", "002", "003", "004")
T0 = datetime(2023, 9, 5, 12, tzinfo=UTC)


def article_from_dump(aid: str, text: str) -> dict:
    fields = extract_text(text)
    return {
        "article_id": aid,
        "title": fields["title"],
        "body": fields["body"],
        "published_at": fields["published_at"],
        "wire": fields["wire"],
        "outlet_domain": "example.com",
        "language": "en",
    }


def plain_article(aid: str, body: str, **extra) -> dict:
    return {"article_id": aid, "title": "", "body": body, "published_at": None, "wire": None,
            "outlet_domain": "example.com", **extra}  # fmt: skip


def seed_dump(aid: str) -> str:
    return next(SEEDS.glob(f"{aid}_*.txt")).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seeds() -> tuple[list[dict], list[dict]]:
    articles = [article_from_dump(aid, seed_dump(aid)) for aid in SEED_IDS]
    return articles, extract_entities(articles)


@pytest.fixture(scope="module")
def seed_result(seeds) -> tuple[dict[str, dict], list[dict]]:
    assignments, rows, _ = assign_stories(StoryIndex(), *seeds)
    return {a["article_id"]: a for a in assignments}, rows


@pytest.fixture(scope="module")
def corpus() -> dict[str, dict]:
    return load_corpus()


def test_the_five_seeds_form_one_story(seed_result):
    assigned, _ = seed_result
    assert {a["story_id"] for a in assigned.values()} == {"000"}


@pytest.mark.parametrize(
    ("article", "group"), [("000", "000"), ("001", "000"), ("002", "002"), ("003", "003"),
                           ("004", "004")],
)  # fmt: skip
def test_seed_copy_groups_are_the_shared_ap_text_and_three_singletons(seed_result, article, group):
    assigned, _ = seed_result
    assert assigned[article]["copy_group"] == group


def test_the_wire_credited_seed_is_the_original_of_its_copy_group(seed_result):
    assigned, _ = seed_result
    assert assigned["000"]["is_original"] and not assigned["001"]["is_original"]


def test_a_reheadered_copy_of_004_joins_its_group_and_story_from_stored_rows(seeds, seed_result):
    _, rows = seed_result
    lines = seed_dump("004").splitlines()
    menu = ["Skip to content", "Home | World | Asia | Markets | Opinion", "Subscribe", "Menu"]
    dump = "\n".join(["Kim to meet Putin - The Daily Wire Desk", *menu, *lines[1:]])
    copy = article_from_dump("004-copy", dump)
    index = StoryIndex.from_rows(rows)
    [assigned], _, _ = assign_stories(index, [copy], extract_entities([copy]))
    assert (assigned["copy_group"], assigned["story_id"]) == ("004", "000")
    assert not assigned["is_original"]


@pytest.mark.parametrize("kind", ["trim", "rewrap", "boilerplate", "edits", "header", "all"])
def test_a_near_duplicate_joins_its_original(corpus, kind):
    page = corpus["4a44ab3e4c41d56c"]
    copy = make_copies(page["title"], page["body"], random.Random(1))[kind]
    articles = [plain_article("original", page["body"]), plain_article("copy", copy)]
    assignments, _, _ = assign_stories(StoryIndex(), articles, [])
    assert assignments[1]["copy_group"] == "original"


def test_edited_boilerplate_on_both_sides_still_joins(corpus):
    paragraphs = corpus["51374560f40088e2"]["body"].split("\n")
    first = insert_boilerplate(paragraphs, random.Random(1))
    second = insert_boilerplate(paragraphs, random.Random(2)).replace("Advertisement", "Ad")
    articles = [plain_article("a", first), plain_article("b", second)]
    assignments, _, _ = assign_stories(StoryIndex(), articles, [])
    assert assignments[1]["copy_group"] == "a"


@pytest.mark.parametrize(
    "pair",
    [("5fa5679de56c43ed", "ad826691a8a2f9c4"),  # both Apple and MacBook, same day
     ("39d5c43beb60605c", "b6906ca016bbfc64")],  # both Donald Trump, China, United States
)  # fmt: skip
def test_unrelated_articles_sharing_entities_stay_in_different_stories(corpus, pair):
    articles = [
        {**plain_article(aid, corpus[aid]["body"]), "title": corpus[aid]["title"],
         "language": "en", "published_at": T0}
        for aid in pair
    ]  # fmt: skip
    assignments, _, _ = assign_stories(StoryIndex(), articles, extract_entities(articles))
    assert [a["story_id"] for a in assignments] == list(pair)


@pytest.mark.parametrize(("days_later", "suspect"), [(1, False), (2, False), (5, True)])
def test_a_copy_dated_over_two_days_after_its_group_is_date_suspect(corpus, days_later, suspect):
    body = corpus["51374560f40088e2"]["body"]
    articles = [
        plain_article("first", body, published_at=T0),
        plain_article("later", body, published_at=T0 + timedelta(days=days_later)),
    ]
    assignments, _, _ = assign_stories(StoryIndex(), articles, [])
    assert assignments[1]["date_suspect"] is suspect


def test_an_earlier_dated_late_arrival_is_original_when_assigned(corpus):
    body = corpus["51374560f40088e2"]["body"]
    first = plain_article("first", body, published_at=T0)
    earlier = plain_article("earlier", body, published_at=T0 - timedelta(hours=5))
    _, rows, _ = assign_stories(StoryIndex(), [first], [])
    [assigned], _, _ = assign_stories(StoryIndex.from_rows(rows), [earlier], [])
    assert assigned["is_original"] and assigned["copy_group"] == "first"


@pytest.mark.parametrize("encode", [to_bytes, lambda s: s.tolist()], ids=["bytes", "list"])
def test_stored_signatures_load_as_bytes_or_int_lists(corpus, encode):
    body = corpus["51374560f40088e2"]["body"]
    row = {"article_id": "stored", "signature": encode(compute_signature(body)),
           "copy_group": "stored", "story_id": "stored", "published_at": T0, "title": "",
           "entities": []}  # fmt: skip
    [assigned], [new_row], _ = assign_stories(
        StoryIndex.from_rows([row]), [plain_article("new", body)], []
    )
    assert assigned["copy_group"] == "stored"
    assert len(new_row["signature"]) == NUM_PERM * 4


def test_a_signature_of_the_wrong_length_is_refused():
    row = {"article_id": "x", "signature": b"\0" * 8, "copy_group": "x", "story_id": "x"}
    with pytest.raises(ValueError, match="hashes"):
        StoryIndex.from_rows([row])


def test_signatures_are_stable_across_processes():
    # a fixed hash family: stored signatures stay comparable after a restart
    assert compute_signature("one two three four five")[:3].tolist() == [
        1405287887,
        925966178,
        3143619376,
    ]


def test_index_rows_survive_a_parquet_round_trip(seeds, seed_result, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    _, rows = seed_result
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "stories.parquet")
    loaded = pq.read_table(tmp_path / "stories.parquet").to_pandas().to_dict("records")
    articles, entities = seeds
    again, _, _ = assign_stories(StoryIndex.from_rows(loaded), articles[1:2], entities)
    assert (again[0]["copy_group"], again[0]["story_id"]) == ("000", "000")


@pytest.mark.parametrize("order", [[4, 3, 2, 0], [0, 2, 3, 4]], ids=["reversed", "without-001"])
def test_dated_seeds_form_one_story_in_any_order_without_the_undated_bridge(seeds, order):
    # the seeds claim dates two years apart; without undated 001 they still join on evidence
    articles, entities = seeds
    assignments, _, _ = assign_stories(StoryIndex(), [articles[i] for i in order], entities)
    assert len({a["story_id"] for a in assignments}) == 1
