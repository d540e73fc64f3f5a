"""Pick the headline of a text-browser dump among the lines around the start of the story."""

import logging
import re
from collections import Counter

from presswatch.extract.metadata import find_date_in_lines
from presswatch.extract.patterns import BYLINE, BYLINE_KEYWORD
from presswatch.extract.textdump_lines import (
    BULLET,
    SITE_SEPARATOR,
    TRUNCATED,
    WORD,
    Block,
    count_words,
    digit_share,
    has_markup,
    is_doubled,
    stop_share,
)

logger = logging.getLogger(__name__)

NUMERIC_DATE = re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b")  # 13/06/2014, 2019.11.18
BREADCRUMB = re.compile(r"\s(?:>|»|/|›|→)\s")  # separators of a breadcrumb trail

TITLE_MIN_WORDS, TITLE_MAX_WORDS = 2, 30  # "Classificação NASCAR" is a headline too
TITLE_LOOKBACK = 40  # blocks before the story start searched (share bars, bylines, captions)
TITLE_LEAD_BLOCKS = 1  # the story span may open with the headline ("...?" scores as prose)
TITLE_ECHO_WEIGHT = 3.0  # a headline's content words recur in the story; UI labels' do not
TITLE_ECHO_WORDS = 300  # a headline names the story's topic, whose words recur again and again
TITLE_ECHO_COUNT = (1, 5)  # a word echoes fully from one use per this many story words, within
# these bounds: a UI label's words recur once or twice by chance, in a long story too
TITLE_ECHO_PRIOR = 1.0  # echo is weighed by n / (n + this): two words of "Close search" that
# recur by chance say less than five words of a headline that recur
TITLE_DISTANCE_DECAY = 0.05  # nearer the story is likelier, but bylines and captions intervene
TITLE_EARLY_MARGIN = 0.6  # an earlier line this close to the best score wins: decks follow it
TITLE_EARLY_REACH = 8  # ... within this many blocks above it (far above are menus and promos)
TITLE_EARLY_ECHO = 0.5  # ... if it echoes the story as headlines do (site names, labels do not)
TITLE_ECHO_SLACK = 0.1  # ... and about as much as the best line does (a promo echoes less)
TITLE_AFTER_BYLINE_PENALTY = 1.5  # headline, dek, byline: a line after the byline is a caption
MASTHEAD_GAP = 10  # the dump's first line, this far above the story, is the site's name
TITLE_TYPICAL_WORDS = 16  # headlines are short; standfirsts and captions run longer
TITLE_SHAPE_BONUS = 0.5  # preference for a short line not ending in a full stop over a dek
TITLE_LABEL_WORDS = 4  # site names, sections and author names are this short; headlines longer
TITLE_LENGTH_BONUS = 0.5  # preference for a headline-length line over a short label
TITLE_PERIOD_PENALTY = 0.7  # headlines rarely end with a full stop; captions and decks do
TITLE_LABEL_PENALTY = 1.5  # no stop words at all: tag lists, names, section labels
TITLE_CAPTION_PENALTY = 1.5  # "a man on a bed© Agency", "by Agency": lowercase start or credit
TITLE_SHOUT_PENALTY = 0.7  # ALL-CAPS lines are section kickers more often than headlines
TITLE_EXCLAIM_PENALTY = 1.0  # inside the story, "...!" is more often its first sentence
TITLE_TRUNCATED_PENALTY = 1.0  # "Headline…": a teaser link cut to fit, the full line is elsewhere
TITLE_META_BONUS = 0.5  # a byline or date line follows the headline in most page templates
TITLE_META_WINDOW = 3  # blocks after a candidate searched for that byline or date line
META_DIGIT_SHARE = 0.25  # a short line this digit-heavy is a date or time stamp
META_MAX_WORDS = 14  # a date or byline line is short
STOP_PROSE = 0.15  # the story's stop-word share above which a stop-word-free line is a label
TITLE_COPY_BONUS = 1.5  # the line is also the last crumb of a trail or a page-title segment
TITLE_COPY_LEAD = 8  # blocks into the story span searched for a headline with such a copy


