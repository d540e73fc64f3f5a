"""Split a text-browser dump of a news page into headline, story body and surrounding lines."""

import bisect
import functools
import itertools
import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from presswatch.extract.patterns import BYLINE_KEYWORD
from presswatch.extract.textdump_lines import (
    BULLET,
    LINK_MARK,
    SENTENCE_END,
    TABLE_ROW,
    TRUNCATED,
    WORD,
    Block,
    count_words,
    digit_share,
    display_width,
    has_markup,
    markup_share,
)
from presswatch.extract.textdump_title import pick_title

logger = logging.getLogger(__name__)

# Wrapped dumps: a line counts as wrapped when the next word would not have fit in the width.
MIN_WRAP_LINE = 40  # shorter lines say nothing about the browser's wrap column
WRAP_SLACK = 12  # wrapped lines end within this many cells of the wrap column
WRAP_MIN_SHARE = 0.25  # share of long lines that must sit near the column to call a dump wrapped
WRAP_MAX_OVER = 0.08  # share of long lines allowed past the column (unbreakable URLs, rules)
# Block quality: prose is long, ends like a sentence and is rich in stop words.
LONG_WORDS = 25  # a block this long is prose unless it looks like links or a list
SHORT_WORDS = 8  # below this a block is too short to judge on its own
STOP_LOW = 0.22  # stop-word share under which a block reads like names and labels
STOP_HIGH = 0.30  # stop-word share of ordinary running text
TITLE_CASE_MAX = 0.6  # capitalised-word share above which a line reads like a label or link
DIGIT_MAX = 0.3  # dates, prices, scores: digit-heavy lines are metadata or table rows
TABLE_ROW_QUALITY = 0.1  # aligned table rows carry little text but belong to the story
MARKUP_MAX = 0.5  # share of characters in image tags, form fields and URLs
FRAGMENT_RUN = 3  # this many unpunctuated fragments in a row form a menu or link list
# Weights for the densest story span (max-sum contiguous run of block scores).
BAD_MIN_WEIGHT = 4.0  # even a one-word menu item costs something, so menus break the span
NEUTRAL_COST = 1.0  # undecided lines cost little, so a story bridges its subheadings
OFF_INDENT_FACTOR = 0.3  # prose off the story's indentation is likely a nested teaser
STORY_LEAD_BLOCKS = 5  # the story's indentation is read from its first prose blocks
TAIL_GAP_BLOCKS = 2  # dropped blocks needed between the story and a trailing island to cut it
TAIL_ISLAND_SHARE = 0.15  # trailing islands lighter than this share of the story are cut
PLAIN_TITLE_WORDS = (2, 20)  # a plain story's headline: one line of this many words
PLAIN_MARKUP_LINES = 1  # a plain story may print a contact address or a ticker code ...
PLAIN_MARKUP_SHARE = 0.02  # ... or a few in a long story, never a page's links and images
KEEP_MIN_WORDS = 3  # inside the story, unpunctuated fragments shorter than this are dropped
LANGID_SAMPLE_CHARS = 4000  # enough prose for a confident language guess
# What a site prints after its stories: comment rules, newsletter and cookie notices, copyright,
# share and sign-up prompts (in the languages of the corpus and its neighbours). A short block
# that names one is cut from the story's end, never from inside it.
TRAILING_BOILERPLATE = re.compile(
    r"\b(?:comments?|commenting|commentaires?|comentários?|comentarios?|kommentar(?:e|en)?"
    r"|commenti|reacties|newsletters?|subscribe|subscription|abonnez|assine|suscríbete"
    r"|abonnieren|cookies?|privacy|copyright|rights reserved|direitos reservados"
    r"|derechos reservados|rechte vorbehalten|droits réservés|diritti riservati|advertisement"
    r"|sponsored|follow us|sign up|log in|share this)\b",
    re.I,
)
# Labels of page furniture that sits inside a story's span: ads, "Read more" and "Related" links.
# A short block that names one is never story text, wherever it stands.
FURNITURE_LABEL = re.compile(
    r"\b(?:advertisements?|advertising|anzeige|werbung|publicidade|publicidad|publicité"
    r"|pubblicità|advertentie|read more|leia mais|leer más|lire la suite|weiterlesen|leggi anche"
    r"|related|relacionad[ao]s?|articles? liés|verwandte|see also|veja também|ver también)\b",
    re.I,
)

