"""Entities: resolution rules on given mentions, and the real small model on the seed articles."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from presswatch.entities import extract_entities
from presswatch.entities.ner import MULTIPROCESS_MIN_TEXTS, Mention, choose_processes
from presswatch.entities.resolve import load_rules, resolve_article
from presswatch.extract import metadata
from presswatch.extract.text import extract_text
from tests.conftest import SEEDS


def resolve(text: str, *spans: tuple[str, str], title: str = "") -> dict[str, tuple[str, int]]:
    """Resolve `spans` ((surface, label), in reading order) found in title + blank line + text;
    returns name -> (label, mentions)."""
    full = f"{title}\n\n{text}"
    mentions, at = [], 0
    for surface, label in spans:
        at = full.index(surface, at)
        mentions.append(Mention(surface, label, at, at + len(surface)))
        at += len(surface)
    rows = resolve_article(full, len(title) + 2, mentions, load_rules())
    return {row["name"]: (row["label"], row["mentions"]) for row in rows}


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        (
            "Kim Jong Un left. Kim said so.",
            [("Kim Jong Un", "PERSON"), ("Kim", "PERSON")],
            {"Kim Jong Un": ("PERSON", 2)},
        ),
        (
            "Stephen King wrote it. King smiled.",
            [("Stephen King", "PERSON"), ("King", "PERSON")],
            {"Stephen King": ("PERSON", 2)},
        ),
        (
            "Vladimir Putin spoke. Putin smiled. Putin left.",
            [("Vladimir Putin", "PERSON"), ("Putin", "PERSON"), ("Putin", "ORG")],
            {"Vladimir Putin": ("PERSON", 3)},
        ),
        (
            "Shoigu arrived before Sergei Shoigu was named.",
            [("Shoigu", "PERSON"), ("Sergei Shoigu", "PERSON")],
            {"Sergei Shoigu": ("PERSON", 2)},
        ),
        (
            "Sergei Shoigu went to Pyongyang, where Shoigu met Kim.",
            [("Sergei Shoigu", "PERSON"), ("Pyongyang", "GPE"), ("Shoigu", "GPE")],
            {"Sergei Shoigu": ("PERSON", 2), "Pyongyang": ("GPE", 1)},
        ),
        (
            "John Kirby spoke. Later John F. Kirby and Kirby spoke again.",
            [("John Kirby", "PERSON"), ("John F. Kirby", "PERSON"), ("Kirby", "PERSON")],
            {"John F. Kirby": ("PERSON", 3)},
        ),
        (
            "Eva-Marie Persson said so. Persson explained.",
            [("Eva-Marie Persson", "ORG"), ("Persson", "PERSON")],
            {"Eva-Marie Persson": ("PERSON", 2)},
        ),
        (
            "Washington said George Washington was right. Washington agreed.",
            [("Washington", "GPE"), ("George Washington", "PERSON"), ("Washington", "GPE")],
            {"Washington": ("GPE", 2), "George Washington": ("PERSON", 1)},
        ),
    ],
    ids=[
        "first name takes the full name",
        "a surname that is also a title",
        "surname takes the full name whatever the model's label",
        "full name used later still wins",
        "lone surname tagged GPE follows the person",
        "the fullest variant wins",
        "an ORG ending in a person's surname is that person",
        "a known place is never a surname",
    ],
)
def test_short_person_mention_takes_full_name_from_same_article(text, spans, expected):
    assert resolve(text, *spans) == expected


@pytest.mark.parametrize(
    ("surface", "label", "name"),
    [
        ("North Korea’s", "GPE", "North Korea"),
        ("North Korea's", "GPE", "North Korea"),
        ("Assange’s", "PERSON", "Assange"),
        ("Reynolds’", "PERSON", "Reynolds"),
        ("President Vladimir Putin", "PERSON", "Vladimir Putin"),
        ("Prime Minister Benjamin Netanyahu", "PERSON", "Benjamin Netanyahu"),
        ("Sen. Bob Casey", "PERSON", "Bob Casey"),
        ("Lt Col Alexander Vindman", "PERSON", "Alexander Vindman"),
        ("Dr Luz Arroyo", "PERSON", "Luz Arroyo"),
        ("Queen Elizabeth II", "PERSON", "Elizabeth II"),
        ("the White House", "ORG", "White House"),
        ("The New York Times", "ORG", "New York Times"),
        ("the Kremlin’s", "ORG", "Kremlin"),
        ("the Pacific Coast", "LOC", "Pacific Coast"),
        ("Home Depot Inc.", "ORG", "Home Depot"),
        ("McDonald's", "ORG", "McDonald's"),
        ("“Apple", "ORG", "Apple"),
    ],
)
def test_possessives_titles_and_leading_the_are_stripped(surface, label, name):
    assert list(resolve(f"Story: {surface} did it.", (surface, label))) == [name]


@pytest.mark.parametrize(
    ("surface", "label"),
    [
        ("A", "ORG"),
        ("2019", "GPE"),
        ("--- ***", "ORG"),
        ("royal family", "ORG"),
        ("Sweden Drops Its Investigation Into Rape Allegation", "ORG"),
        ("President", "PERSON"),
        ("Lt Col", "PERSON"),
        ("Defense", "ORG"),
        ("Monday", "DATE"),
        ("$5 billion", "MONEY"),
    ],
)
def test_junk_and_dropped_labels_yield_nothing(surface, label):
    assert resolve(f"Text with {surface} in it.", (surface, label)) == {}


@pytest.mark.parametrize(
    ("surface", "label", "name", "canonical_label"),
    [
        ("U.S.", "GPE", "United States", "GPE"),
        ("US", "GPE", "United States", "GPE"),
        ("USA", "ORG", "United States", "GPE"),
        ("United States of America", "GPE", "United States", "GPE"),
        ("the United States", "GPE", "United States", "GPE"),
        ("DPRK", "ORG", "North Korea", "GPE"),
        ("North Korea", "PERSON", "North Korea", "GPE"),
        ("U.K.", "GPE", "United Kingdom", "GPE"),
        ("Britain", "GPE", "United Kingdom", "GPE"),
        ("Great Britain", "GPE", "United Kingdom", "GPE"),
        ("U.N.", "ORG", "United Nations", "ORG"),
        ("UN", "ORG", "United Nations", "ORG"),
        ("EU", "ORG", "European Union", "ORG"),
        ("Twitter", "PRODUCT", "Twitter", "ORG"),
    ],
)
def test_aliases_take_one_canonical_name_and_label(surface, label, name, canonical_label):
    assert resolve(f"Then {surface} acted.", (surface, label)) == {name: (canonical_label, 1)}


def test_a_capital_is_not_an_alias_of_its_country():
    found = resolve("Moscow and Russia agreed.", ("Moscow", "GPE"), ("Russia", "GPE"))
    assert found == {"Moscow": ("GPE", 1), "Russia": ("GPE", 1)}


@pytest.mark.parametrize(
    ("body", "spans", "expected"),
    [
        (
            "WASHINGTON (AP) — A U.S. official said so.",
            [("WASHINGTON", "ORG"), ("AP", "ORG"), ("U.S.", "GPE")],
            {"Washington": ("GPE", 1), "United States": ("GPE", 1)},
        ),
        (
            "NEW YORK (Reuters) - Stocks fell.",
            [("NEW YORK", "GPE"), ("Reuters", "ORG")],
            {"New York": ("GPE", 1)},
        ),
        (
            "BUFFALO, N.Y. — Parise scored.",
            [("Parise", "PERSON")],
            {"Buffalo": ("GPE", 1), "Parise": ("PERSON", 1)},
        ),
        ("FILE - Russian troops in 2022.", [("Russian", "NORP")], {"Russian": ("NORP", 1)}),
        (
            "A photo (AP Photo/Alexander Zemlianichenko, Pool) of KCNA via REUTERS",
            [("AP Photo/Alexander Zemlianichenko", "ORG"), ("KCNA", "ORG"), ("REUTERS", "ORG")],
            {"KCNA": ("ORG", 1)},
        ),
        (
            "He spoke to The Associated Press on Monday.",
            [("The Associated Press", "ORG")],
            {"Associated Press": ("ORG", 1)},
        ),
    ],
    ids=[
        "dateline is a place, its agency a credit",
        "multi-word dateline",
        "dateline the model missed",
        "FILE is not a dateline",
        "photo credits name nothing",
        "an agency the story names is kept",
    ],
)
def test_datelines_and_wire_credits(body, spans, expected):
    assert resolve(body, *spans) == expected


def test_each_entity_once_with_mentions_counted_and_majority_label():
    text = "Kremlin, Kremlin and the Kremlin’s aide; Interfax and Interfax, then INTERFAX."
    spans = [("Kremlin", "ORG"), ("Kremlin", "GPE"), ("the Kremlin’s", "ORG")]
    spans += [("Interfax", "ORG"), ("Interfax", "PERSON"), ("INTERFAX", "ORG")]
    assert resolve(text, *spans) == {"Kremlin": ("ORG", 3), "Interfax": ("ORG", 3)}


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        (
            "Customs and Border Protection said CBP would not.",
            [("Customs and Border Protection", "ORG"), ("CBP", "ORG")],
            {"Customs and Border Protection": ("ORG", 2)},
        ),
        (
            "The Chinese Communist Party and the Communist Party.",
            [("The Chinese Communist Party", "ORG"), ("the Communist Party", "ORG")],
            {"Chinese Communist Party": ("ORG", 2)},
        ),
        (
            "Wall Street and the Wall Street Journal.",
            [("Wall Street", "ORG"), ("the Wall Street Journal", "ORG")],
            {"Wall Street": ("ORG", 1), "Wall Street Journal": ("ORG", 1)},
        ),
        (
            "Ukrainians and Ukrainian officials; Americans.",
            [("Ukrainians", "NORP"), ("Ukrainian", "NORP"), ("Americans", "NORP")],
            {"Ukrainian": ("NORP", 2), "Americans": ("NORP", 1)},
        ),
    ],
    ids=["acronym", "organisation's shorter ending", "shared start is not enough", "plural"],
)
def test_other_names_in_the_same_article_merge(text, spans, expected):
    assert resolve(text, *spans) == expected


def test_first_offset_counts_title_and_blank_line():
    rows = extract_entities(
        [
            {
                "article_id": "a",
                "title": "Putin speaks",
                "body": "Vladimir Putin spoke.",
                "language": "en",
            }
        ]
    )
    assert rows == [
        {
            "article_id": "a",
            "name": "Vladimir Putin",
            "label": "PERSON",
            "mentions": 2,
            "first_offset": 0,
        }
    ]


@pytest.mark.parametrize("language", ["pt", "de", "ru"])
def test_non_english_articles_yield_nothing(language):
    article = {
        "article_id": "x",
        "title": "Lula visita Lisboa",
        "body": "O presidente Lula visitou Portugal.",
        "language": language,
    }
    assert extract_entities([article]) == []


def test_missing_title_and_unknown_language_still_read():
    rows = extract_entities(
        [
            {
                "article_id": "x",
                "title": None,
                "body": "Angela Merkel met Emmanuel Macron in Paris.",
                "language": None,
            }
        ]
    )
    assert {(r["name"], r["label"]) for r in rows} >= {
        ("Angela Merkel", "PERSON"),
        ("Paris", "GPE"),
    }
    assert all(r["first_offset"] >= 2 for r in rows)


@pytest.mark.parametrize(
    ("count", "n_process", "expected"),
    [(1, None, 1), (MULTIPROCESS_MIN_TEXTS - 1, None, 1), (5, 3, 3), (5, 0, 1)],
)
def test_process_count_is_one_for_small_batches_or_the_callers_choice(count, n_process, expected):
    assert choose_processes(count, n_process) == expected


def test_large_batches_use_every_core(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert choose_processes(MULTIPROCESS_MIN_TEXTS, None) == 2


def test_alias_table_is_readable_data():
    data = json.loads(
        files("presswatch.schemas").joinpath("entity_aliases.json").read_text(encoding="utf-8")
    )
    assert all({"name", "label", "aliases"} <= set(entry) for entry in data["entities"])
    assert {"titles", "wire_agencies", "not_places"} <= set(data)


@pytest.fixture(scope="module")
def seed_entities() -> dict[str, list[dict]]:
    """The real small model on the five seed articles, cleaned as the pipeline cleans them."""
    articles = []
    for path in sorted(SEEDS.glob("*.txt")):
        fields = extract_text(path.read_text(encoding="utf-8"))
        articles.append(
            {
                "article_id": path.stem,
                "title": fields["title"],
                "body": fields["body"],
                "language": "en",
            }
        )
    by_article: dict[str, list[dict]] = {a["article_id"]: [] for a in articles}
    for row in extract_entities(articles):
        by_article[row["article_id"]].append(row)
    return by_article


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Kim Jong Un", "PERSON"),
        ("Vladimir Putin", "PERSON"),
        ("Russia", "GPE"),
        ("North Korea", "GPE"),
    ],
)
def test_every_seed_names_the_summit_parties_once_under_one_name(seed_entities, name, label):
    assert len(seed_entities) == 5
    for rows in seed_entities.values():
        assert [(r["name"], r["label"]) for r in rows if r["name"] == name] == [(name, label)]


@pytest.mark.parametrize(("name", "at_least"), [("Sergei Shoigu", 4), ("John Kirby", 3)])
def test_seed_officials_are_named_across_articles(seed_entities, name, at_least):
    named = [aid for aid, rows in seed_entities.items() if any(r["name"] == name for r in rows)]
    assert len(named) >= at_least


def test_seeds_keep_no_short_forms_datelines_or_link_lists(seed_entities):
    names = {r["name"] for rows in seed_entities.values() for r in rows}
    assert not names & {
        "Kim",
        "Putin",
        "Shoigu",
        "WASHINGTON",
        "AP",
        "Reuters",
        "REUTERS",
        "U.S.",
        "DPRK",
    }
    assert not names & {"Usha Vance", "Bob Menendez", "Blue Bloods"}
    for rows in seed_entities.values():
        assert len({r["name"] for r in rows}) == len(rows)
        assert all(r["mentions"] >= 1 and r["first_offset"] >= 0 for r in rows)


def test_worker_processes_give_the_same_rows(seed_entities):
    articles = []
    for path in sorted(SEEDS.glob("*.txt"))[:2]:
        fields = extract_text(path.read_text(encoding="utf-8"))
        articles.append({"article_id": path.stem, **fields, "language": "en"})
    rows = extract_entities(articles, n_process=2)
    assert rows == [row for a in articles for row in seed_entities[a["article_id"]]]


# Tables, datelines and capitals: invented wire copy in the shape of results and standings.
def test_places_naming_teams_in_a_results_row_are_organisations_and_missed_names_are_added():
    text = "Results on Saturday:\nLille 3 Rennes 1\nMetz 2 (Vidal 12th, Roux 80th) Nancy 0"
    found = resolve(text, ("Lille 3", "GPE"), ("Metz", "GPE"), ("Nancy", "PERSON"))
    assert found == {
        "Lille": ("ORG", 1), "Rennes": ("ORG", 1), "Metz": ("ORG", 1),
        "Vidal": ("PERSON", 1), "Roux": ("PERSON", 1), "Nancy": ("ORG", 1),
    }  # fmt: skip


def test_a_country_in_a_row_keeps_its_label_and_a_name_before_one_is_a_person():
    text = (
        "Singles, first round:\nAnna Berg (Sweden) beat Lena Hart (Germany) 6-4 6-3\n"
        "Sweden 2 Norway 1"
    )
    found = resolve(
        text, ("Anna Berg", "ORG"), ("Sweden", "GPE"), ("Germany", "GPE"), ("Sweden", "GPE")
    )
    assert found["Anna Berg"] == ("PERSON", 1) and found["Lena Hart"] == ("PERSON", 1)
    assert found["Sweden"] == ("GPE", 2) and found["Germany"] == ("GPE", 1)
    assert found["Norway"] == ("ORG", 1)  # untagged before a figure: the rule's team


def test_a_sentence_with_figures_is_not_a_table_row():
    text = "Shops open in Oslo 24 hours a day and in Bergen 7 days a week, Ann Lee said."
    found = resolve(text, ("Oslo", "GPE"), ("Ann Lee", "PERSON"))
    assert found == {"Oslo": ("GPE", 1), "Ann Lee": ("PERSON", 1)}


def test_a_dateline_with_its_date_on_its_own_line_is_a_place():
    found = resolve("OSLO 2024-03-05\nThe talks began.", ("OSLO", "ORG"))
    assert found == {"Oslo": ("GPE", 1)}
    assert metadata.find_wire_and_dateline("BERGEN, Norway Mar 5\nThe talks began.") == (
        None, "BERGEN, Norway"
    )  # fmt: skip
    assert metadata.find_wire_and_dateline("Sales rose 2024-03-05\nThe talks began.") == (
        None,
        None,
    )


def test_a_headline_in_capitals_names_only_what_the_story_names():
    title = "SOCCER - LILLE BEAT RENNES IN CUP TIE"
    found = resolve(
        "Lille beat Rennes on Friday.",
        ("SOCCER", "ORG"), ("LILLE BEAT", "ORG"), ("Lille", "ORG"), ("Rennes", "ORG"),
        title=title,
    )  # fmt: skip
    assert found == {"Lille": ("ORG", 2), "Rennes": ("ORG", 2)}


def test_a_span_run_across_a_separator_or_a_score_is_cut_into_names():
    text = (
        "3. Ann Lee - Eva Roth (Norway) 23\nUtrecht 0 tonight.\nVolda 2 Molde 1\nStryn 0\n\nTable"
    )
    found = resolve(
        text,
        ("Ann Lee - Eva Roth", "PERSON"), ("Utrecht 0", "GPE"), ("Volda 2 Molde", "ORG"),
        ("Stryn 0\n\nTable", "ORG"),
    )  # fmt: skip
    assert found["Ann Lee"][0] == found["Eva Roth"][0] == "PERSON"
    assert {"Utrecht", "Volda", "Molde", "Stryn"} <= set(found)
    assert not any(ch.isdigit() for name in found for ch in name)


def test_a_date_opening_a_row_is_not_a_name():
    text = "Polls:\nNovember 5 38.5 32.5\nAUG 23 40.0 31.0\nLille 3 Rennes 1"
    found = resolve(text, ("Lille", "GPE"))
    assert found == {"Lille": ("ORG", 1), "Rennes": ("ORG", 1)}


def test_a_country_in_brackets_is_a_place_outside_tables_too():
    found = resolve("Ann Berg (Sweden) vs. Lena Hart (Germany)", ("Ann Berg", "PERSON"))
    assert found["Sweden"] == ("GPE", 1) and found["Germany"] == ("GPE", 1)


def test_one_line_of_a_poll_is_not_a_table_of_results():
    found = resolve(
        "Latest poll:\nAnn Lee 51 Bob Ray 47", ("Ann Lee", "PERSON"), ("Bob Ray", "PERSON")
    )
    assert found == {"Ann Lee": ("PERSON", 1), "Bob Ray": ("PERSON", 1)}


def test_a_name_with_its_initials_in_a_row_is_a_person():
    text = "Scores:\nKent 250 (J. Hale 86, R. Moss 64)\nEssex 120 (P. Lund 40)"
    found = resolve(text, ("R. Moss", "ORG"))
    assert found["J. Hale"] == found["R. Moss"] == found["P. Lund"] == ("PERSON", 1)
    assert found["Kent"] == found["Essex"] == ("ORG", 1)


def test_a_name_ends_with_a_capitalised_word():
    found = resolve("Postponed: Volda v Molde.", ("Volda v", "ORG"))
    assert set(found) == {"Volda"}


def test_the_sides_of_fixtures_are_teams():
    found = resolve("Fixtures: Volda v Molde, Stryn v Hodd", ("Volda", "GPE"), ("Stryn v", "ORG"))
    assert found == {name: ("ORG", 1) for name in ("Volda", "Molde", "Stryn", "Hodd")}
