"""Entity resolution: an article's raw mentions become one row per entity under one name."""

from __future__ import annotations

import functools
import json
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from presswatch.entities.ner import Mention
from presswatch.entities.tables import label_rows
from presswatch.extract.patterns import DATE_AT_END

logger = logging.getLogger(__name__)

KEPT_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP"})  # who and where a story names
MAX_TOKENS = 6  # longer spans are run-on captions, table rows and titles of works, not names
DATELINE_PARAGRAPHS = 3  # photo captions can come before the paragraph that opens with one
# "WASHINGTON (AP) —", "BUFFALO, N.Y. —", "BEIJING, Nov 20 (Reuters) -", "ROME 1996-12-06":
# an all-caps place opens a paragraph, then a credit in brackets, a dash or a date ends its line.
DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z.'’]+(?:[ -][A-Z][A-Z.'’]+){0,3})"
    r"(?:,\s*[A-Z][A-Za-z.'’ ]{1,25}?)?"
    r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"(?:\s*(?:(?P<credit>\([^()\n]{1,40}\))|(?=[—–-]))|(?=\s+" + DATE_AT_END + "))",
    re.M,
)
PHOTO_CREDIT = re.compile(r"\([^()\n]*\b(?:Photo|Photos|Photograph|Image|Images)\b[^()\n]*\)")
POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
EDGE_JUNK = " \t\n\"'“”‘’«»,;:!?()[]{}*•|-–—"  # quotes, brackets and dashes the model takes along
# Words without a letter at either end of a span: a rank, a score, a time ("3-0", "0:04", "+8").
NUMBER_EDGE = re.compile(r"^(?:[^\sA-Za-z]*\d[^\sA-Za-z]*\s+(?:[-–—/]\s+)?)+")
NUMBER_END = re.compile(r"(?:\s+[-–—/]?\s*[^\sA-Za-z]*\d[^\sA-Za-z]*)+$")
LOWERCASE_END = re.compile(r"(?:\s+[a-z][\w'’.]*)+$")  # "Manchester City v": names end capitalised
# A spaced dash or slash, a bracket or a figure ends a name ("Poltava 2 Nyva Ternopil").
SEPARATORS = re.compile(r"\s[-–—/]\s|[()]|\s\d[\d.,:-]*\s")
CAPITALS_SHARE = 0.8  # a headline whose letters are this much capitals is set in capitals
ACRONYM = re.compile(r"[A-Z]{2,6}")
ALIAS_CASEFOLD_MIN = 5  # short aliases are acronyms: "US" is an alias, "us" is not


@dataclass(frozen=True)
class Rules:
    """The resolution data of schemas/entity_aliases.json, indexed for lookup."""

    titles: tuple[str, ...]
    company_suffixes: tuple[str, ...]
    wire_agencies: frozenset[str]
    not_places: frozenset[str]
    not_entities: frozenset[str]
    canonical: dict[str, tuple[str, str]] = field(default_factory=dict)  # alias key -> name, label

    def lookup(self, name: str) -> tuple[str, str] | None:
        """Canonical (name, label) of a known entity or alias, else None."""
        return self.canonical.get(_alias_key(name)) or self.canonical.get(_alias_key(name, True))


@functools.cache
def load_rules(path: Path | None = None) -> Rules:
    """Resolution rules from a JSON file (default: the packaged schemas/entity_aliases.json)."""
    if path is None:
        text = (
            files("presswatch.schemas").joinpath("entity_aliases.json").read_text(encoding="utf-8")
        )
    else:
        text = Path(path).read_text(encoding="utf-8")
    data = json.loads(text)
    canonical: dict[str, tuple[str, str]] = {}
    for entry in data.get("entities", []):
        target = (entry["name"], entry["label"])
        for alias in [entry["name"], *entry.get("aliases", [])]:
            canonical.setdefault(_alias_key(alias), target)
            if len(alias) >= ALIAS_CASEFOLD_MIN:
                canonical.setdefault(_alias_key(alias, True), target)
    titles = sorted(data.get("titles", []), key=len, reverse=True)  # "Vice President" first
    return Rules(
        titles=tuple(titles),
        company_suffixes=tuple(data.get("company_suffixes", [])),
        wire_agencies=frozenset(data.get("wire_agencies", [])),
        not_places=frozenset(data.get("not_places", [])),
        not_entities=frozenset(data.get("not_entities", [])),
        canonical=canonical,
    )