_ISO_TO_STOPLIST = {  # jusText names its stop lists by language name, callers use ISO 639-1
    "af": "Afrikaans", "sq": "Albanian", "ar": "Arabic", "an": "Aragonese", "hy": "Armenian",
    "az": "Azerbaijani", "eu": "Basque", "be": "Belarusian", "bn": "Bengali", "bs": "Bosnian",
    "br": "Breton", "bg": "Bulgarian", "ca": "Catalan", "cs": "Czech", "cy": "Welsh",
    "da": "Danish", "de": "German", "el": "Greek", "en": "English", "eo": "Esperanto",
    "es": "Spanish", "et": "Estonian", "fa": "Persian", "fi": "Finnish", "fr": "French",
    "fy": "West_Frisian", "ga": "Irish", "gl": "Galician", "gu": "Gujarati", "he": "Hebrew",
    "hi": "Hindi", "hr": "Croatian", "ht": "Haitian", "hu": "Hungarian", "id": "Indonesian",
    "ig": "Igbo", "is": "Icelandic", "it": "Italian", "jv": "Javanese", "ka": "Georgian",
    "kk": "Kazakh", "kn": "Kannada", "ko": "Korean", "ku": "Kurdish", "ky": "Kyrgyz",
    "la": "Latin", "lb": "Luxembourgish", "lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian",
    "ml": "Malayalam", "mr": "Marathi", "ms": "Malay", "mt": "Maltese", "nb": "Norwegian_Bokmal",
    "ne": "Nepali", "nl": "Dutch", "nn": "Norwegian_Nynorsk", "no": "Norwegian_Bokmal",
    "oc": "Occitan", "pl": "Polish", "pt": "Portuguese", "qu": "Quechua", "ro": "Romanian",
    "ru": "Russian", "sk": "Slovak", "sl": "Slovenian", "sr": "Serbian", "su": "Sundanese",
    "sv": "Swedish", "sw": "Swahili", "ta": "Tamil", "te": "Telugu", "tl": "Tagalog",
    "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese",
    "wa": "Walloon", "yo": "Yoruba",
}  # fmt: skip


@dataclass(frozen=True)
class TextDump:
    title: str | None  # the article headline as printed on the page, or None if none is found
    body: str  # story paragraphs joined by "\n\n"; "" when no article text is found
    head: list[str]  # the non-blank lines before the body starts, in order
    tail: list[str]  # the non-blank lines after the body ends, in order
    lines: list[str] = field(default_factory=list)  # all non-blank lines: head, story, tail
    title_at: int | None = None  # index in `lines` of the headline's first line, if printed


def clean_text_dump(text: str, language: str | None = None) -> TextDump:
    """Return the headline, story body and the lines around it from a text-browser dump."""
    lines = [line.rstrip() for line in text.expandtabs().splitlines()]
    blocks = join_wrapped_lines(lines)
    if not blocks:
        return TextDump(title=None, body="", head=[], tail=[])
    if is_plain_story(lines):
        return _plain_story(lines, blocks)
    stopwords = _load_stoplist(language or detect_language(blocks))
    score_blocks(blocks, stopwords)
    start, end = find_story_span(blocks)
    title, at = pick_title(blocks, start, end, stopwords or frozenset())
    if at is not None and at >= start:  # the span opened with the headline: it is not body
        start = at + 1
    story = _story_blocks(blocks[start : end + 1])
    nonblank = _nonblank(lines)
    title_at = _nonblank_index(lines, _nearest_copy(blocks, at, start)) if at is not None else None
    if not story:
        return TextDump(title, "", head=nonblank, tail=[], lines=nonblank, title_at=title_at)
    return TextDump(
        title=title,
        body="\n\n".join(b.text for b in story),
        head=_nonblank(lines[: story[0].first]),
        tail=_nonblank(lines[story[-1].last + 1 :]),
        lines=nonblank,
        title_at=title_at,
    )


def _story_blocks(span: list[Block]) -> list[Block]:
    """The story's blocks: inside the span, headings, list items and captions are story too.

    Only page furniture (lines repeated on the page, markup, rules of dashes) is dropped from
    inside; at the end, short blocks of site boilerplate and fragments after them are cut.
    """
    story = [b for b in span if b.keep or _story_furniture(b) is False]
    while len(story) > 1 and (not story[-1].keep or _is_trailing_boilerplate(story[-1])):
        story.pop()
    return story


