"""Split a text-browser dump of a news page into headline, story body and surrounding lines."""

import functools
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

logger = logging.getLogger(__name__)

# Wrapped dumps: a line counts as wrapped when the next word would not have fit in the width.
MIN_WRAP_LINE = 40  # shorter lines say nothing about the browser's wrap column
WRAP_SLACK = 12  # wrapped lines end within this many cells of the wrap column
WRAP_MIN_SHARE = 0.25  # share of long lines that must sit near the column to call a dump wrapped
WRAP_MAX_OVER = 0.08  # share of long lines allowed past the column (unbreakable URLs, rules)
CJK_CHARS_PER_WORD = 2.0  # Han/Kana text has no spaces; about two characters make a word
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
KEEP_MIN_WORDS = 3  # inside the story, unpunctuated fragments shorter than this are dropped
# Headline: a short line shortly before the story, ideally repeated (the <title> line).
TITLE_MIN_WORDS, TITLE_MAX_WORDS = 3, 30
TITLE_LOOKBACK = 40  # blocks before the story start searched (share bars, bylines, captions)
TITLE_ECHO_WEIGHT = 3.0  # a headline's content words recur in the story; UI labels' do not
TITLE_DISTANCE_DECAY = 0.05  # nearer the story is likelier, but bylines and captions intervene
TITLE_REPEAT_BONUS = 0.5  # echoed by another line, e.g. the page title "Headline - Site"
TITLE_PERIOD_PENALTY = 0.7  # headlines rarely end with a full stop
TITLE_LEAD_WORDS = 200  # a headline summarises the lead, so compare it with the opening words
TITLE_TYPICAL_WORDS = 16  # headlines are short; standfirsts and captions run longer
TITLE_SHAPE_BONUS = 0.5  # preference for a short unpunctuated line over a dek
TITLE_EARLY_MARGIN = 0.6  # an earlier line this close to the best score wins: it is the headline
TITLE_MIN_SCORE = 1.5  # below this no line before the story reads like its headline
LANGID_SAMPLE_CHARS = 4000  # enough prose for a confident language guess

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

_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_BULLET = re.compile(r"^(?:[•◦▪▫□■●○☆★◆◇►▸‣⁃·*+\-–—|>»]|\d{1,3}[.)]|[a-zA-Z][.)]|\[\d+\])\s")
_SENTENCE_END = re.compile(r"(?<!\.\.)[.!?;:。！？][\"'”’»)\]]*$")  # "The..." is truncated
_TABLE_ROW = re.compile(r"\S {2,}\S.* {2,}\S")  # two or more column gaps
_TRUNCATED = re.compile(r"(?:\.\.\.|…)$")
_LINK_MARK = re.compile(r"\[\d+\]")  # lynx/elinks numbered link references
_MARKUP = re.compile(r"\[[^\]]{0,40}\]|https?://\S+|www\.\S+|\S+@\S+\.\w+")
_SITE_SEPARATOR = re.compile(r"\s+[-|–—:»>]+\s*|\s*[|»>]\s+|\s+-(?=\w)")


@dataclass(frozen=True)
class TextDump:
    title: str | None  # the article headline as printed on the page, or None if none is found
    body: str  # story paragraphs joined by "\n\n"; "" when no article text is found
    head: list[str]  # the non-blank lines before the body starts, in order
    tail: list[str]  # the non-blank lines after the body ends, in order


@dataclass
class _Block:
    first: int  # index of the block's first line in the dump
    last: int  # index of its last line
    text: str  # wrapped lines joined with single spaces
    words: float = 0.0
    score: float = 0.0
    keep: bool = True  # False for boilerplate that must not reach the body even inside the story
    glued: bool = False  # no blank line between this block and the previous one
    indent: int = 0  # leading spaces of the first line: list items and teasers sit deeper


def clean_text_dump(text: str, language: str | None = None) -> TextDump:
    """Return the headline, story body and the lines around it from a text-browser dump."""
    lines = [line.rstrip() for line in text.expandtabs().splitlines()]
    blocks = join_wrapped_lines(lines)
    if not blocks:
        return TextDump(title=None, body="", head=[], tail=[])
    stopwords = _load_stoplist(language or detect_language(blocks))
    score_blocks(blocks, stopwords)
    start, end = find_story_span(blocks)
    story = [b for b in blocks[start : end + 1] if b.keep]
    body = "\n\n".join(b.text for b in story)
    title = pick_title(blocks, start if story else len(blocks), body, stopwords or frozenset())
    if not story:
        return TextDump(title=title, body="", head=_nonblank(lines), tail=[])
    return TextDump(
        title=title,
        body=body,
        head=_nonblank(lines[: story[0].first]),
        tail=_nonblank(lines[story[-1].last + 1 :]),
    )