def resolve_article(
    text: str, body_start: int, mentions: list[Mention], rules: Rules
) -> list[dict]:
    """Entity rows of one article: {"name", "label", "mentions", "first_offset"}, by first offset.

    `text` is title + blank line + body and `body_start` where the body begins in it.
    """
    places, credits = _find_datelines(text, body_start, rules)
    credits += [m.span() for m in PHOTO_CREDIT.finditer(text)]
    kept: list[Mention] = []
    parts = [part for mention in _without(mentions, places) for part in _split(mention)]
    for mention in sorted([*parts, *places], key=lambda m: m.start):
        cleaned = None if _inside(mention, credits) else clean_mention(mention, text, rules)
        if cleaned is None or _is_credit_via(text, cleaned, rules):
            continue
        cleaned = _canonicalize(cleaned, rules)  # the table's label wins: "Twitter" PRODUCT is ORG
        if cleaned.label in KEPT_LABELS:
            kept.append(cleaned)
    kept = _headline_names(text, body_start, label_rows(text, body_start, kept))
    kept = _resolve_acronyms(_resolve_org_suffixes(_resolve_plurals(kept), rules), rules)
    rows = _group(*_resolve_short_names(kept, rules))
    return [row for row in rows if not _is_bare_title(row, rules.titles)]


def _split(mention: Mention) -> list[Mention]:
    """A span the model ran across a separator, as its parts: "Andreas Kappes - Carsten Wolf",
    "Stephane Guivarch (Rennes", "Griqualand West - Tries"."""
    bounds = [
        0,
        *(i for m in SEPARATORS.finditer(mention.text) for i in m.span()),
        len(mention.text),
    ]
    parts = []
    for a, b in zip(bounds[::2], bounds[1::2], strict=True):
        if mention.text[a:b].strip():
            parts.append(
                Mention(mention.text[a:b], mention.label, mention.start + a, mention.start + b)
            )
    return parts


def _headline_names(text: str, body_start: int, mentions: list[Mention]) -> list[Mention]:
    """In a headline set in capitals ("CRICKET - LEICESTERSHIRE TAKE OVER AT TOP") the model
    reads every word as a name: keep only the names the story names too, and find those the
    model missed there, as the story spells and labels them."""
    headline = text[:body_start]
    letters = [ch for ch in headline if ch.isalpha()]
    if not letters or sum(ch.isupper() for ch in letters) < CAPITALS_SHARE * len(letters):
        return mentions
    story = {m.text.casefold(): m for m in mentions if m.start >= body_start}
    out = [m for m in mentions if m.start >= body_start]
    for name, named in story.items():
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", headline.casefold()):
            out.append(Mention(named.text, named.label, *match.span()))  # the story's spelling
    return sorted(out, key=lambda m: m.start)


def clean_mention(mention: Mention, text: str, rules: Rules) -> Mention | None:
    """The mention's name without possessive, title or leading "the"; None when it is junk."""
    first_line = mention.text.lstrip()  # without the parser, a span can cross lines
    lead = len(mention.text) - len(first_line)
    name, start = _strip_edges(first_line.split("\n")[0], mention.start + lead)
    after = text[mention.end : mention.end + 2]
    if mention.text.endswith(name) and rules.lookup(name + after):  # the model left out the 's
        name += after  # of "Lowe's"
    name = _strip_possessive(name, rules)
    if mention.label != "PERSON" and name[:4].lower() == "the ":
        name, start = _strip_edges(name[4:], start + 4)
    if mention.label == "PERSON":
        name, start = _strip_titles(name, start, rules.titles)
    if mention.label == "ORG":
        name = _strip_company_suffix(name, rules.company_suffixes)
    name = " ".join(name.split())
    if _is_junk(name) or name in rules.not_entities:
        return None
    return Mention(name, mention.label, start, start + len(name))


def _strip_edges(name: str, start: int) -> tuple[str, int]:
    """Without quotes, brackets and dashes at either end, nor the figures of a table row the
    model took along ("Utrecht 0", "8 - Jim Courier", "Geelong 1613"), nor lowercase words at
    its end ("Manchester City v")."""
    stripped = NUMBER_EDGE.sub("", name.lstrip(EDGE_JUNK))
    stripped_end = LOWERCASE_END.sub("", NUMBER_END.sub("", stripped))
    return stripped_end.rstrip(EDGE_JUNK), start + len(name) - len(stripped)


def _strip_possessive(name: str, rules: Rules) -> str:
    """ "North Korea’s" -> "North Korea", unless the alias table knows the name with it
    ("McDonald's")."""
    return name if rules.lookup(name) else POSSESSIVE.sub("", name)


