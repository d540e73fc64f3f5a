"""Metadata rules shared by all formats: dates, wire and dateline, bylines, domain, language."""

from __future__ import annotations

import functools
import logging
import re
from datetime import UTC, datetime, timedelta

from presswatch.extract import patterns as p

logger = logging.getLogger(__name__)

LANGUAGE_MIN_CHARS = 40  # below this, language identification is a guess
MAX_UTC_OFFSET = timedelta(hours=24)  # Python's own bound; real zones stay within -12 and +14
MAX_TIMESTAMP_CHARS = 200  # a date string longer than this is not one (dateutil tries anyway)
# Blog and newsletter hosts that give each user a site of their own but are missing from the
# public-suffix list's private section (which has blogspot.com, github.io, netlify.app, ...).
USER_SITE_HOSTS = frozenset({
    "substack.com", "medium.com", "wordpress.com", "tumblr.com", "ghost.io", "wixsite.com",
    "weebly.com", "typepad.com", "livejournal.com", "hashnode.dev", "beehiiv.com",
    "over-blog.com", "home.blog", "micro.blog", "bearblog.dev", "write.as", "telegra.ph",
})  # fmt: skip


@functools.cache
def _tld_extractor():
    import tldextract

    # The bundled public-suffix snapshot: no download at run time. Its private section lists
    # hosts that give each user a site of their own (x.blogspot.com, x.github.io).
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


def domain_of(url: str | None) -> str | None:
    """Registrable domain of a URL ("https://www.latimes.com/x" -> "latimes.com"); on a host
    that gives each user a site ("ann.substack.com", "ann.blogspot.com"), that site."""
    if not url:
        return None
    parts = _tld_extractor()(url.strip())
    if not parts.domain or not parts.suffix:
        return None
    domain = f"{parts.domain}.{parts.suffix}".lower()
    user = parts.subdomain.lower().rsplit(".", 1)[-1]
    if domain in USER_SITE_HOSTS and user and user != "www":
        return f"{user}.{domain}"
    return domain


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text, or None when there is too little of it."""
    if len(text) < LANGUAGE_MIN_CHARS:
        return None
    import py3langid

    return py3langid.classify(text[:2000])[0]  # ~300 words decide it; its cost grows with length


def parse_timestamp(value: object) -> datetime | None:
    """A timestamp from a metadata value (ISO string, epoch, datetime); naive means UTC.

    The publisher's UTC offset is kept: `published_date` is the day in the publisher's own
    time zone (an evening story in New York belongs to that New York day); Parquet stores the
    instant in UTC.
    """
    if value is None or value == "":
        return None
    try:
        parsed = _parse_any_timestamp(value)
        if parsed is None:
            return None
        parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
        # A UTC offset of a day or more (dateutil takes "+99:00") is no time zone; and the
        # instant must exist in UTC (not past year 9999 once shifted).
        if abs(parsed.utcoffset()) >= MAX_UTC_OFFSET:
            return None
        parsed.astimezone(UTC)
    except (ValueError, OverflowError, OSError, TypeError):
        return None
    return parsed


def _parse_any_timestamp(value: object) -> datetime | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value  # epoch milliseconds are common
        return datetime.fromtimestamp(seconds, UTC)
    if isinstance(value, datetime):
        return value
    text = str(value).strip()[:MAX_TIMESTAMP_CHARS]
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        from dateutil import parser as date_parser

        return date_parser.parse(text, tzinfos=p.ZONE_ABBREVIATIONS)


def find_date_in_lines(lines: list[str]) -> tuple[datetime | None, str | None]:
    """The publication date printed in short lines (a page header), by label priority."""
    best: tuple[int, datetime] | None = None
    for line in lines:
        if len(line) > p.DATE_LINE_MAX_CHARS:
            continue
        found = _parse_date_text(line)
        if found is None:
            continue
        rank = 0 if p.PUBLISHED_LABEL.search(line) else 2 if p.UPDATED_LABEL.search(line) else 1
        if best is None or rank < best[0]:
            best = (rank, found)
    return (best[1], "text:header") if best else (None, None)


def is_labelled_date(line: str) -> bool:
    """True for a short header line with a publication or update label and a date."""
    labelled = p.PUBLISHED_LABEL.search(line) or p.UPDATED_LABEL.search(line)
    return (
        bool(labelled) and len(line) <= p.DATE_LINE_MAX_CHARS and _parse_date_text(line) is not None
    )


def _parse_date_text(text: str) -> datetime | None:
    for pattern in p.DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        parts = match.groupdict()
        month = int(parts["mnum"]) if parts.get("mnum") else p.MONTHS[parts["month"][:3].lower()]
        try:
            return datetime(
                int(parts["year"]),
                month,
                int(parts["day"]),
                int(parts.get("hour") or 0),
                int(parts.get("minute") or 0),
                int(parts.get("second") or 0),
                tzinfo=UTC,
            )
        except ValueError:
            continue
    return None


def find_wire_and_dateline(body: str) -> tuple[str | None, str | None]:
    """Wire agency and dateline from the story's opening ("WASHINGTON (AP) — ...")."""
    paragraphs = [part.strip() for part in body.split("\n") if part.strip()]
    match = next(
        filter(None, (p.DATELINE.match(part) for part in paragraphs[: p.DATELINE_PARAGRAPHS])), None
    )
    if not match:
        return None, None
    place = match.group("place").strip(" ,")
    wire = p.WIRE_AGENCIES.get(match.group("wire") or "")
    if len(place.split()) > p.DATELINE_MAX_WORDS or not (
        wire or place.split(",")[0].isupper() or "—" in match.group(0)
    ):
        return wire, None
    return wire, place


def split_names(text: str) -> list[str]:
    """Person names from a byline string; drops roles, outlets and anything not name-shaped."""
    out = []
    for part in p.NAME_SEPARATORS.split(text.strip()):
        part = re.sub(r"\s+", " ", part).strip(" .|-")
        if part and p.PERSON_NAME.match(part) and not p.NOT_NAMES.search(part):
            out.append(part)
    return out


def count_words(text: str) -> int:
    return len(re.findall(r"\w+", text))
