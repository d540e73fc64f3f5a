"""Names in the rows of results and standings tables, which a model trained on prose misses.

Wire copy carries much of its sport and market news as rows: "Fulham 3 2 0 1 4 3 6",
"Puchon 3 Chonan 0", "Jiri Novak (Czech Republic) beat Ben Ellwood (Australia) 6-2 6-4". The
model tags some of a table's names, often as the places clubs are named after, and misses the
rest. Where a name stands in a row says what it is: before a score, a team; before a bracket or
an ordinal, a person.
"""

from __future__ import annotations

import calendar
import functools
import re

from presswatch.entities.ner import Mention

# A name in a row: capitalised words, with the particles and initials names carry inside.
NAME = re.compile(
    r"(?<![\w'’.-])[A-Z][\w'’.-]*(?:\s+(?:(?:de|da|van|der|von|le|la|al|el|del|di|du|bin|y)\s+)*"
    r"[A-Z][\w'’.-]*)*"
)
FIGURE = re.compile(r"(?<![\w.])[-+]?\d[\d.,:/-]*(?:st|nd|rd|th)?(?![\w])")
ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)\b")
INITIALLED = re.compile(r"(?:[A-Z]\.\s*)+[A-Z][\w'’-]+")  # "J. Russell", "M.E. Waugh": a person
# A result: a side, its score (and its scorers in brackets), the other side and its score.
RESULT = re.compile(
    r"[ \t]*[A-Z][^\d\n]*?[ \t]\d{1,3}[ \t]+(?:\([^()\n]*\)[ \t]+)?[A-Z][^\d\n]*?[ \t]\d{1,3}\b"
)
COUNTRY_AFTER = re.compile(r"[ \t]*\(([^()\n]{2,40})\)")
CALENDAR_WORDS = frozenset(
    word.casefold()
    for names in (calendar.month_name, calendar.month_abbr, calendar.day_name, calendar.day_abbr)
    for word in names
    if word
)
BRACKETED = re.compile(r"\(([A-Z][^()\n]{1,40})\)")
MIN_RESULTS = 2  # a table of results, not one line of a poll ("Ann Lee 51 Bob Ray 47")
VERSUS = re.compile(r"(?<!\S)vs?\.?(?=\s+[A-Z])")  # "Norwich v Wolverhampton": a fixture
VERSUS_BEFORE = re.compile(r"(?<!\S)vs?\.?\s+$")
MIN_FIGURES = 2  # a row carries at least two figures: a score and another, or standings
MAX_LOWER_WORDS = 3  # "beat", "not out", "v", "and": a row is names and figures, not a sentence
TEAM, PERSON = "ORG", "PERSON"
PLACES = frozenset({"GPE", "LOC"})
NATIONS = ("England", "Scotland", "Wales", "Northern Ireland")  # not in CLDR's territories


def label_rows(text: str, body_start: int, mentions: list[Mention]) -> list[Mention]:
    """The mentions, with the places standing for teams in the body's table rows relabelled ORG,
    and the row names no mention covers added. A name before a figure is a team ("Lille 3
    Rennes 1"), unless the model took it for a person (outside a table of results) or it is a
    country (a national team keeps its country's label); a name before a bracket ("Jiri Novak
    (Czech Republic)") is a person.
    A country in brackets is a place wherever it stands ("Marcelo Rios (Chile) vs. ...")."""
    tables = _tables(text, body_start)
    rows = [row for table in tables for row in table]
    results = set()  # rows of tables of results: their names are teams, whatever the model said
    for table in tables:
        if len(found := [row for row in table if RESULT.match(text, *row)]) >= MIN_RESULTS:
            results.update(found)
    out = [_relabelled(text, m, rows, results) for m in mentions]
    for row in rows:
        for match in _row_names(text, row):
            start, end = match.span()
            role = _role(text, start, end)
            if role and not _overlaps(start, end, mentions):
                out.append(Mention(match.group(0), role, start, end))
    return sorted([*out, *_bracketed_countries(text, body_start, out)], key=lambda m: m.start)