def _strip_titles(name: str, start: int, titles: tuple[str, ...]) -> tuple[str, int]:
    """ "President Vladimir Putin" -> "Vladimir Putin". A title alone stays: "King" may be
    Stephen King's surname; unresolved, it is dropped with the other bare titles."""
    changed = True
    while changed:
        changed = False
        for title in titles:
            match = re.match(rf"{re.escape(title.rstrip('.'))}\.?\s+(?=\S)", name)
            if match:
                name, start = name[match.end() :], start + match.end()
                changed = True
                break
    return name, start


def _is_bare_title(row: dict, titles: tuple[str, ...]) -> bool:
    """A person row named only by a title ("President", "Col" of "Lt Col")."""
    return row["label"] == "PERSON" and row["name"].rstrip(".") in {t.rstrip(".") for t in titles}


def _strip_company_suffix(name: str, suffixes: tuple[str, ...]) -> str:
    """ "Home Depot Inc." -> "Home Depot", "Acme, Ltd" -> "Acme"."""
    for suffix in suffixes:
        if name.lower().endswith(" " + suffix.lower()):
            return name[: -len(suffix)].rstrip(" ,")
    return name


def _is_junk(name: str) -> bool:
    """Single characters, numbers, punctuation runs, lowercase words and run-on spans."""
    letters = sum(ch.isalpha() for ch in name)
    visible = sum(not ch.isspace() for ch in name)
    return (
        letters < 2
        or letters * 2 < visible
        or not any(ch.isupper() for ch in name)
        or len(name.split()) > MAX_TOKENS
    )


def _find_datelines(
    text: str, body_start: int, rules: Rules
) -> tuple[list[Mention], list[tuple[int, int]]]:
    """Dateline places (as GPE mentions, "WASHINGTON" -> "Washington") and the spans of the wire
    credits beside them, in the body's first paragraphs; the model need not have tagged them."""
    places: list[Mention] = []
    credits: list[tuple[int, int]] = []
    starts = [m.start() for m in re.finditer(r"^[ \t]*\S", text[body_start:], re.M)]
    for offset in starts[:DATELINE_PARAGRAPHS]:
        match = DATELINE.match(text, body_start + offset)
        if not match or match.group("place") in rules.not_places:
            continue
        start, end = match.span("place")
        places.append(Mention(_capitalize(match.group("place")), "GPE", start, end))
        if match.group("credit"):
            credits.append(match.span("credit"))
    return places, credits


def _is_credit_via(text: str, mention: Mention, rules: Rules) -> bool:
    """A photo credit's agency ("KCNA via REUTERS") is not named by the story."""
    before = text[max(0, mention.start - 4) : mention.start]
    return before == "via " and mention.text in rules.wire_agencies


def _canonicalize(mention: Mention, rules: Rules) -> Mention:
    """Known entities and their aliases take the table's name and label ("U.S." -> GPE
    "United States", "DPRK" -> GPE "North Korea")."""
    canonical = rules.lookup(mention.text)
    return _renamed(mention, *canonical) if canonical else mention


def _resolve_plurals(mentions: list[Mention]) -> list[Mention]:
    """A group's plural takes the singular the article also uses ("Ukrainians" -> "Ukrainian")."""
    groups = {m.text for m in mentions if m.label == "NORP"}
    return [
        _renamed(m, m.text[:-1]) if m.label == "NORP" and m.text[:-1] in groups else m
        for m in mentions
    ]


def _resolve_org_suffixes(mentions: list[Mention], rules: Rules) -> list[Mention]:
    """An organisation's shorter name of 2+ words that ends a longer one in the same article
    takes it ("Communist Party" -> "Chinese Communist Party"); a shared start is not enough
    ("Wall Street" is not "Wall Street Journal")."""
    orgs = Counter(m.text for m in mentions if m.label == "ORG")
    target = {}
    for name in orgs:
        longer = [n for n in orgs if n.endswith(" " + name)]
        if " " in name and longer and rules.lookup(name) is None:
            target[name] = max(longer, key=lambda n: orgs[n])
    return [_renamed(m, target[m.text]) if m.text in target else m for m in mentions]


