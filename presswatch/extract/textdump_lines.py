"""Line-level features of text-browser dumps shared by the story cleaner and the headline picker."""

import re
import unicodedata
from dataclasses import dataclass

CJK_CHARS_PER_WORD = 2.0  # Han/Kana text has no spaces; about two characters make a word

WORD = re.compile(r"\w+")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
BULLET = re.compile(r"^(?:[•◦▪▫□■●○☆★◆◇►▸‣⁃·*+\-–—|>»]|\d{1,3}[.)]|[a-zA-Z][.)]|\[\d+\])\s")
SENTENCE_END = re.compile(r"(?<!\.\.)[.!?;:。！？][\"'”’»)\]]*$")  # "The..." is truncated
TABLE_ROW = re.compile(r"\S {2,}\S.* {2,}\S")  # two or more column gaps
TRUNCATED = re.compile(r"(?:\.\.\.|…)$")
LINK_MARK = re.compile(r"\[\d+\]")  # lynx/elinks numbered link references
# Markup: browser placeholders, links and e-mail addresses. Placeholders for image names, form
# fields and buttons are bracketed single tokens or at most two words ("[logo.png]",
# "[          ]", "[Sign up]"); a bracketed phrase is prose. Possessive quantifiers: a
# placeholder ends at the first "]", so giving characters back never helps, and a "[" before a
# long run of spaces reads it once, not once per split of the run.
PLACEHOLDER_OR_LINK = re.compile(
    r"\[\s*+[^\]\s]{0,40}+(?:\s++[^\]\s]{1,40}+)?\s*+\]|https?://\S+|www\.\S+"
)
# E-mail addresses are `\S+@\S+\.\w+`, found by markup_spans() without that regex: it rescans a
# whitespace-free run from each of its positions (quadratic on a long token, cubic on "a@a@...").
RUN_WITH_AT = re.compile(r"(?<!\S)[^\s@]*+@\S*+")  # read from the run's start only: linear
LAST_DOT_WORD = re.compile(r"\S*\.(?=\w)")  # up to the run's last "." before a word character
WORD_RUN = re.compile(r"\w*")
# Site names around a headline: "Site - Headline", "Headline | Site". A separator opening with
# spaces is tried only where the spaces start (never from inside a run of them), which finds the
# same separators: each match ends on a non-space, so no later one starts inside a run either.
SITE_SEPARATOR = re.compile(r"(?<!\s)\s++[-|–—:»>]+\s*|(?:(?<!\s)\s++)?[|»>]\s+|(?<!\s)\s++-(?=\w)")


@dataclass
class Block:
    first: int  # index of the block's first line in the dump
    last: int  # index of its last line
    text: str  # wrapped lines joined with single spaces
    words: float = 0.0
    score: float = 0.0
    keep: bool = True  # False for boilerplate that must not reach the body even inside the story
    glued: bool = False  # no blank line between this block and the previous one
    indent: int = 0  # leading spaces of the first line: list items and teasers sit deeper
    junk: bool = False  # repeated on the page or mostly markup: never story text


def count_words(text: str) -> float:
    """Word count, with runs of CJK characters counted at about two characters a word."""
    cjk = len(CJK.findall(text))
    if not cjk:
        return float(len(WORD.findall(text)))
    plain = sum(1 for t in WORD.findall(text) if not CJK.search(t))
    return plain + cjk / CJK_CHARS_PER_WORD


def display_width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def digit_share(text: str) -> float:
    return sum(c.isdigit() for c in text) / max(sum(c.isalnum() for c in text), 1)


def markup_share(text: str) -> float:
    return sum(end - start for start, end in markup_spans(text)) / max(len(text), 1)


def has_markup(text: str) -> bool:
    return bool(PLACEHOLDER_OR_LINK.search(text)) or bool(_email_windows(text))


def markup_spans(text: str) -> list[tuple[int, int]]:
    r"""The spans of `PLACEHOLDER_OR_LINK|\S+@\S+\.\w+` (as finditer gives them), in linear time.

    Where the e-mail pattern matches depends on its whitespace-free run alone (see
    _email_windows), so each run is read once instead of once per position.
    """
    spans: list[tuple[int, int]] = []
    windows = _email_windows(text)
    k, pos = 0, 0
    tag = PLACEHOLDER_OR_LINK.search(text)
    while True:
        while k < len(windows) and windows[k][1] <= pos:  # that run's window is behind us
            k += 1
        email = max(windows[k][0], pos) if k < len(windows) else None
        if tag is not None and tag.start() < pos:  # it began inside the last e-mail address
            tag = PLACEHOLDER_OR_LINK.search(text, pos)
        if tag is not None and (email is None or tag.start() <= email):
            spans.append(tag.span())  # at the same position, a placeholder or link wins
            pos = tag.end()
        elif email is not None:
            spans.append((email, windows[k][2]))
            pos = windows[k][2]
        else:
            return spans


def _email_windows(text: str) -> list[tuple[int, int, int]]:
    r"""(first, last, end) for each whitespace-free run where `\S+@\S+\.\w+` can match.

    In a whitespace-free run, the pattern matches from position p iff an "@" lies between p + 1
    and two characters before the run's last "." that a word character follows, and the match
    always ends with the word characters after that dot: from every p in [first, last) to end.
    """
    windows = []
    for run in RUN_WITH_AT.finditer(text):
        start, stop = run.span()
        dot = LAST_DOT_WORD.match(text, start, stop)
        at = text.rfind("@", start + 1, max(dot.end() - 2, start + 1)) if dot else -1
        if at >= 0:
            windows.append((start, at, WORD_RUN.match(text, dot.end()).end()))
    return windows


def stop_share(text: str, stopwords: frozenset[str]) -> float:
    tokens = WORD.findall(text.lower())
    return sum(t in stopwords for t in tokens) / max(len(tokens), 1)


def is_doubled(text: str) -> bool:
    """True for image alt text printed twice ("logo.pnglogo.png")."""
    half = len(text) // 2
    return len(text) % 2 == 0 and text[:half] == text[half:]
