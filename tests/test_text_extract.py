"""Text-dump extraction end to end: headline, header date and story from one dump."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from presswatch.extract.text import extract_text

PROSE = (
    "The committee met on Tuesday to discuss the budget and agreed that the city would "
    "spend more on schools, roads and parks over the next three years, officials said."
)
SECOND = PROSE.replace("Tuesday", "Friday").replace("schools", "libraries")
MENU = ["  • Home", "  • World", "  • Sports", "  • Business", "  • Opinion", "  • Weather"]
HEADLINE = "City budget to fund schools and parks"


def page(top: list[str], header: list[str]) -> str:
    return "\n\n".join([*top, *MENU, *header, PROSE, SECOND, "© 2019 Daily Example"])


@pytest.mark.parametrize(
    ("top", "header", "expected"),
    [
        ([], [HEADLINE, "September 5, 2023"], datetime(2023, 9, 5, tzinfo=UTC)),
        ([], ["Published: September 5, 2023", HEADLINE], datetime(2023, 9, 5, tzinfo=UTC)),
        (["Wednesday, November 20, 2019"], [HEADLINE, "By Jane Doe"], None),
        ([], [HEADLINE], None),
        ([], ["Sunday, April 28, 2024", HEADLINE], None),  # the site bar's date of today
        ([], ["Sunday, April 28, 2024 10:15", HEADLINE], datetime(2024, 4, 28, tzinfo=UTC)),
        ([], [HEADLINE, "Tuesday, 05 Sep 2023"], datetime(2023, 9, 5, tzinfo=UTC)),
    ],
)
def test_date_is_taken_near_the_headline_never_from_chrome_or_copyright(top, header, expected):
    assert extract_text(page(top, header))["published_at"] == expected


def test_title_and_body_come_from_the_story_around_the_headline():
    result = extract_text(page([], [HEADLINE, "By Jane Doe"]))
    assert result["title"] == HEADLINE
    assert result["body"].startswith("The committee met on Tuesday")
    assert "Daily Example" not in result["body"]


def authors_of(header: list[str], end: tuple[str, ...] = ()) -> list[str]:
    text = "\n\n".join([*MENU, *header, PROSE, SECOND, *end, "© 2019 Daily Example"])
    return extract_text(text)["authors"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ([HEADLINE, "By Jane Doe and John Roe"], ["Jane Doe", "John Roe"]),
        ([HEADLINE, "By", "Jane Doe"], ["Jane Doe"]),
        ([HEADLINE, "By Jane Doe | Special to the Daily Example"], ["Jane Doe"]),
        ([HEADLINE, "By Meg JamesStaff Writer", "Nov. 19, 2019"], ["Meg James"]),
        ([HEADLINE, "By Sandee LaMotte, CNN"], ["Sandee LaMotte"]),
        ([HEADLINE, "By JANE DOE - 2019-04-10"], ["Jane Doe"]),
        ([HEADLINE, "Written by Rachael Link, MS, RD on November 14, 2019"], ["Rachael Link"]),
        ([HEADLINE, "By Kashmira Gander On 11/13/19 at 4:00 PM EST"], ["Kashmira Gander"]),
        (
            [HEADLINE, "By Matthew Digby , Minh Do on Monday, November 18th"],
            ["Matthew Digby", "Minh Do"],
        ),
        ([HEADLINE, "February 1, 2019 | BY: Ilana Muhlstein, MS, RDN"], ["Ilana Muhlstein"]),
        (
            [HEADLINE, "05/10/2018 - Publicado por: Clarissa Borba - Categoria: Saúde"],
            ["Clarissa Borba"],
        ),
        ([HEADLINE, "Oleh Budi Santoso dan Ani Wijaya"], ["Budi Santoso", "Ani Wijaya"]),
        ([HEADLINE, "Von Anna Schmidt und Jonas Weber"], ["Anna Schmidt", "Jonas Weber"]),
    ],
)
def test_byline_keyword_lines_give_the_names_without_roles_dates_or_outlets(header, expected):
    assert authors_of(header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ([HEADLINE, "Jane Doe", "Nov 18, 2019 4:26 pm"], ["Jane Doe"]),
        ([HEADLINE, "Suzanne Gamboa", "1 day ago"], ["Suzanne Gamboa"]),
        ([HEADLINE, "Tom Gillespie, news reporter"], ["Tom Gillespie"]),
        ([HEADLINE, "Bruce Y. Lee Senior Contributor"], ["Bruce Y. Lee"]),
        ([HEADLINE, "Carlos Nadalim 27/09/2018 Comente!"], ["Carlos Nadalim"]),
        ([HEADLINE, "21/06/2014 Tony Carter All, Books, Kit Reviews, News"], ["Tony Carter"]),
        (["Molly Wood", "Ideas", "11.14.2019 09:00 AM", HEADLINE], ["Molly Wood"]),
    ],
)
def test_name_line_beside_a_date_or_role_under_the_headline_is_the_byline(header, expected):
    assert authors_of(header) == expected


@pytest.mark.parametrize(
    "header",
    [
        [HEADLINE, "By Reuters Staff"],
        [HEADLINE, "by European Space Agency"],
        [HEADLINE, "By admin - 2018-09-16"],
        [HEADLINE, "Author:", "Practical Horseman Editorial Staff"],
        [HEADLINE, "By The Numbers: City Budget"],
        [HEADLINE, "Published by Penguin Random House"],  # the publisher
        [HEADLINE, "• Telegraph Sport", "19 November 2019"],
        [HEADLINE, "Alex Wong | Getty Images", "Nov 18, 2019"],
        [HEADLINE, "Parks Roads", "Nov 18, 2019"],  # a label of words the story uses
        [HEADLINE, "Daily Example", "Nov 18, 2019"],  # the site's name, holder of the copyright
        [HEADLINE, "Jane Doe"],  # a lone name with no date, role or bio beside it
        ["Kate Henshaw stuns in new photos", "Kate Henshaw", "October 6, 2018"],
    ],
)
def test_organisations_labels_credits_and_story_subjects_are_not_authors(header):
    assert authors_of(header) == []


def test_lone_name_is_the_author_when_a_bio_after_the_story_introduces_it():
    bio = "Pamela Wilson is an online educator, author and keynote speaker."
    assert authors_of([HEADLINE, "Pamela Wilson"], end=(bio,)) == ["Pamela Wilson"]


def test_reporting_credits_after_the_story_are_authors_but_editors_are_not():
    credit = "(Reporting by Jasper Ward and Kanishka Singh; Editing by Scott Malone)"
    assert authors_of([HEADLINE], end=(credit,)) == ["Jasper Ward", "Kanishka Singh"]


@pytest.mark.parametrize("byline", ["Alessio Palumbo", "By Alessio Palumbo"])
def test_bylines_of_teasers_after_the_story_are_not_authors(byline):
    teaser = ("More stories", "Stadia Launches Tomorrow as Google Enters the Market", byline)
    assert authors_of([HEADLINE], end=(*teaser, "Nov 18")) == []


def test_byline_keeps_a_blogger_who_also_holds_the_copyright():
    text = "\n\n".join([*MENU, HEADLINE, "By Jane Doe", PROSE, SECOND, "© 2019 Jane Doe"])
    assert extract_text(text)["authors"] == ["Jane Doe"]


SEEDS = Path(__file__).parent / "fixtures" / "seeds"


@pytest.mark.parametrize(
    ("seed", "day"),
    [
        ("000", "2025-04-27"),  # the republishing site's own "Date:" line under the headline
        ("001", None),
        ("002", "2025-04-07"),
        ("003", None),  # only the menu's "today" above the headline: no date beats a wrong one
        ("004", "2023-09-05"),
    ],
)
def test_seed_dates_come_from_the_story_header_never_the_menu_bar(seed, day):
    text = next(SEEDS.glob(f"{seed}_*.txt")).read_text(encoding="utf-8")
    published = extract_text(text)["published_at"]
    assert (published.date().isoformat() if published else None) == day
