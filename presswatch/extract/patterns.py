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

# A dateline's date ending its line: "ROME 1996-12-06", "LONDON, Aug 22", "PARIS Aug. 22, 1996".
DATE_AT_END = r"(?:\d{4}-\d{2}-\d{2}|[A-Z][a-z]{2,8}\.?\s++\d{1,2}(?:,\s*+\d{4})?)[ \t]*+$"
# "WASHINGTON (AP) — ", "BEIJING, Nov 20 (Reuters) - ", "Washington — ", "ROME 1996-12-06": a
# dateline opens the story.
# Runs of spaces are read possessively (what follows each one is never a space): two runs in a row
# would otherwise try every split of a long gap ("WASHINGTON" and 10,000 spaces: 24 s).
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Za-zÀ-ÿ.'’ -]{1,40}?(?:,\s*+[A-Z][A-Za-zÀ-ÿ.' ]{1,30}?)?)"
    r"(?:,\s*+(?:[A-Z][a-z]{2,8}\.?\s++\d{1,2}|\d{1,2}\s++[A-Z][a-z]{2,8}\.?))?"
    rf"(?:\s*+(?:\((?P<wire>{_WIRE_ALTERNATION})\)\s*+)?[—–-]{{1,2}}\s++\S|\s++{DATE_AT_END})"
)
DATELINE_PARAGRAPHS = 3  # photo captions and standfirsts can come before the first paragraph
DATELINE_MAX_WORDS = 4  # a place name, not a sentence that happens to contain a dash
# Credits at the end of a story: "(Reporting by A and B; Editing by C)".
REPORTING_BY = re.compile(
    r"(?:Reporting|Reported|Writing|Additional reporting)\s+by\s+([^;)\n]+)", re.I
)
# A byline line before the story: "By Jane Doe and John Roe", "By Jane Doe, Reuters". The names
# are the 3 to 120 characters after the spaces; with fewer, the last spaces join them. Two
# branches, not `\s+[^\n]{3,120}$`, which retries 120 lengths at each split of a long gap.
BYLINE = re.compile(r"^\s*+By(?:\s++(?=[^\n]{3})|\s+(?=[^\n]{3}$))(?P<names>[^\n]{3,120})$", re.I)
# "and" between names in the languages of the corpus and its neighbours (lowercase only: "Dan"
# is a name, "dan" is Indonesian "and").
# Spaces before a separator are read from where they start, never from inside a run of them (the
# same splits: a match ends on a non-space): a long gap costs one pass, not one per position.
NAME_SEPARATORS = re.compile(
    r"(?:(?<!\s)\s++)?(?:,|;|&|\band\b|\be\b|\by\b|\bund\b|\bet\b|\bdan\b|\bog\b|\boch\b)\s*"
)
# A person's name: 2 to 4 capitalised words (initials and particles allowed).
PERSON_NAME = re.compile(
    r"^(?:[A-ZÀ-Þ][\w'’.-]*|de|da|do|dos|van|von|der|del|la|le|bin|al)"
    r"(?:\s+(?:[A-ZÀ-Þ][\w'’.-]*|de|da|do|dos|van|von|der|del|la|le|bin|al)){1,3}$"
)
NOT_NAMES = re.compile(
    r"\b(?:staff|editors?|reporters?|newsroom|agency|team|writers?|bureau|desk|correspondent)\b",
    re.I,
)