def _story_furniture(block: Block) -> bool:
    """True for a dropped block that stays dropped inside the story: repeated lines, markup,
    rules, and short ad or link labels, bylines and date stamps."""
    if block.junk or not any(c.isalnum() for c in block.text):
        return True
    if block.words >= SHORT_WORDS:
        return False
    text = block.text
    return bool(FURNITURE_LABEL.search(text) or BYLINE_KEYWORD.match(text)) or (
        digit_share(text) > DIGIT_MAX
    )


def _is_trailing_boilerplate(block: Block) -> bool:
    return block.words < LONG_WORDS and bool(TRAILING_BOILERPLATE.search(block.text))


def is_plain_story(lines: list[str]) -> bool:
    """True for a story file with no page chrome: a one-line headline, a blank line, the story.

    The story is one unbroken run of lines, as wire feeds write it. A rendered page indents its
    menus and lists, prints link and image placeholders and spaces its sections with blank
    lines; a plain story does none of that (an e-mail address in a contact line at most), so
    every line after the headline is story: results, tables and one-line paragraphs included.
    """
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    if len(nonblank) < 2 or nonblank[1] == nonblank[0] + 1:
        return False  # the headline is a paragraph of one line
    if nonblank[-1] - nonblank[1] != len(nonblank) - 2:
        return False  # a blank line inside the story: paragraphs the scorer can judge
    headline = lines[nonblank[0]]
    if not PLAIN_TITLE_WORDS[0] <= count_words(headline) <= PLAIN_TITLE_WORDS[1]:
        return False
    if next((c for c in headline if c.isalpha()), "").islower():
        return False  # headlines open with a capital; a dump's first line of chrome may not
    if any(lines[i][0].isspace() for i in nonblank):
        return False
    markup = sum(1 for i in nonblank if has_markup(lines[i]))
    return markup <= PLAIN_MARKUP_LINES + PLAIN_MARKUP_SHARE * len(nonblank)


def _plain_story(lines: list[str], blocks: list[Block]) -> TextDump:
    """The first line is the headline and every other block is the story."""
    nonblank = _nonblank(lines)
    story = [b for b in blocks[1:] if b.text]
    return TextDump(
        title=blocks[0].text,
        body="\n\n".join(b.text for b in story),
        head=nonblank[:1],
        tail=[],
        lines=nonblank,
        title_at=0,
    )


def join_wrapped_lines(lines: list[str]) -> list[Block]:
    """Group lines into paragraphs: blank lines, indent changes and bullets start a new one."""
    widths = [display_width(line) for line in lines]
    wrap = _estimate_wrap_width(lines, widths)
    blocks: list[Block] = []
    parts: list[str] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped and parts and wrap and _continues(lines[i - 1], line, widths[i - 1], wrap):
            parts.append(stripped)
            blocks[-1].last = i
            continue
        if parts:
            blocks[-1].text = _join_parts(parts)
            parts = []
        if stripped:
            glued = bool(blocks) and blocks[-1].last == i - 1
            blocks.append(Block(first=i, last=i, text="", glued=glued, indent=_indent(line)))
            parts = [stripped]
    if parts:
        blocks[-1].text = _join_parts(parts)
    marks = sum(len(LINK_MARK.findall(b.text)) for b in blocks)
    for block in blocks:
        block.words = count_words(block.text)
        if marks >= len(blocks) // 4:  # numbered link references: mark them, then drop them
            block.keep = not LINK_MARK.search(block.text) or block.words >= LONG_WORDS
            block.text = LINK_MARK.sub("", block.text)
    return blocks


def detect_language(blocks: list[Block]) -> str | None:
    """Guess the ISO 639-1 code of the page's prose, using its longest blocks."""
    sample, size = [], 0
    for block in sorted(blocks, key=lambda b: -b.words):
        if size > LANGID_SAMPLE_CHARS:
            break
        sample.append(block.text)
        size += len(block.text)
    if not sample:
        return None
    import py3langid  # lazy: loading the model costs a fraction of a second

    return py3langid.classify(" ".join(sample))[0]