def _resolve_acronyms(mentions: list[Mention], rules: Rules) -> list[Mention]:
    """An acronym takes the organisation it abbreviates in the same article ("CBP" ->
    "Customs and Border Protection"): its letters are the initials of the name's capitalised
    words."""
    orgs = Counter(m.text for m in mentions if m.label == "ORG" and " " in m.text)
    target = {}
    for name in {m.text for m in mentions}:
        if ACRONYM.fullmatch(name) and rules.lookup(name) is None:
            longer = [n for n in orgs if "".join(w[0] for w in n.split() if w[0].isupper()) == name]
            if longer:
                target[name] = max(longer, key=lambda n: orgs[n])
    return [_renamed(m, target[m.text], "ORG") if m.text in target else m for m in mentions]


def _resolve_short_names(mentions: list[Mention], rules: Rules) -> tuple[list[Mention], set[str]]:
    """A person's shorter name takes the fuller one used in the same article ("Kim" ->
    "Kim Jong Un", "Putin" -> "Vladimir Putin"): its words in order within the longer name, the
    most mentioned candidate first. The small model often tags a lone surname ORG or GPE: such a
    surname follows too, as PERSON. Returns the mentions and the names that took short forms."""
    people = _full_names(mentions, rules)
    surnames = {n.split()[-1] for n in people}
    target: dict[str, str] = {}
    for name in sorted({m.text for m in mentions}, key=lambda n: -len(n.split())):
        if rules.lookup(name) is not None:
            continue
        personal = name in people or any(m.label == "PERSON" for m in mentions if m.text == name)
        longer = [
            n
            for n in people
            if len(n.split()) > len(name.split())
            and (_within(name, n) if personal else name in surnames and n.endswith(" " + name))
        ]
        if longer:
            best = max(longer, key=lambda n: people[n])
            target[name] = target.get(best, best)
    resolved = [_renamed(m, target[m.text], "PERSON") if m.text in target else m for m in mentions]
    return resolved, set(target.values())


def _full_names(mentions: list[Mention], rules: Rules) -> Counter:
    """Names of 2+ words that are people: tagged PERSON, or an ORG ending in a word tagged PERSON
    on its own ("Eva-Marie Persson" ORG, then "Persson" PERSON). Counted by mentions."""
    singles = {m.text for m in mentions if m.label == "PERSON" and " " not in m.text}
    names = {
        m.text
        for m in mentions
        if " " in m.text
        and rules.lookup(m.text) is None
        and (m.label == "PERSON" or (m.label == "ORG" and m.text.split()[-1] in singles))
    }
    return Counter(m.text for m in mentions if m.text in names)


def _within(short: str, long: str) -> bool:
    """Words of `short` appear in order among the words of `long`."""
    words = iter(long.split())
    return all(word in words for word in short.split())


def _group(mentions: list[Mention], people: set[str]) -> list[dict]:
    """One row per name, case aside ("HOME DEPOT" is "Home Depot"), under its most used spelling:
    mention count, first offset and the majority label (ties: the label seen first, but PERSON
    for a name that took short forms)."""
    groups: dict[str, list[Mention]] = {}
    for mention in mentions:
        groups.setdefault(mention.text.casefold(), []).append(mention)
    rows = []
    for group in groups.values():
        name = Counter(m.text for m in group).most_common(1)[0][0]
        labels = Counter(m.label for m in group)
        rows.append(
            {
                "name": name,
                "label": _majority(labels, any(m.text in people for m in group)),
                "mentions": len(group),
                "first_offset": min(m.start for m in group),
            }
        )
    return sorted(rows, key=lambda row: row["first_offset"])


def _majority(counts: Counter, person: bool) -> str:
    ranked = counts.most_common()
    if person and counts["PERSON"] == ranked[0][1]:
        return "PERSON"
    return ranked[0][0]


def _renamed(mention: Mention, name: str, label: str | None = None) -> Mention:
    return Mention(name, label or mention.label, mention.start, mention.end)


def _alias_key(name: str, casefold: bool = False) -> str:
    key = " ".join(name.replace(".", "").replace("’", "'").split())
    return key.casefold() if casefold else key


def _capitalize(place: str) -> str:
    """ "WASHINGTON" -> "Washington", "NEW YORK" -> "New York", "ST. LOUIS" -> "St. Louis"."""
    return re.sub(r"[A-Za-z]+", lambda m: m.group(0).capitalize(), place.lower())


def _inside(mention: Mention, spans: list[tuple[int, int]]) -> bool:
    return any(start <= mention.start and mention.end <= end for start, end in spans)


def _without(mentions: list[Mention], places: list[Mention]) -> list[Mention]:
    """Mentions that overlap none of the dateline places."""
    return [m for m in mentions if not any(m.start < p.end and p.start < m.end for p in places)]