# Bylines in text dumps (see textdump_byline.py).
# The word that opens a byline, in the usual languages: "By", "Written by", "Por" (pt/es),
# "Publicado por", "Von" (de), "Par" (fr), "Di" (it), "Door" (nl), "Av" (sv/no), "Af" (da),
# "Oleh" (id/ms), "Przez" (pl), and author labels ("Author:", "Autor:", "Texto:"). Not
# "Published by": that names the publisher. After the keyword: spaces, a colon and spaces, or
# spaces before a colon that something follows ("By :Jane" ends before the colon); the branches
# keep `\s*:?(?:\s+|$)` from splitting a long gap every way when it does not fullmatch.
BYLINE_KEYWORD = re.compile(
    r"^(?:(?:written|reported|words|text|story|posted|escrito|publicado|texto)\s++"
    r"(?:by|por)|by|por|von|par|di|door|av|af|oleh|przez|authors?|autor(?:a|es)?|auteur|texto"
    r"|reportagem)\b(?:\s*+:(?:\s++|$)|\s++|$)",
    re.I,
)
# Lowercase particles inside names ("Fulano de Tal", "Ludwig van Beethoven", "Ali bin Omar").
NAME_PARTICLES = frozenset({
    "de", "da", "do", "dos", "das", "di", "du", "del", "della", "van", "von", "der", "den", "la",
    "le", "bin", "binti", "al", "el", "ten", "ter"
})  # fmt: skip
# What a byline says after the name: a role ("Staff Writer", "news reporter", "Senior
# Contributor"). Qualifiers only count in front of a role word or at the end of a name.
ROLE_WORDS = frozenset({
    "reporter", "writer", "columnist", "correspondent", "contributor", "journalist", "editor",
    "critic", "blogger", "producer", "analyst", "repórter", "jornalista", "colunista", "redator",
    "redatora", "periodista", "redactor", "redactora", "corresponsal", "redakteur", "redakteurin",
    "korrespondent", "korrespondentin", "journaliste", "rédacteur", "rédactrice", "giornalista",
    "wartawan", "penulis"
})  # fmt: skip
ROLE_QUALIFIERS = frozenset({
    "senior", "staff", "chief", "contributing", "special", "freelance", "guest", "deputy",
    "associate", "managing", "executive", "political", "business", "news", "sports", "foreign",
    "national"
})  # fmt: skip
# Words that make a byline an organisation, desk or brand rather than a person.
ORG_WORDS = frozenset({
    "staff", "newsroom", "agency", "team", "bureau", "desk", "news", "media", "press",
    "editorial", "editors", "reporters", "writers", "correspondents", "online", "daily", "times",
    "post", "magazine", "network", "group", "channel", "tv", "radio", "wire", "service", "sport",
    "sports", "admin", "administrator", "foundation", "institute", "university", "association",
    "redação", "redacción", "redaktion", "rédaction", "redazione"
})  # fmt: skip
# Words that end the names in a byline: connectors before a date, place or outlet ("Jane Doe
# on Monday", "Jane Doe in Paris", "Jane Doe for Reuters") and function words that no name has
# ("By The Numbers" is a headline). Compared lowercased.
NAME_STOP_WORDS = frozenset({
    "on", "at", "in", "for", "from", "with", "of", "the", "a", "an", "and", "or", "to", "is",
    "em", "el", "le", "am", "il", "op", "pada", "às", "que", "los", "las", "um", "uma", "die",
    "das", "und", "les"
})  # fmt: skip
# Photo and image credits look like bylines ("Alex Wong | Getty Images") but name no author.
PHOTO_CREDIT = re.compile(
    r"\b(?:photo|photos|photograph|image|images|foto|fotos|illustration|credit|getty)\b", re.I
)
# Where a byline's names end: a bar, bullet or spaced dash before a role or date, a handle, a
# bracket, or a date (with the connector before it: "on Monday", "On 11/13/19", "em 05/10").
# Searched for its first match only: spaces before a date are read from where they start, as the
# search reaches them first; a month's letters are bounded (40, where a month name has at most
# 9), as a long run of them is read again from each month-like start in it ("janjanjan...").
_BYLINE_DATE = (
    r"(?:\d|(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\b"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,40}+\.?\s*+\d)"
)
BYLINE_END = re.compile(
    r"\s[|•·/]\s|\||\s[-–—]+\s|[-–—]{2}|@|\("
    rf"|\s(?:on|at|em|el|le|am|il|op|pada|às)\b\s*+{_BYLINE_DATE}|(?:(?<!\s)\s++)?{_BYLINE_DATE}",
    re.I,
)
# A date or time stamp printed beside a byline: numeric or written dates, clock times, and
# relative stamps ("1 day ago", "há 2 horas", "vor 3 Stunden", "hace 5 minutos").
DATE_HINT = re.compile(
    r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b"
    r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?\s*\d{1,2}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\b"
    r"|\b\d{1,2}:\d{2}\s*(?:[ap]\.?m\b\.?)?"
    r"|\b\d+\s*(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?)\s+ago\b"
    r"|\b(?:há|hace|vor|il y a)\s+\d+\s+\w+",
    re.I,
)
# An author box or bio after the story names the byline's person: "About Jane Doe",
# "Jane Doe is a reporter ...", "Jane Doe (@jd) writes ...".
BIO_LEAD = r"^(?:about|sobre|über|à propos de|more from|recent from|mais de)\s+"
BIO_VERB = r"(?:\s*\([^)]*\))?\s+(?:is|was|writes|covers|has|é|foi|es|est|ist|adalah)\b"

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
# A line that opens with a weekday name (English, Portuguese, Spanish, French, German, Italian,
# Dutch): "Sunday, April 28, 2024", "sexta-feira, 22 de outubro". Prefixes, so that "Tue" and
# "Tuesday" both open one; the name must end at a word boundary.
WEEKDAY_OPENING = re.compile(
    r"^\W*+(?:mon|tue|wed|thu|fri|sat|sun|segunda|terça|quarta|quinta|sexta|sábado|domingo"
    r"|lunes|martes|miércoles|jueves|viernes|lundi|mardi|mercredi|jeudi|vendredi|samedi"
    r"|dimanche|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lunedì|martedì"
    r"|mercoledì|giovedì|venerdì|sabato|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag"
    r"|zondag)[\w-]*+\b",
    re.I,
)
CLOCK_TIME = re.compile(r"\b\d{1,2}[:h]\d{2}\b")  # "20:13", "5:50 am", "14h30"
# Labels that say a date is the publication (or, lower priority, an update) date.
PUBLISHED_LABEL = re.compile(r"\b(?:date|published|posted|publicado|publié|veröffentlicht)\b", re.I)
UPDATED_LABEL = re.compile(r"\b(?:updated|modified|atualizado|actualizado)\b", re.I)
DATE_LINE_MAX_CHARS = 80  # a date in a long sentence is the story's, not the page's

# Time-zone abbreviations in date strings -> UTC offset in seconds (dateutil knows only UTC/GMT);
# ambiguous ones (IST, CST in China) take their most common news use.
ZONE_ABBREVIATIONS = {
    "EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600,
    "MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600,
    "BST": 3600, "CET": 3600, "CEST": 2 * 3600, "EET": 2 * 3600, "EEST": 3 * 3600,
    "IST": 5 * 3600 + 1800, "JST": 9 * 3600, "KST": 9 * 3600, "AEST": 10 * 3600,
    "AEDT": 11 * 3600, "BRT": -3 * 3600,
}  # fmt: skip
