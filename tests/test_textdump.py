"""Specification tests for the text-dump cleaner."""

from pathlib import Path

import pytest

from presswatch.extract.textdump import TextDump, clean_text_dump

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
BOILERPLATE = ["Related", "Ranking", "Recommendation", "Next In World", "Advertisement", "Log In"]
PROSE = (
    "The committee met on Tuesday to discuss the budget and agreed that the city would "
    "spend more on schools, roads and parks over the next three years, officials said."
)


def load_seed(prefix: str) -> TextDump:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return clean_text_dump(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("seed", "title"),
    [
        (
            "000",
            "North Korea’s Kim Jong Un may meet with Putin in Russia this month, US official says",
        ),
        (
            "001",
            "North Korea’s Kim Jong Un may meet with Putin in Russia this month, "
            "U.S. official says",
        ),
        ("002", "Kim Jong Un plans to meet Vladimir Putin in Russia, U.S. official says"),
        ("003", "Vladimir Putin and Kim Jong Un plan to meet in Russia, U.S. officials say"),
        ("004", "North Korean leader Kim to meet Putin in Russia this month - NYT"),
    ],
)
def test_title_is_the_page_headline(seed: str, title: str) -> None:
    assert load_seed(seed).title == title


@pytest.mark.parametrize(
    ("seed", "first", "last"),
    [
        ("000", "WASHINGTON (AP) — A U.S. official said Monday", "were advancing."),
        ("001", "A U.S. official said Monday that North Korean", "were advancing."),
        ("002", "Washington — North Korean leader Kim Jong Un", "to target Ukrainian towns."),
        ("003", "North Korean leader Kim Jong Un plans to visit", "met with Putin in Vladivostok."),
        ("004", "WASHINGTON (Reuters) - North Korean leader", "were advancing actively."),
    ],
)
def test_body_keeps_the_whole_story_from_first_to_last_sentence(
    seed: str, first: str, last: str
) -> None:
    body = load_seed(seed).body
    assert first in body
    assert last in body


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_body_has_no_boilerplate_or_link_list_lines(seed: str) -> None:
    paragraphs = load_seed(seed).body.split("\n\n")
    assert not any(p.strip() in BOILERPLATE for p in paragraphs)
    assert not any(p.startswith(("- ", "• ")) for p in paragraphs)


@pytest.mark.parametrize("seed", ["000", "004"])
def test_related_lists_land_in_the_tail(seed: str) -> None:
    dump = load_seed(seed)
    assert any(line in ("Related", "Next In World") for line in dump.tail)


def test_empty_input_gives_empty_body() -> None:
    assert clean_text_dump("") == TextDump(title=None, body="", head=[], tail=[])


def test_wrapped_lines_are_joined_into_one_paragraph() -> None:
    wrapped = "\n".join(
        [
            "The committee met on Tuesday to discuss the budget and agreed that the",
            "city would spend more on schools, roads and parks over the next three",
            "years, officials said. The mayor called the plan a fair compromise for",
            "everyone who lives and works in the city and its growing suburbs today.",
            "",
            "Residents will be able to comment on the plan at a public hearing that",
            "is scheduled for next month, and the council will vote on it in June.",
        ]
    )
    body = clean_text_dump(wrapped, language="en").body
    assert body.split("\n\n")[0].startswith("The committee met")
    assert "that the city would spend" in body
    assert len(body.split("\n\n")) == 2


def test_repeated_line_is_removed_from_the_story() -> None:
    text = "\n\n".join(["Sponsored", PROSE, "Sponsored", PROSE.replace("Tuesday", "Friday")])
    assert "Sponsored" not in clean_text_dump(text, language="en").body


def test_cjk_paragraph_is_kept_as_story_text() -> None:
    cjk = (
        "北京市政府星期二宣布，将在未来三年内投入更多资金用于学校、道路和公园建设，"
        "官员表示这项计划得到了广泛支持。"
    )
    text = "\n".join(["首页", "新闻", "体育", "", cjk, "", cjk.replace("北京", "上海")])
    body = clean_text_dump(text).body
    assert cjk in body
    assert "首页" not in body


@pytest.mark.parametrize("language", [None, "en", "xx"])
def test_menu_lines_before_the_story_go_to_the_head(language: str | None) -> None:
    second = PROSE.replace("Tuesday", "Friday")
    text = "\n".join(["  • Home", "  • World", "  • Sports", "", PROSE, "", second])
    dump = clean_text_dump(text, language=language)
    assert dump.head == ["• Home", "• World", "• Sports"]
    assert dump.body.startswith("The committee met")


SECOND = PROSE.replace("Tuesday", "Friday").replace("schools", "libraries")


def dump_with_header(*header: str) -> str:
    """A dump whose story is preceded by the given header lines (menu first)."""
    return "\n\n".join(["  • Home", "  • World", *header, PROSE, SECOND])


HEADLINE = "City budget to fund schools and parks"