def join_wrapped_lines(lines: list[str]) -> list[_Block]:
    """Group lines into paragraphs: blank lines, indent changes and bullets start a new one."""
    widths = [_display_width(line) for line in lines]
    wrap = _estimate_wrap_width(lines, widths)
    blocks: list[_Block] = []
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
            blocks.append(_Block(first=i, last=i, text="", glued=glued, indent=_indent(line)))
            parts = [stripped]
    if parts:
        blocks[-1].text = _join_parts(parts)
    marks = sum(len(_LINK_MARK.findall(b.text)) for b in blocks)
    for block in blocks:
        block.words = _count_words(block.text)
        if marks >= len(blocks) // 4:  # numbered link references: mark them, then drop them
            block.keep = not _LINK_MARK.search(block.text) or block.words >= LONG_WORDS
            block.text = _LINK_MARK.sub("", block.text)
    return blocks


def detect_language(blocks: list[_Block]) -> str | None:
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


def score_blocks(blocks: list[_Block], stopwords: frozenset[str] | None) -> None:
    """Give each block a signed weight: positive for story prose, negative for boilerplate."""
    counts = Counter(b.text.lower() for b in blocks)
    rates = [_rate_block(b.text, b.words, stopwords) for b in blocks]
    fragments = [
        r <= 0 and not _SENTENCE_END.search(b.text) for b, r in zip(blocks, rates, strict=True)
    ]
    runs = _run_lengths(fragments, [b.glued for b in blocks])
    for block, quality, run in zip(blocks, rates, runs, strict=True):
        # Repeated lines are page furniture; stacks of short fragments are menus or link lists.
        if counts[block.text.lower()] > 1 or (quality == 0 and run >= FRAGMENT_RUN):
            quality = -1.0
        short = block.words < KEEP_MIN_WORDS and not _SENTENCE_END.search(block.text)
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


def find_story_span(blocks: list[_Block]) -> tuple[int, int]:
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


def _trim_tail_islands(blocks: list[_Block], first: int, last: int) -> int:
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


def pick_title(
    blocks: list[_Block], start: int, body: str, stopwords: frozenset[str]
) -> str | None:
    """Pick the headline: a short line before the story that echoes the story's words."""
    body_words = set(_WORD.findall(body.lower())[:TITLE_LEAD_WORDS])
    token_sets = [frozenset(_WORD.findall(b.text.lower())) for b in blocks[:start]]
    scored: list[tuple[float, str]] = []
    for i in range(start - 1, max(-1, start - 1 - TITLE_LOOKBACK), -1):
        text, words = blocks[i].text, blocks[i].words
        if not (TITLE_MIN_WORDS <= words <= TITLE_MAX_WORDS) or _BULLET.match(text):
            continue
        if _digit_share(text) > DIGIT_MAX or _MARKUP.search(text) or text.endswith(")"):
            continue
        content = [t for t in token_sets[i] if t not in stopwords and not t.isdigit()]
        echo = sum(t in body_words for t in content) / max(len(content), 1)
        score = TITLE_ECHO_WEIGHT * echo + 1.0 / (1 + TITLE_DISTANCE_DECAY * (start - 1 - i))
        if words <= TITLE_TYPICAL_WORDS and not _SENTENCE_END.search(text):
            score += TITLE_SHAPE_BONUS  # headline-shaped: short and unpunctuated, unlike a dek
        if any(_contains_line(token_sets[i], t) for t in token_sets):
            continue  # "Home > Headline - Site": the page title line, not the headline itself
        if any(j != i and token_sets[i] <= toks for j, toks in enumerate(token_sets)):
            score += TITLE_REPEAT_BONUS  # the page <title> line repeats the headline
        if text[-1] == ".":
            score -= TITLE_PERIOD_PENALTY  # standfirsts and captions end with a full stop
        if not _is_doubled(text):  # "logo.pnglogo.png": image alt text printed twice
            scored.append((score, text))
    if not scored or max(scored)[0] < TITLE_MIN_SCORE:
        return _title_from_top_line(blocks)
    # The headline opens the story header; decks, bylines and captions follow it.
    top = max(scored)[0]
    return next(text for score, text in reversed(scored) if score >= top - TITLE_EARLY_MARGIN)


def _contains_line(outer: frozenset[str], inner: frozenset[str]) -> bool:
    """True if `outer` is a longer line holding nearly all of `inner`, as a title line does."""
    shared = len(outer & inner)
    return len(inner) >= TITLE_MIN_WORDS and len(outer) > len(inner) and shared >= 0.8 * len(inner)