def pick_title(
    blocks: list[Block], start: int, end: int, stopwords: frozenset[str]
) -> tuple[str | None, int | None]:
    """Return the headline and its block index: the most headline-like line near the story.

    Candidates are the lines before the story and its first lines (a headline that ends with
    "?" can score as prose). A weak best candidate is still returned: a dump prints its headline.
    """
    story = [b for b in blocks[start : end + 1] if b.keep]
    story_words = Counter(t for b in story for t in WORD.findall(b.text.lower()))
    story_stops = stop_share(" ".join(b.text for b in story), stopwords) if stopwords else 0.0
    scored: list[tuple[float, int, float]] = []
    copies = _copy_keys(blocks)
    first = max(1 if start > MASTHEAD_GAP else 0, start - TITLE_LOOKBACK)
    for i in range(first, min(start + TITLE_COPY_LEAD, end + 1, len(blocks))):
        copied = bool(copies.get(_key(blocks[i].text), set()) - {i})
        if i >= start + TITLE_LEAD_BLOCKS and not copied:
            continue
        if _is_candidate(blocks[i], inside=i >= start):
            echo, content = _echo(blocks, i, start, story_words, stopwords)
            weighed = echo * content / (content + TITLE_ECHO_PRIOR)
            score = _score_candidate(blocks, i, start, weighed, stopwords, story_stops)
            scored.append((score + TITLE_COPY_BONUS * copied, i, echo))
    if not scored:
        return _title_from_top_line(blocks), None
    scored = _demote_after_byline(blocks, scored, start)
    top, at, top_echo = max(scored)
    for score, i, echo in scored:  # in page order: the headline opens the story header
        echoes = echo >= max(TITLE_EARLY_ECHO, top_echo - TITLE_ECHO_SLACK)
        dek = i == at - 1 and blocks[at].words > blocks[i].words and echo >= TITLE_EARLY_ECHO
        near = at - TITLE_EARLY_REACH <= i < at
        if near and score >= top - TITLE_EARLY_MARGIN and (echoes or dek):
            at = i
            break
    return blocks[at].text, at


def _key(text: str) -> str:
    return " ".join(WORD.findall(text.lower()))


def _copy_keys(blocks: list[Block]) -> dict[str, set[int]]:
    """Where a headline is printed again in another form: the last crumb of a trail ("Home »
    Section » Headline", or a list "1. Home 2. Section 3. Headline"), or a segment of the
    page title ("Headline | Site")."""
    keys: dict[str, set[int]] = {}
    for j, block in enumerate(blocks):
        text = block.text
        bullet = BULLET.match(text)
        if bullet:
            after = blocks[j + 1] if j + 1 < len(blocks) else None
            last = after is None or not (after.glued and BULLET.match(after.text))
            if last and block.glued and BULLET.match(blocks[j - 1].text):
                keys.setdefault(_key(text[bullet.end() :]), set()).add(j)
            continue
        parts = [q for q in SITE_SEPARATOR.split(text) if q.strip()]
        for part in (parts[0], parts[-1]) if len(parts) > 1 else ():
            keys.setdefault(_key(part), set()).add(j)
    return keys


def _demote_after_byline(
    blocks: list[Block], scored: list[tuple[float, int, float]], start: int
) -> list[tuple[float, int, float]]:
    """Lines under a byline are captions and video titles when a headline came above it."""
    bylines = [i for i in range(scored[0][1], start) if _is_byline(blocks[i])]
    if not bylines:
        return scored
    above = any(i < bylines[-1] and echo >= TITLE_EARLY_ECHO for _, i, echo in scored)
    if not above:
        return scored
    return [
        (score - TITLE_AFTER_BYLINE_PENALTY * (i > bylines[-1]), i, echo)
        for score, i, echo in scored
    ]


def _is_byline(block: Block) -> bool:
    """A short line opening with a byline keyword and a capital: "By Jane Doe", not "Por que"."""
    keyword = BYLINE_KEYWORD.match(block.text)
    return (
        bool(keyword)
        and block.words <= META_MAX_WORDS
        and block.text[keyword.end() :][:1].isupper()
    )