def _bracketed_countries(text: str, body_start: int, mentions: list[Mention]) -> list[Mention]:
    """Countries in brackets that no mention covers, anywhere in the body ("Rios (Chile)")."""
    found = []
    for match in BRACKETED.finditer(text, body_start):
        start, end = match.span(1)
        if match.group(1) in countries() and not _overlaps(start, end, mentions):
            found.append(Mention(match.group(1), "GPE", start, end))
    return found


def _relabelled(text: str, mention: Mention, rows: list[tuple[int, int]], results: set) -> Mention:
    row = _row_of(mention, rows)
    if row is not None and _is_team(text, mention, row in results):
        return Mention(mention.text, TEAM, mention.start, mention.end)
    if row is not None and _is_athlete(text, mention):
        return Mention(mention.text, PERSON, mention.start, mention.end)
    return mention


def _is_athlete(text: str, mention: Mention) -> bool:
    """In a row, a name with its initials ("J. Russell 63") or a model ORG before its country in
    brackets ("Christina Singer (Germany)"): a person."""
    if INITIALLED.fullmatch(mention.text):
        return mention.label != PERSON
    match = COUNTRY_AFTER.match(text, mention.end)
    return bool(
        match and mention.label == TEAM and match.group(1) in countries() and " " in mention.text
    )


def _is_team(text: str, mention: Mention, in_results: bool) -> bool:
    """In a row, a place before a figure, or any name before a score in a table of results (two
    or more: "Nancy 0 Paris St Germain 0", not one line of a poll): a team, unless it is a
    country."""
    if mention.text in countries() or mention.label == TEAM:
        return False
    if _role(text, mention.start, mention.end) != TEAM:
        return False
    return mention.label in PLACES or in_results


def _overlaps(start: int, end: int, mentions: list[Mention]) -> bool:
    return any(m.start < end and start < m.end for m in mentions)


def _row_of(mention: Mention, rows: list[tuple[int, int]]) -> tuple[int, int] | None:
    return next((row for row in rows if row[0] <= mention.start and mention.end <= row[1]), None)


@functools.cache
def countries() -> frozenset[str]:
    """Names of countries in English (CLDR's, through Babel) and the home nations that field
    national teams: a national team keeps its country's name and label."""
    from babel import Locale

    territories = Locale("en").territories
    names = {name for code, name in territories.items() if len(code) == 2 and code.isalpha()}
    return frozenset(names | set(NATIONS))


def _role(text: str, start: int, end: int) -> str | None:
    """PERSON for a name before a bracket or an ordinal ("Smicer 52nd": a goal's minute), ORG
    for one before another figure or on either side of a fixture's "v", else None (a name in
    brackets is its own)."""
    after = text[end : end + 20].lstrip(" ")
    if ORDINAL.match(after) or INITIALLED.fullmatch(text, start, end):
        return PERSON
    if text[start - 1 : start] == "(":
        return None
    if after.startswith("("):
        return PERSON
    if FIGURE.match(after) or VERSUS.match(after) or VERSUS_BEFORE.search(text[start - 6 : start]):
        return TEAM
    return None


def _is_row(line: str) -> bool:
    """A line of names and figures or fixtures: two or more, few lowercase words."""
    words = line.split()
    figures = len(FIGURE.findall(line)) + len(VERSUS.findall(line))
    lower = sum(word[:1].islower() for word in words)
    return figures >= MIN_FIGURES and lower <= MAX_LOWER_WORDS and bool(NAME.search(line))


def _tables(text: str, body_start: int) -> list[list[tuple[int, int]]]:
    """Runs of consecutive row lines in the body, as (start, end) spans of their lines."""
    tables: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for match in re.finditer(r"[^\n]+", text[body_start:]):
        span = (body_start + match.start(), body_start + match.end())
        if _is_row(match.group(0)):
            current.append(span)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def _row_names(text: str, row: tuple[int, int]) -> list[re.Match]:
    """Names of a row, less dates ("November 5", "AUG 23") and single letters."""
    return [
        m
        for m in NAME.finditer(text, *row)
        if sum(ch.isalpha() for ch in m.group(0)) >= 2
        and m.group(0).split()[0].rstrip(".").casefold() not in CALENDAR_WORDS
    ]
