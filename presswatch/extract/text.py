"""Text dumps: the text-dump cleaner finds headline and story; shared rules read the page chrome."""

from __future__ import annotations

import logging
import re

from presswatch.extract import metadata, page_type
from presswatch.extract import patterns as p
from presswatch.extract.textdump import clean_text_dump
from presswatch.extract.textdump_byline import find_dump_authors

logger = logging.getLogger(__name__)

HEADER_ABOVE_TITLE = 2  # a date just above the headline ("Published 1 day ago", kicker lines)
HEADER_TAIL_LINES = 8  # without a headline in the head, the lines right above the story
COPYRIGHT = re.compile(r"©|\(c\)|copyright", re.I)  # the site's year, not the article's date
# What follows a headline in a page title: separators, then the site name, 2 to 40 characters.
OUTLET_SEPARATORS = "-–—|:•·"
OUTLET_NAME_CHARS = (2, 40)
SEPARATORS_ONLY = re.compile(r"[\s\-–—|:•·]*+")


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
        "page_type": page_type.classify_text(text, dump.body, dump.title),
    }


def _story_header(head: list[str], title: str | None) -> list[str]:
    """Header lines that can date the article: those around the headline, or labelled ones.

    A date printed far above the headline sits in the site chrome (today's date next to the
    menu), as does a bare weekday and date just above it; a copyright line carries the site's
    year. None of them dates the article.
    """
    at = max((i for i, line in enumerate(head) if title and line == title), default=None)
    near = set(range(len(head) - HEADER_TAIL_LINES, len(head)))
    if at is not None:
        near |= set(range(at - HEADER_ABOVE_TITLE, len(head)))
    return [
        line
        for i, line in enumerate(head)
        if ((i in near and not _today_bar(i, at, line)) or metadata.is_labelled_date(line))
        and not COPYRIGHT.search(line)
    ]


def _today_bar(i: int, at: int | None, line: str) -> bool:
    """True for "Sunday, April 28, 2024" above the headline: the site bar's date of today.

    An article's own date above its headline comes with a time or a label; a weekday and a date
    alone over the headline is the date the page was served.
    """
    return (
        at is not None
        and i < at
        and bool(p.WEEKDAY_OPENING.match(line))
        and not (p.CLOCK_TIME.search(line))
    )


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
        name = outlet_suffix(line[at + len(title) :])
        if name:
            return name
    return None


def outlet_suffix(rest: str) -> str | None:
    r"""The name `^\s*(?:[-–—|:•·]\s*)+(?P<name>[^-–—|:•·]{2,40}?)\s*$` matches in `rest`.

    Computed, not matched: that pattern tries every split of the spaces after each separator
    and rescans the spaces after the name for each, cubic in a long run of spaces. The name
    starts after the last separator's spaces, or one or two of them earlier when it would be
    shorter than two characters, and ends where only spaces are left.
    """
    last = max(map(rest.rfind, OUTLET_SEPARATORS))
    if last < 0 or SEPARATORS_ONLY.fullmatch(rest, 0, last + 1) is None:
        return None
    tail = rest[last + 1 :]
    shortest, longest = OUTLET_NAME_CHARS
    gap, end = len(tail) - len(tail.lstrip()), len(tail.rstrip())
    for start in range(gap, max(gap - shortest - 1, -1), -1):
        size = max(shortest, end - start)
        if size <= longest and start + size <= len(tail):
            return tail[start : start + size]
    return None
