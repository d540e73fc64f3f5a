"""The anchors of `make eval`: public extractors run on the same corpus pages, for comparison."""

from __future__ import annotations

import gzip
import logging
import re
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)

BLANK_LINE = re.compile(r"\n\s*\n")  # a text dump's paragraphs


def score_anchors(corpus: Path, gold: dict, score: Callable) -> dict[str, dict[str, float]]:
    """{anchor name: figures}; an anchor whose package is missing is left out."""
    pages = {fmt: _read(corpus, fmt, gold) for fmt in ("html", "text")}
    anchors = {}
    for name, fmt, run in (
        ("trafilatura", "html", _trafilatura),
        ("trafilatura", "text", _trafilatura_text),
        ("jusText", "text", _justext),
        ("no cleaning", "text", lambda text: {"body": text}),
    ):
        try:
            output = {page: run(content) for page, content in pages[fmt].items()}
        except ImportError as exc:
            logger.warning("anchor %s skipped: %s", name, exc)
            continue
        produced = {column for fields in output.values() for column in fields}
        figures = score(gold, output, fmt)
        anchors.setdefault(name, {}).update(
            (measure, value) for measure, value in figures.items() if _measures(measure, produced)
        )
    return anchors


def _measures(measure: str, produced: set[str]) -> bool:
    """Score an anchor only on what it outputs (no title from a body-only extractor)."""
    needs = {"title": "title", "authors": "authors", "published": "published_date",
             "outlet_domain": "outlet_domain"}  # fmt: skip
    return all(column in produced for key, column in needs.items() if measure.startswith(key))


def _read(corpus: Path, fmt: str, gold: dict) -> dict[str, str]:
    suffix = "html" if fmt == "html" else "txt"
    return {
        page: gzip.decompress((corpus / fmt / f"{page}.{suffix}.gz").read_bytes()).decode(
            "utf-8", "replace"
        )
        for page in gold
    }


def _trafilatura(html: str) -> dict:
    from trafilatura import bare_extraction

    doc = bare_extraction(html, with_metadata=True)
    if doc is None:
        return {}
    from presswatch.extract.metadata import domain_of

    return {"body": doc.text, "title": doc.title, "published_date": doc.date,
            "outlet_domain": domain_of(doc.url) or domain_of(f"http://{doc.hostname}"),
            "authors": [a.strip() for a in (doc.author or "").split(";") if a.strip()]}  # fmt: skip


def _trafilatura_text(text: str) -> dict:
    from trafilatura import extract

    paragraphs = "".join(f"<p>{_escape(p)}</p>" for p in BLANK_LINE.split(text) if p.strip())
    return {"body": extract(f"<html><body>{paragraphs}</body></html>") or ""}


def _justext(text: str) -> dict:
    import justext

    paragraphs = "".join(f"<p>{_escape(p)}</p>" for p in BLANK_LINE.split(text) if p.strip())
    found = justext.justext(
        f"<html><body>{paragraphs}</body></html>", justext.get_stoplist("English")
    )
    return {"body": "\n".join(p.text for p in found if not p.is_boilerplate)}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
