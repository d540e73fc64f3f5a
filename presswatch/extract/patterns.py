"""Patterns and tuning values for metadata extraction, kept as data in one place."""

from __future__ import annotations

import re

# Wire agencies: every spelling seen in datelines and credits -> the name stored in `wire`.
WIRE_AGENCIES = {
    "AP": "AP",
    "Associated Press": "AP",
    "The Associated Press": "AP",
    "Reuters": "Reuters",
    "AFP": "AFP",
    "Agence France-Presse": "AFP",
    "Agence France Presse": "AFP",
    "Bloomberg": "Bloomberg",
    "dpa": "dpa",
    "DPA": "dpa",
    "EFE": "EFE",
    "ANSA": "ANSA",
    "Kyodo": "Kyodo",
    "Xinhua": "Xinhua",
    "Yonhap": "Yonhap",
    "PTI": "PTI",
    "IANS": "IANS",
    "ANI": "ANI",
    "UPI": "UPI",
    "CNA": "CNA",
    "Bernama": "Bernama",
    "Antara": "Antara",
    "Lusa": "Lusa",
    "Agência Brasil": "Agência Brasil",
    "TASS": "TASS",
    "Anadolu": "Anadolu",
    "AAP": "AAP",
    "CP": "The Canadian Press",
    "The Canadian Press": "The Canadian Press",
    "PA": "PA Media",
    "Europa Press": "Europa Press",
}
_WIRE_ALTERNATION = "|".join(sorted(map(re.escape, WIRE_AGENCIES), key=len, reverse=True))

# "WASHINGTON (AP) — ", "BEIJING, Nov 20 (Reuters) - ", "Washington — ": a dateline opens the story.
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Za-zÀ-ÿ.'’ -]{1,40}?(?:,\s*[A-Z][A-Za-zÀ-ÿ.' ]{1,30}?)?)"
    r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?))?"
    rf"\s*(?:\((?P<wire>{_WIRE_ALTERNATION})\))?\s*[—–-]{{1,2}}\s+\S"
)
DATELINE_PARAGRAPHS = 3  # photo captions and standfirsts can come before the first paragraph
DATELINE_MAX_WORDS = 4  # a place name, not a sentence that happens to contain a dash
# Credits at the end of a story: "(Reporting by A and B; Editing by C)".
REPORTING_BY = re.compile(
    r"(?:Reporting|Reported|Writing|Additional reporting)\s+by\s+([^;)\n]+)", re.I
)
# A byline line before the story: "By Jane Doe and John Roe", "By Jane Doe, Reuters".
BYLINE = re.compile(r"^\s*By\s+(?P<names>[^\n]{3,120})$", re.I)
NAME_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b|\be\b|\by\b|\bund\b|\bet\b)\s*")
# A person's name: 2 to 4 capitalised words (initials and particles allowed).
PERSON_NAME = re.compile(
    r"^(?:[A-ZÀ-Þ][\w'’.-]*|de|da|do|dos|van|von|der|del|la|le|bin|al)"
    r"(?:\s+(?:[A-ZÀ-Þ][\w'’.-]*|de|da|do|dos|van|von|der|del|la|le|bin|al)){1,3}$"
)
NOT_NAMES = re.compile(
    r"\b(?:staff|editors?|reporters?|newsroom|agency|team|writers?|bureau|desk|correspondent)\b",
    re.I,
)

# Date lines in text dumps.
MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = r"(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?"
DATE_PATTERNS = (
    re.compile(
        r"(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]?\d)-(?P<day>[0-3]?\d)"
        r"(?:[ T](?P<hour>[0-2]?\d):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?)?"
    ),
    re.compile(rf"\b{_MONTH}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b"),
    re.compile(rf"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>(?:19|20)\d\d)\b"),
)
# Labels that say a date is the publication (or, lower priority, an update) date.
PUBLISHED_LABEL = re.compile(r"\b(?:date|published|posted|publicado|publié|veröffentlicht)\b", re.I)
UPDATED_LABEL = re.compile(r"\b(?:updated|modified|atualizado|actualizado)\b", re.I)
DATE_LINE_MAX_CHARS = 80  # a date in a long sentence is the story's, not the page's