def score_blocks(blocks: list[Block], stopwords: frozenset[str] | None) -> None:
    """Give each block a signed weight: positive for story prose, negative for boilerplate."""
    counts = Counter(b.text.lower() for b in blocks)
    rates = [_rate_block(b.text, b.words, stopwords) for b in blocks]
    bullets = [bool(BULLET.match(b.text)) and not b.text[0].isdigit() for b in blocks]
    for i in range(len(blocks) - 1, 0, -1):  # "• Home", "• Section", "• Headline?": a trail
        if (
            bullets[i]
            and rates[i] > 0
            and blocks[i].glued
            and bullets[i - 1]
            and rates[i - 1] < 0
            and not blocks[i].text.endswith(".")
        ):
            rates[i] = -1.0
    fragments = [
        r <= 0 and not SENTENCE_END.search(b.text) for b, r in zip(blocks, rates, strict=True)
    ]
    runs = _run_lengths(fragments, [b.glued for b in blocks])
    for block, quality, run in zip(blocks, rates, runs, strict=True):
        # Repeated lines are page furniture; stacks of short fragments are menus or link lists.
        block.junk = counts[block.text.lower()] > 1 or markup_share(block.text) > MARKUP_MAX
        if block.junk or (quality == 0 and run >= FRAGMENT_RUN):
            quality = -1.0
        short = block.words < KEEP_MIN_WORDS and not SENTENCE_END.search(block.text)
        block.keep = quality >= 0 and not short
        if quality > 0:
            block.score = quality * block.words
        elif quality < 0:
            block.score = quality * max(block.words, BAD_MIN_WEIGHT)
        else:
            block.score = -NEUTRAL_COST


def _run_lengths(flags: list[bool], glued: list[bool]) -> list[int]:
    """For each flagged block, the length of the run of glued flagged blocks it sits in."""
    out = [0] * len(flags)
    i = 0
    while i < len(flags):
        j = i + 1
        while flags[i] and j < len(flags) and flags[j] and glued[j]:
            j += 1
        out[i:j] = [j - i if flags[i] else 0] * (j - i)
        i = j
    return out


def find_story_span(blocks: list[Block]) -> tuple[int, int]:
    """Return (first, last) block indices of the story; first > last if there is none.

    The story is the max-sum run of block scores, found twice: the second pass damps prose
    indented unlike the story's opening paragraphs, since teasers nest inside list items.
    """
    first, last = _max_sum_span([b.score for b in blocks])
    indents: Counter[int] = Counter()
    for block in [b for b in blocks[first : last + 1] if b.score > 0][:STORY_LEAD_BLOCKS]:
        indents[block.indent] += block.score
    if indents:
        main = indents.most_common(1)[0][0]
        for block in blocks:
            if block.score > 0 and block.indent != main:
                block.score *= OFF_INDENT_FACTOR
        first, last = _max_sum_span([b.score for b in blocks])
    last = _trim_tail_islands(blocks, first, last)
    while first <= last and not blocks[first].keep:
        first += 1
    while last >= first and not blocks[last].keep:
        last -= 1
    return first, last


def _trim_tail_islands(blocks: list[Block], first: int, last: int) -> int:
    """Cut the story's trailing prose that sits past a boilerplate gap and weighs little.

    Bios, comment policies and teaser cards follow the story past a gap of page furniture and
    carry little text compared with it; a story's own paragraphs are not cut off like that.
    """
    total = sum(b.score for b in blocks[first : last + 1] if b.score > 0)
    suffix, cut, i = 0.0, last, last
    while i > first:
        while i > first and blocks[i].score > 0:
            suffix, i = suffix + blocks[i].score, i - 1
        if suffix > TAIL_ISLAND_SHARE * total:
            break
        bad = 0
        while i > first and blocks[i].score <= 0:
            bad, i = bad + (not blocks[i].keep), i - 1
        if bad >= TAIL_GAP_BLOCKS:
            cut = i
    return cut


def _max_sum_span(scores: list[float]) -> tuple[int, int]:
    best, best_span = 0.0, (0, -1)
    total, start = 0.0, 0
    for i, score in enumerate(scores):
        if total <= 0:
            total, start = 0.0, i
        total += score
        if total > best:
            best, best_span = total, (start, i)
    return best_span


