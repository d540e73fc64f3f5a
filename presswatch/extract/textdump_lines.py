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
# Browser placeholders: image names, form fields and buttons are bracketed single tokens or at
# most two words ("[logo.png]", "[          ]", "[Sign up]"); a bracketed phrase is prose.
MARKUP = re.compile(
    r"\[\s*[^\]\s]{0,40}(?:\s+[^\]\s]{1,40})?\s*\]|https?://\S+|www\.\S+|\S+@\S+\.\w+"
)
SITE_SEPARATOR = re.compile(r"\s+[-|–—:»>]+\s*|\s*[|»>]\s+|\s+-(?=\w)")


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
    return sum(len(m) for m in MARKUP.findall(text)) / max(len(text), 1)


def stop_share(text: str, stopwords: frozenset[str]) -> float:
    tokens = WORD.findall(text.lower())
    return sum(t in stopwords for t in tokens) / max(len(tokens), 1)


def is_doubled(text: str) -> bool:
    """True for image alt text printed twice ("logo.pnglogo.png")."""
    half = len(text) // 2
    return len(text) % 2 == 0 and text[:half] == text[half:]
