"""Text-dump extraction end to end: headline, header date and story from one dump."""

from datetime import UTC, datetime

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
    ],
)
def test_date_is_taken_near_the_headline_never_from_chrome_or_copyright(top, header, expected):
    assert extract_text(page(top, header))["published_at"] == expected


def test_title_and_body_come_from_the_story_around_the_headline():
    result = extract_text(page([], [HEADLINE, "By Jane Doe"]))
    assert result["title"] == HEADLINE
    assert result["body"].startswith("The committee met on Tuesday")
    assert "Daily Example" not in result["body"]
