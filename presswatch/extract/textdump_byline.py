"""Find a text dump's authors: the byline near the headline and the credits after the story."""

import re

from presswatch.extract import metadata
from presswatch.extract import patterns as p
from presswatch.extract.textdump import TextDump
from presswatch.extract.textdump_lines import BULLET, is_doubled

BYLINE_ABOVE_TITLE = 4  # kicker rows above a headline can hold the author and date
BYLINE_AFTER_TITLE = 20  # under the headline: dek, share bar and photo come before the byline
STORY_OPENING_LINES = 8  # a byline too short to be prose is dropped from the story's opening
DATE_WINDOW = 2  # a name line this close to a date line is the article's author-and-date block
BYLINE_MAX_CHARS = 120  # bylines are short; a longer line is prose that mentions a name
DATE_LINE_MAX_CHARS = 60  # so are date lines; a longer line between name and date is a teaser
NAME_MAX_WORDS = 4  # capitalised words in a name after a byline keyword
LONE_NAME_MAX_WORDS = 3  # without a keyword, longer title-case lines are labels or teasers
TAG_LIST_COMMAS = 2  # "Tony Carter All, Books, News": commas after a name open a category list
END_PARAGRAPHS = 3  # credits ("Reporting by ...") close a story ...
TAIL_CREDIT_LINES = 3  # ... or follow it closely; farther down are teasers with other bylines

TOKEN = re.compile(r"\S+")
INITIAL = re.compile(r"^[A-ZÀ-Þ]\.(?:[A-ZÀ-Þ]\.)*$")  # "E.", "J.R."
ACRONYM = re.compile(r"^[A-ZÀ-Þ]{2,}$")  # "CNN", "MS", "RD": brands and degrees, not names
# Glued inline elements: "Meg JamesStaff Writer", "Jonathan GarberFOXBusiness". Four lowercase
# letters before the capital keep "LaMotte", "McDonald" and "MacKenzie" whole.
GLUED = re.compile(r"(?<=[a-zà-ÿ]{4})(?=[A-ZÀ-Þ])")
# "February 1, 2019 | BY: Jane Doe, MS", "Tom Gillespie, news reporter". Spaces before a bar are
# read where they start, or right after a spaced dash (where the last split ended), never from
# inside a run of them: the same splits, one pass over a long gap instead of one per position.
SEGMENT = re.compile(r"(?:(?:(?<!\s)|(?<=\s[-–—]\s))\s++)?[|•·]\s*|\s[-–—]\s")
ROLE_SPLIT = re.compile(r"(?:(?:(?<!\s)|(?<=\s-\s))\s++)?[,|–—]\s*|\s-\s")
COPYRIGHT = re.compile(r"©|\(c\)|copyright", re.I)
LOWER_WORD = re.compile(r"(?<![\w@.])[a-zà-ÿ][\w'’-]*(?![\w@])")  # not inside "jeff@site.com"


def find_dump_authors(dump: TextDump) -> list[str]:
    """Author names of a dump: its byline, else a name line beside a date or role; credits."""
    lines = dump.lines
    after, before = _header_zones(dump, len(lines))
    names = _keyword_byline(lines, _keyword_zone(dump, after) + before)
    if not names:
        names = _name_line(lines, after, dump) or _name_line(lines, before, dump)
    closing = [line for line in dump.body.split("\n") if line.strip()][-END_PARAGRAPHS:]
    if not names:  # a signature closing the story; a "By" line in the tail heads a teaser
        names = _keyword_byline(closing, list(range(len(closing))))
    for line in closing + dump.tail[:TAIL_CREDIT_LINES]:
        for credit in p.REPORTING_BY.findall(line):
            names += metadata.split_names(credit)
    return _unique(names)


def _header_zones(dump: TextDump, count: int) -> tuple[list[int], list[int]]:
    """Line indices under the headline, nearest first, and just above it, nearest first."""
    story, tail = len(dump.head), count - len(dump.tail)
    title = dump.title_at if dump.title_at is not None else story - 1
    opening = min(max(story, title + 1) + STORY_OPENING_LINES, tail)  # never into the tail
    end = min(title + 1 + BYLINE_AFTER_TITLE, opening)
    after = list(range(title + 1, end))
    if dump.title_at is None:
        return after, []
    return after, list(range(title - 1, max(title - 1 - BYLINE_ABOVE_TITLE, -1), -1))


def _keyword_zone(dump: TextDump, after: list[int]) -> list[int]:
    """A "By" line is evidence enough to look on down to the story's opening lines."""
    start = after[0] if after else len(dump.head)
    end = max(after[-1] + 1 if after else start, len(dump.head) + STORY_OPENING_LINES)
    return list(range(start, min(end, len(dump.lines) - len(dump.tail))))


