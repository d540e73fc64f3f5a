"""The date an HTML page shows with its headline: the date its readers see as the story's."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from lxml.html import HtmlElement

from presswatch.extract import metadata

logger = logging.getLogger(__name__)

# Markers of an element that holds a date (class, id or itemprop), in any of the usual spellings.
DATE_MARKER = re.compile(r"date|time|publish|posted|updated|modified", re.IGNORECASE)
# The date stamp sits between the headline and the story's first paragraphs: look at this many
# elements after the headline, and stop once this much paragraph text has gone by (a date
# further down belongs to a teaser or a comment).
WINDOW_ELEMENTS = 80
STORY_STARTED_CHARS = 400
# Two dates this close name the same day in different time zones.
SAME_DAY = timedelta(days=1)
# A date stamp is short ("Updated on Jul 4, 2024 at 10:00 am"); longer text is prose.
STAMP_MAX_CHARS = 80


def choose_published(
    declared: tuple[datetime | None, str | None], guessed: datetime | None, shown: datetime | None
) -> tuple[datetime | None, str | None]:
    """(date, source): what the page declares (JSON-LD, meta tags) unless the page shows another
    day that the extractor's own guess (htmldate) confirms: then the declared date is stale
    (an old first-publication date of a page republished since). A page that declares none:
    the date it shows by its headline, else the guess (which reads dates anywhere on it)."""
    declared_at, source = declared
    if declared_at is None:
        if shown:
            return shown, "html:shown"
        return (guessed, "html:metadata") if guessed else (None, None)
    if guessed and shown and _same_day(guessed, shown) and not _same_day(declared_at, guessed) \
            and not _same_day(declared_at, shown):  # fmt: skip
        return guessed, "html:shown"
    return declared_at, source


def _same_day(a: datetime, b: datetime) -> bool:
    return abs(a.date() - b.date()) <= SAME_DAY


def find_shown_date(tree: HtmlElement, headline: str | None) -> datetime | None:
    """The first date printed after the page's headline, before its story is under way."""
    start = _headline_element(tree, headline)
    if start is None:
        return None
    prose = 0
    for seen, element in enumerate(_after(tree, start)):
        if seen >= WINDOW_ELEMENTS or prose >= STORY_STARTED_CHARS:
            break
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        found = _date_of(element)
        if found is not None:
            return found
        if element.tag == "p":
            prose += len(element.text_content())
    return None


def _headline_element(tree: HtmlElement, headline: str | None) -> HtmlElement | None:
    """The <h1> that shows the headline, else the first <h1>."""
    first = None
    for heading in tree.iter("h1"):
        if first is None:
            first = heading
        if headline and " ".join(heading.text_content().split()) == headline:
            return heading
    return first


def _after(tree: HtmlElement, start: HtmlElement):
    """Elements after `start` in document order, its own descendants excluded."""
    inside = set(start.iter())
    passed = False
    for element in tree.iter():
        if element is start:
            passed = True
        elif passed and element not in inside:
            yield element


def _date_of(element: HtmlElement) -> datetime | None:
    if element.tag == "time":
        found = metadata.parse_timestamp(element.get("datetime"))
        if found is not None:
            return found
    elif not any(DATE_MARKER.search(element.get(a) or "") for a in ("class", "id", "itemprop")):
        return None
    text = " ".join(element.text_content().split())
    if not text or len(text) > STAMP_MAX_CHARS:
        return None
    return metadata.find_date_in_lines([text])[0]