def _is_doubled(text: str) -> bool:
    half = len(text) // 2
    return len(text) % 2 == 0 and text[:half] == text[half:]


def _title_from_top_line(blocks: list[_Block]) -> str | None:
    """Fall back on the first line, stripped of a "Site - " prefix or " | Site" suffix."""
    parts = [p for p in _SITE_SEPARATOR.split(blocks[0].text) if p.strip()]
    title = max(parts, key=_count_words, default="").strip()
    return title if TITLE_MIN_WORDS <= _count_words(title) <= TITLE_MAX_WORDS else None


def _rate_block(text: str, words: float, stopwords: frozenset[str] | None) -> float:
    """Rate a block: 1 story prose, 0 undecided (context decides), -1 boilerplate."""
    if _BULLET.match(text) and not text[0].isdigit() and words < LONG_WORDS:
        return -1.0  # menu entries, link lists, tag clouds, share buttons
    if _markup_share(text) > MARKUP_MAX:
        return -1.0
    if _TABLE_ROW.search(text):  # column-aligned rows: a table inside the story
        return TABLE_ROW_QUALITY
    if _digit_share(text) > DIGIT_MAX:  # dates, counters, prices on their own
        return -1.0
    tokens = _WORD.findall(text)
    sentence = bool(_SENTENCE_END.search(text))
    if stopwords is None:  # no stop list for this language: punctuation and length must do
        stop = STOP_HIGH if sentence or words >= LONG_WORDS else STOP_LOW
    else:
        stop = sum(t.lower() in stopwords for t in tokens) / max(len(tokens), 1)
    if words >= LONG_WORDS:
        if _TRUNCATED.search(text):  # a teaser cut off mid-sentence
            return 0.0
        return 1.0 if stop >= STOP_LOW else 0.3
    if sentence:
        if words >= SHORT_WORDS and stop >= STOP_LOW:
            return 1.0
        return 0.5 if stop >= STOP_LOW else 0.0
    return 0.0


def _continues(prev: str, line: str, prev_width: int, wrap: int) -> bool:
    """True if `line` is the wrapped continuation of `prev` (the next word did not fit)."""
    stripped = line.lstrip()
    indent = len(line) - len(stripped)
    bullet = _BULLET.match(prev.lstrip())
    text_col = len(prev) - len(prev.lstrip()) + (bullet.end() if bullet else 0)
    if indent != text_col or _BULLET.match(stripped):
        return False
    first_word = stripped.split(maxsplit=1)[0]
    return prev_width + 1 + _display_width(first_word) > wrap


def _estimate_wrap_width(lines: list[str], widths: list[int]) -> int | None:
    """Find the wrap column: lines followed by a same-indent line end just short of it."""
    long = Counter(
        widths[i]
        for i in range(len(lines) - 1)
        if widths[i] >= MIN_WRAP_LINE and _indent(lines[i + 1]) == _indent(lines[i])
    )
    n = sum(long.values())
    best, best_count = None, 0
    for width in long:
        near = sum(c for w, c in long.items() if width - WRAP_SLACK <= w <= width)
        over = sum(c for w, c in long.items() if w > width)
        if over <= WRAP_MAX_OVER * n and near > best_count:
            best, best_count = width, near
    return best if best_count >= max(3, WRAP_MIN_SHARE * n) else None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip()) if line.strip() else -1


def _join_parts(parts: list[str]) -> str:
    text = parts[0]
    for part in parts[1:]:
        glue = "" if len(text) > 1 and text[-1] == "-" and text[-2].isalpha() else " "
        text += glue + part
    return text


def _count_words(text: str) -> float:
    cjk = len(_CJK.findall(text))
    if not cjk:
        return float(len(_WORD.findall(text)))
    plain = sum(1 for t in _WORD.findall(text) if not _CJK.search(t))
    return plain + cjk / CJK_CHARS_PER_WORD


def _display_width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _digit_share(text: str) -> float:
    return sum(c.isdigit() for c in text) / max(sum(c.isalnum() for c in text), 1)


def _markup_share(text: str) -> float:
    return sum(len(m) for m in _MARKUP.findall(text)) / max(len(text), 1)


def _nonblank(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if line.strip()]


@functools.cache
def _load_stoplist(language: str | None) -> frozenset[str] | None:
    """Stop words for an ISO 639-1 code, or None when jusText has no list for it."""
    name = _ISO_TO_STOPLIST.get((language or "").lower()[:2])
    if name is None:
        return None
    import justext  # lazy: only needed once per language

    return frozenset(justext.get_stoplist(name))