def _is_candidate(block: Block, inside: bool) -> bool:
    text, words = block.text, block.words
    if not (TITLE_MIN_WORDS <= words <= TITLE_MAX_WORDS) or BULLET.match(text):
        return False
    if inside and (words > TITLE_TYPICAL_WORDS or text.endswith((".", ":", ";"))):
        return False  # inside the story only a short headline-shaped line can be the headline
    if digit_share(text) > META_DIGIT_SHARE or has_markup(text):
        return False
    if len(BREADCRUMB.findall(text)) >= 2:
        return False  # "Home > Section > Headline": a trail of links, not the headline
    if find_date_in_lines([text])[0] or NUMERIC_DATE.search(text) or BYLINE.match(text):
        return False  # "February 1, 2019 | By Jane Doe": the byline under the headline
    return not is_doubled(text)


def _echo(
    blocks: list[Block], i: int, start: int, story_words: Counter[str], stopwords: frozenset[str]
) -> tuple[float, int]:
    """How much the line's content words recur in the story (the line itself not counted), a
    word counting fully from one use per TITLE_ECHO_WORDS on, and how many content words it has."""
    tokens = set(WORD.findall(blocks[i].text.lower()))
    own = tokens if i >= start and blocks[i].keep else set()  # a line inside the span
    content = [t for t in tokens if t not in stopwords and not t.isdigit()]
    low, high = TITLE_ECHO_COUNT
    full = max(low, min(high, sum(story_words.values()) / TITLE_ECHO_WORDS))
    uses = (min(1.0, (story_words[t] - (t in own)) / full) for t in content)
    return sum(uses) / max(len(content), 1), len(content)


def _score_candidate(
    blocks: list[Block],
    i: int,
    start: int,
    echo: float,
    stopwords: frozenset[str],
    story_stops: float,
) -> float:
    text = blocks[i].text
    score = TITLE_ECHO_WEIGHT * echo + 1.0 / (1 + TITLE_DISTANCE_DECAY * max(start - 1 - i, 0))
    if blocks[i].words <= TITLE_TYPICAL_WORDS and not text.endswith("."):
        score += TITLE_SHAPE_BONUS
    if blocks[i].words > TITLE_LABEL_WORDS:
        score += TITLE_LENGTH_BONUS
    if text.endswith("."):
        score -= TITLE_PERIOD_PENALTY
    if story_stops > STOP_PROSE and stop_share(text, stopwords) == 0:
        score -= TITLE_LABEL_PENALTY
    if "©" in text or _starts_lowercase(text):
        score -= TITLE_CAPTION_PENALTY
    if text.isupper():
        score -= TITLE_SHOUT_PENALTY
    if TRUNCATED.search(text):
        score -= TITLE_TRUNCATED_PENALTY
    if i >= start and text.endswith("!"):
        score -= TITLE_EXCLAIM_PENALTY
    if any(_is_meta_line(b.text) for b in blocks[i + 1 : i + 1 + TITLE_META_WINDOW]):
        score += TITLE_META_BONUS
    return score


def _starts_lowercase(text: str) -> bool:
    """Headlines open with a capital in cased scripts; bylines and alt texts often do not."""
    first = next((c for c in text if c.isalpha()), "")
    return first.islower()


def _is_meta_line(text: str) -> bool:
    """A dateline or timestamp under a headline: short and digit-heavy."""
    return count_words(text) <= META_MAX_WORDS and digit_share(text) >= META_DIGIT_SHARE


def _title_from_top_line(blocks: list[Block]) -> str | None:
    """Fall back on the first line, stripped of a "Site - " prefix or " | Site" suffix."""
    parts = [p for p in SITE_SEPARATOR.split(blocks[0].text) if p.strip()] if blocks else []
    title = max(parts, key=count_words, default="").strip()
    return title if TITLE_MIN_WORDS <= count_words(title) <= TITLE_MAX_WORDS else None