def _keyword_byline(lines: list[str], zone: list[int]) -> list[str]:
    """Names on the first byline-keyword line ("By A and B", "| BY: A", "Publicado por: A -").

    Only the first: a second "By" line further on belongs to a teaser or a quoted piece.
    """
    for i in zone:
        line = lines[i]
        if len(line) > BYLINE_MAX_CHARS:
            continue
        if p.BYLINE_KEYWORD.fullmatch(line) and i + 1 < len(lines):
            line = f"{line} {lines[i + 1]}"  # "By" on its own line, the names on the next
        for segment in SEGMENT.split(line.replace("\xa0", " ")):
            keyword = p.BYLINE_KEYWORD.match(segment.strip())
            names = parse_byline(segment.strip()[keyword.end() :]) if keyword else []
            if names:
                return names
    return []


def parse_byline(text: str) -> list[str]:
    """Person names from the text after a byline keyword, up to a role, date or outlet."""
    text = _unglue(text)
    end = p.BYLINE_END.search(text)
    names = []
    for part in p.NAME_SEPARATORS.split(text[: end.start()] if end else text):
        tokens = _strip_trailing_role(TOKEN.findall(part))
        run = _name_run(tokens, NAME_MAX_WORDS)
        rest = tokens[len(run) :]
        if run and (not rest or rest[0].lower() in p.NAME_STOP_WORDS):
            names.append(_person(run))
    return names


def _name_line(lines: list[str], zone: list[int], dump: TextDump) -> list[str]:
    """A keywordless byline: the nearest name line beside a date or role, or with a bio.

    "Jane Doe\\nNov 18, 2019", "Carlos Nadalim 27/09/2018", "Tom Gillespie, news reporter",
    or a lone name that an author box after the story introduces ("Jane Doe is a ...").
    """
    for i in zone:
        line = _unglue(lines[i])
        if len(line) > BYLINE_MAX_CHARS or BULLET.match(line) or p.PHOTO_CREDIT.search(line):
            continue
        name = _lone_name(line)
        if (
            name
            and not (_has_role_suffix(line) or _near_date(lines, i) or _near_role(lines, i))
            and not _has_bio(name, dump)
        ):
            name = None
        name = name or _name_beside_date(line)
        if name and _is_plausible(name, dump):
            return [name]
    return []


def _lone_name(line: str) -> str | None:
    """The name when the whole line is one, optionally followed by a role phrase."""
    parts = ROLE_SPLIT.split(line, maxsplit=1)
    if len(parts) == 2 and not _is_role_phrase(parts[1:]):
        return None
    tokens = _strip_trailing_role(TOKEN.findall(parts[0]))
    run = _name_run(tokens, LONE_NAME_MAX_WORDS, strict=True)
    return _person(run) if run and run == tokens else None


def _name_beside_date(line: str) -> str | None:
    """The name next to a date on one line: "Carlos Nadalim 27/09/2018 Comente!", or after it:
    "21/06/2014 Tony Carter All, Books, News" (a category list follows the name there)."""
    date = p.DATE_HINT.search(line)
    if not date:
        return None
    tokens = TOKEN.findall(SEGMENT.split(line[: date.start()])[-1])
    run = _name_run(tokens, LONE_NAME_MAX_WORDS, strict=True)
    if run and run == tokens:
        return _person(run)
    after = SEGMENT.split(line[date.end() :])[0].lstrip(" ,.:;-–—")
    items = re.split(r"\s*,\s*", after)
    tokens = TOKEN.findall(items[0])
    if len(items) > TAG_LIST_COMMAS:
        tokens = tokens[:-1]  # the word before the first comma is the first category
    run = _name_run(tokens, LONE_NAME_MAX_WORDS, strict=True)
    return _person(run) if run and run == tokens else None


def _name_run(tokens: list[str], max_words: int, strict: bool = False) -> list[str]:
    """The leading tokens that spell a person's name, or [] when they do not.

    Strict, for lines no byline keyword vouches for: no all-caps words at all.
    """
    run: list[str] = []
    for token in tokens:
        bare = token.strip(".,;:").lower()
        if bare in p.NAME_STOP_WORDS or bare in p.ROLE_WORDS or bare in p.ROLE_QUALIFIERS:
            break
        if (token in p.NAME_PARTICLES and run) or _is_name_word(token):
            run.append(token)
        else:
            break
    while run and run[-1] in p.NAME_PARTICLES:
        run.pop()
    if not all(map(ACRONYM.match, run)):  # popping acronyms keeps a non-acronym: test once
        while len(run) > 2 and ACRONYM.match(run[-1]):
            run.pop()  # "Jane Doe MD": a degree, not a surname
    words = [t for t in run if t not in p.NAME_PARTICLES]
    acronyms = sum(bool(ACRONYM.match(t)) for t in words)
    if (
        not 2 <= len(words) <= max_words
        or sum(not INITIAL.match(t) for t in words) < 2
        or any(t.lower() in p.ORG_WORDS for t in words)
        or (acronyms and (strict or acronyms < len(words)))  # "CNN Wire"; only "By" may shout
    ):
        return []
    return run