def _rate_block(
    text: str, words: float, stopwords: frozenset[str] | None, item: bool = False
) -> float:
    """Rate a block: 1 story prose, 0 undecided (context decides), -1 boilerplate.

    `item`: the text of a list item, its bullet removed (rated once, like prose).
    """
    bullet = None if item else BULLET.match(text)
    if bullet and not text[0].isdigit() and words < LONG_WORDS:
        if words >= SHORT_WORDS and SENTENCE_END.search(text):  # a list item that is a sentence
            rest = _rate_block(text[bullet.end() :], words, stopwords, item=True)
            if rest > 0:
                return rest
        return -1.0  # menu entries, link lists, tag clouds, share buttons
    if markup_share(text) > MARKUP_MAX:
        return -1.0
    if TABLE_ROW.search(text):  # column-aligned rows: a table inside the story
        return TABLE_ROW_QUALITY
    if digit_share(text) > DIGIT_MAX:  # dates, counters, prices on their own
        return -1.0
    tokens = WORD.findall(text)
    sentence = bool(SENTENCE_END.search(text))
    if not sentence and words >= SHORT_WORDS and _capital_share(tokens) > TITLE_CASE_MAX:
        return -1.0  # "Latest News Applications Cloud Data Center ...": a run of menu links
    if stopwords is None:  # no stop list for this language: punctuation and length must do
        stop = STOP_HIGH if sentence or words >= LONG_WORDS else STOP_LOW
    else:
        stop = sum(t.lower() in stopwords for t in tokens) / max(len(tokens), 1)
    if words >= LONG_WORDS:
        if TRUNCATED.search(text):  # a teaser cut off mid-sentence
            return 0.0
        return 1.0 if stop >= STOP_LOW else 0.3
    if sentence:
        if words >= SHORT_WORDS and stop >= STOP_LOW:
            return 1.0
        return 0.5 if stop >= STOP_LOW else 0.0
    return 0.0


def _capital_share(tokens: list[str]) -> float:
    """Share of capitalised words; 0 in uncased scripts, where the cue does not apply."""
    return sum(t[0].isupper() for t in tokens) / max(len(tokens), 1)


def _continues(prev: str, line: str, prev_width: int, wrap: int) -> bool:
    """True if `line` is the wrapped continuation of `prev` (the next word did not fit)."""
    stripped = line.lstrip()
    indent = len(line) - len(stripped)
    bullet = BULLET.match(prev.lstrip())
    text_col = len(prev) - len(prev.lstrip()) + (bullet.end() if bullet else 0)
    if indent != text_col or BULLET.match(stripped):
        return False
    first_word = stripped.split(maxsplit=1)[0]
    return prev_width + 1 + display_width(first_word) > wrap


def _estimate_wrap_width(lines: list[str], widths: list[int]) -> int | None:
    """Find the wrap column: lines followed by a same-indent line end just short of it."""
    long = Counter(
        widths[i]
        for i in range(len(lines) - 1)
        if widths[i] >= MIN_WRAP_LINE and _indent(lines[i + 1]) == _indent(lines[i])
    )
    n = sum(long.values())
    # Counts of lines up to each width, so that each candidate column costs a lookup, not a pass.
    widths_sorted = sorted(long)
    upto = list(itertools.accumulate(long[w] for w in widths_sorted))
    best, best_count = None, 0
    for width in long:
        at = bisect.bisect_right(widths_sorted, width)
        below = bisect.bisect_left(widths_sorted, width - WRAP_SLACK)
        near = upto[at - 1] - (upto[below - 1] if below else 0)
        over = n - upto[at - 1]
        if over <= WRAP_MAX_OVER * n and near > best_count:
            best, best_count = width, near
    return best if best_count >= max(3, WRAP_MIN_SHARE * n) else None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip()) if line.strip() else -1


def _join_parts(parts: list[str]) -> str:
    """Wrapped lines joined with spaces; a hyphen after a letter joins the next line without one."""
    pieces, tail = [parts[0]], parts[0][-2:]  # tail: the last two characters joined so far
    for part in parts[1:]:
        glue = "" if len(tail) > 1 and tail[-1] == "-" and tail[-2].isalpha() else " "
        pieces += (glue, part)
        tail = (tail + glue + part)[-2:]
    return "".join(pieces)


def _nonblank(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if line.strip()]


def _nearest_copy(blocks: list[Block], at: int, start: int) -> int:
    """First line of the headline's copy nearest the story: a site bar may repeat it on top."""
    copies = [i for i in range(at, min(start, len(blocks))) if blocks[i].text == blocks[at].text]
    return blocks[copies[-1] if copies else at].first


def _nonblank_index(lines: list[str], at: int) -> int:
    """Index of raw line `at` among the non-blank lines."""
    return sum(1 for line in lines[:at] if line.strip())


@functools.cache
def _load_stoplist(language: str | None) -> frozenset[str] | None:
    """Stop words for an ISO 639-1 code, or None when jusText has no list for it."""
    name = _ISO_TO_STOPLIST.get((language or "").lower()[:2])
    if name is None:
        return None
    import justext  # lazy: only needed once per language

    return frozenset(justext.get_stoplist(name))