@pytest.mark.parametrize(
    "header",
    [
        [HEADLINE, "By Jane Doe"],
        [HEADLINE, "Budget Schools Parks Roads"],
        ["News > City > Budget", HEADLINE],
        [HEADLINE, "September 5, 2023 10:00"],
        [HEADLINE, "a view of the committee room© Agency"],
    ],
)
def test_title_is_the_headline_not_a_byline_tag_list_breadcrumb_date_or_caption(
    header: list[str],
) -> None:
    assert clean_text_dump(dump_with_header(*header), language="en").title == HEADLINE


def test_title_is_returned_even_when_no_line_echoes_the_story() -> None:
    dump = clean_text_dump(dump_with_header("Weather warning for the coast tonight"), "en")
    assert dump.title == "Weather warning for the coast tonight"


def test_question_headline_opening_the_story_span_is_the_title_not_body() -> None:
    text = "\n\n".join(
        ["  • Home", "  • Opinion", "Will the city budget fund schools?", PROSE, SECOND]
    )
    dump = clean_text_dump(text, language="en")
    assert dump.title == "Will the city budget fund schools?"
    assert dump.body.startswith("The committee met")


def test_bracketed_prose_is_story_text_but_bracketed_placeholders_are_not() -> None:
    recipe = "Asparagus and Eggs [1 cup asparagus, 2 soft-boiled eggs, ½ cup sweet potato]"
    text = "\n\n".join([PROSE, recipe, "[logo-image]", SECOND])
    body = clean_text_dump(text, language="en").body
    assert recipe in body
    assert "[logo-image]" not in body


def test_long_run_of_capitalised_menu_links_is_not_story_text() -> None:
    menu = "Latest News Applications Cloud Data Center Internet Of Things Managed Services Security"
    text = "\n\n".join([menu, PROSE, SECOND])
    assert menu not in clean_text_dump(text, language="en").body


VIDEO = "Committee members discuss how the city would spend more on schools, roads and parks video"
DEK = (
    "The council agreed on Tuesday that the city would spend more on schools, roads and parks "
    "over three years"
)


@pytest.mark.parametrize(
    "header",
    [
        [HEADLINE, DEK],  # the longer standfirst under the headline echoes the story more
        [HEADLINE, "By Jane Doe", VIDEO],
    ],
)
def test_title_is_the_headline_not_the_dek_or_a_video_title_under_the_byline(
    header: list[str],
) -> None:
    assert clean_text_dump(dump_with_header(*header), language="en").title == HEADLINE


def test_title_at_points_at_the_headline_copy_nearest_the_story() -> None:
    text = "\n\n".join([HEADLINE, "  • Home", "  • World", HEADLINE, "By Jane Doe", PROSE, SECOND])
    dump = clean_text_dump(text, language="en")
    assert dump.title == HEADLINE
    assert dump.lines[dump.title_at : dump.title_at + 2] == [HEADLINE, "By Jane Doe"]


def test_site_boilerplate_after_the_story_is_cut_but_not_inside_it() -> None:
    notice = "Comments are reviewed before they appear and closed after two days."
    inside = "Residents can leave comments on the plan at the library until June."
    text = "\n\n".join([PROSE, inside, PROSE.replace("Tuesday", "Friday"), notice])
    body = clean_text_dump(text, language="en").body
    assert inside in body
    assert notice not in body


def test_headings_and_list_items_inside_the_story_are_kept() -> None:
    second = PROSE.replace("Tuesday", "Friday")
    item = "  • The city will repave the main roads before the winter starts this year."
    text = "\n\n".join([PROSE, "What the plan pays for", item, second, "  • Home", "  • World"])
    body = clean_text_dump(text, language="en").body
    assert "What the plan pays for" in body
    assert item.strip() in body
    assert "Home" not in body


def test_plain_story_file_is_kept_whole_with_its_short_lines() -> None:
    story = [
        "LONDON 2024-05-04",
        "Results of matches played in the county league on Saturday:",
        "Northfield 3 Southbury 1",
        "Eastham 0 Westmoor 0",
        "Standings:",
        "Northfield 10 7 2 1 22",
        "Eastham 10 5 3 2 15",
    ]
    dump = clean_text_dump("\n".join(["SOCCER - COUNTY LEAGUE RESULTS.", "", *story]))
    assert dump.title == "SOCCER - COUNTY LEAGUE RESULTS."
    assert dump.body.split("\n\n") == story


def test_indented_or_spaced_dump_is_not_a_plain_story() -> None:
    text = "\n".join(["Site Name", "", "  • Home", "  • World", PROSE, PROSE.replace("Tue", "Fri")])
    assert "Home" not in clean_text_dump(text, language="en").body


def test_headline_repeated_as_the_last_crumb_of_a_trail_beats_a_label_near_the_story() -> None:
    headline = "Mayor unveils the new budget for the city"
    crumbs = "\n".join(["  1. Home", "  2. Local news", f"  3. {headline}"])
    label = "Schools, roads and parks"
    text = "\n\n".join([crumbs, "Share", headline, "Listen", label, PROSE, SECOND])
    dump = clean_text_dump(text, language="en")
    assert dump.title == headline
    assert dump.body.startswith("The committee met")