def _is_name_word(token: str) -> bool:
    """A capitalised word ("Needleman", "O'Brien", "Jean-Luc"), an initial or a shouted word."""
    if INITIAL.match(token) or ACRONYM.match(token):
        return True
    chars = set(token[1:]) - set("'’-.")
    return len(token) >= 2 and token[0].isupper() and all(c.isalpha() for c in chars)


def _strip_trailing_role(tokens: list[str]) -> list[str]:
    """Tokens without a closing role ("Bruce Lee Senior Contributor" -> "Bruce Lee")."""
    roles = p.ROLE_WORDS | p.ROLE_QUALIFIERS
    end = len(tokens)
    while end and tokens[end - 1].strip(".,;:").lower() in roles:
        end -= 1
    return tokens[:end] if _is_role_phrase(tokens[end:]) else tokens


def _is_role_phrase(parts: list[str]) -> bool:
    words = [w.strip(".,;:@").lower() for part in parts for w in TOKEN.findall(part)]
    return any(w in p.ROLE_WORDS for w in words[:4])


def _has_role_suffix(line: str) -> bool:
    parts = ROLE_SPLIT.split(line, maxsplit=1)
    tokens = TOKEN.findall(parts[0])
    return _is_role_phrase(parts[1:]) or _strip_trailing_role(tokens) != tokens


def _near_date(lines: list[str], i: int) -> bool:
    """A short date line within DATE_WINDOW lines, with only short lines in between."""
    for step in (-1, 1):
        for j in range(i + step, i + step * (DATE_WINDOW + 1), step):
            if not 0 <= j < len(lines) or len(lines[j]) > DATE_LINE_MAX_CHARS:
                break  # prose between a name and a date: a caption or teaser, not a byline
            if p.DATE_HINT.search(lines[j]):
                return True
    return False


def _near_role(lines: list[str], i: int) -> bool:
    """The next line is a short role line ("News reporter @TomGillespie1")."""
    after = lines[i + 1 : i + 2]
    return bool(after) and len(after[0]) <= DATE_LINE_MAX_CHARS and _is_role_phrase(after)


def _has_bio(name: str, dump: TextDump) -> bool:
    """An author box after the story introduces the name: "About Jane Doe", "Jane Doe is a"."""
    quoted = re.escape(name)
    bio = re.compile(rf"{p.BIO_LEAD}{quoted}\b|^{quoted}{p.BIO_VERB}", re.I)
    story = len(dump.lines) - len(dump.head) - len(dump.tail)
    return any(bio.search(line) for line in dump.lines[len(dump.head) + story // 2 :])


def _is_plausible(name: str, dump: TextDump) -> bool:
    """A keywordless name must not be the story's subject, the site or a common-word label.

    The headline names its subject, not its author; the site's name holds the copyright; a
    section label ("Personal Technology") is made of words the story also uses in lowercase,
    which proper names are not.
    """
    if name.lower() in (dump.title or "").lower() or _is_brand(name, dump.lines):
        return False
    lowercase = set(LOWER_WORD.findall(dump.body))
    words = [w for w in name.split() if not INITIAL.match(w) and w not in p.NAME_PARTICLES]
    return not all(w.lower() in lowercase for w in words)


def _is_brand(name: str, lines: list[str]) -> bool:
    """The site's own name: it is the holder of the page's copyright."""
    return any(COPYRIGHT.search(line) and name.lower() in line.lower() for line in lines)


def _unglue(text: str) -> str:
    """Undo a text browser's joins: doubled alt texts and inline elements without a space."""
    text = text.replace("\xa0", " ").strip()
    if is_doubled(text):
        text = text[: len(text) // 2]
    return GLUED.sub(" | ", text)


def _person(run: list[str]) -> str:
    """The name as written normally: shouted bylines ("FEDERICA LUSIARDI") in title case."""
    words = [t.strip(",;:") for t in run]
    if all(ACRONYM.match(t) or INITIAL.match(t) or t in p.NAME_PARTICLES for t in words):
        words = [t if t in p.NAME_PARTICLES or INITIAL.match(t) else t.capitalize() for t in words]
    return " ".join(words)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(" ".join(re.findall(r"\w+", name.lower())), name)
    return list(seen.values())
