"""Text dumps: the text-dump cleaner finds headline and story; shared rules read the page chrome."""

from __future__ import annotations

import logging
import re

from presswatch.extract import metadata
from presswatch.extract.textdump import clean_text_dump
from presswatch.extract.textdump_byline import find_dump_authors

logger = logging.getLogger(__name__)

HEADER_ABOVE_TITLE = 2  # a date just above the headline ("Published 1 day ago", kicker lines)
HEADER_TAIL_LINES = 8  # without a headline in the head, the lines right above the story
COPYRIGHT = re.compile(r"©|\(c\)|copyright", re.I)  # the site's year, not the article's date
OUTLET_SUFFIX = re.compile(r"^\s*(?:[-–—|:•·]\s*)+(?P<name>[^-–—|:•·]{2,40}?)\s*$")


def extract_text(text: str) -> dict:
    """Article fields of one text dump; the body is "" when no story is found."""
    dump = clean_text_dump(text)
    wire, dateline = metadata.find_wire_and_dateline(dump.body)
    published, date_source = metadata.find_date_in_lines(_story_header(dump.head, dump.title))
    return {
        "title": dump.title,
        "outlet": find_outlet(dump.head, dump.title),
        "published_at": published,
        "date_source": date_source,
        "authors": find_dump_authors(dump),
        "wire": wire,
        "dateline": dateline,
        "body": dump.body,
    }


def _story_header(head: list[str], title: str | None) -> list[str]:
    """Header lines that can date the article: those around the headline, or labelled ones.

    A date printed far above the headline sits in the site chrome (today's date next to the
    menu); a copyright line carries the site's year. Neither dates the article.
    """
    at = max((i for i, line in enumerate(head) if title and line == title), default=None)
    near = set(range(len(head) - HEADER_TAIL_LINES, len(head)))
    if at is not None:
        near |= set(range(at - HEADER_ABOVE_TITLE, len(head)))
    return [
        line
        for i, line in enumerate(head)
        if (i in near or metadata.is_labelled_date(line)) and not COPYRIGHT.search(line)
    ]


def find_outlet(head: list[str], title: str | None) -> str | None:
    """The site name a page prints beside its headline in the page title ("Headline - Site")."""
    if not title:
        return None
    for line in head:
        if line.strip() == title:
            continue
        at = line.find(title)
        if at < 0:
            continue
        match = OUTLET_SUFFIX.match(line[at + len(title) :])
        if match:
            return match.group("name")
    return None
