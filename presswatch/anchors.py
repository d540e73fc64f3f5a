"""The anchors of `make eval`: public extractors run on the same corpus pages, for comparison."""

from __future__ import annotations

import gzip
import logging
import multiprocessing
import os
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

logger = logging.getLogger(__name__)

BLANK_LINE = re.compile(r"\n\s*\n")  # a text dump's paragraphs
PAGES_PER_TASK = 8


def anchor_outputs(corpus: Path, pages: list[str]) -> dict[tuple[str, str], dict[str, dict]]:
    """{(anchor name, format): {page: fields}}; an anchor whose package is missing is left out.
    Pages are shared out to one process per core: each extractor is single-threaded."""
    contents = {fmt: _read(corpus, fmt, pages) for fmt in ("html", "text")}
    outputs = {}
    # spawn: the parent may hold threads (Prefect's) that a forked child would inherit locked
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(os.cpu_count() or 1, mp_context=context, initializer=_quiet) as pool:
        for name, fmt, run in ANCHORS:
            if not contents[fmt]:
                continue
            try:
                found = pool.map(run, contents[fmt].values(), chunksize=PAGES_PER_TASK)
                outputs[name, fmt] = dict(zip(contents[fmt], found, strict=True))
            except ImportError as exc:
                logger.warning("anchor %s skipped: %s", name, exc)
    return outputs


def _quiet() -> None:
    # trafilatura logs what each page lacks ("discarding data"): noise in a table's output
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


def scored(outputs: dict, score: Callable) -> dict[str, dict[str, float]]:
    """{anchor name: figures} from anchor_outputs, by `score(fmt, output)`, each anchor scored
    only on what it outputs (no title from a body-only extractor)."""
    anchors: dict[str, dict[str, float]] = {}
    for (name, fmt), output in outputs.items():
        produced = {column for fields in output.values() for column in fields}
        figures = score(fmt, output)
        anchors.setdefault(name, {}).update(
            (measure, value) for measure, value in figures.items() if _measures(measure, produced)
        )
    return anchors


def _measures(measure: str, produced: set[str]) -> bool:
    needs = {"title": "title", "authors": "authors", "published": "published_date",
             "outlet_domain": "outlet_domain"}  # fmt: skip
    name = measure.split(": ")[-1]  # "A: title, html" is a figure of the sites of half A
    if "accepted" in name or "kept" in name:
        return False  # an extractor alone accepts every page
    return all(column in produced for key, column in needs.items() if name.startswith(key))


def _read(corpus: Path, fmt: str, pages: list[str]) -> dict[str, str]:
    suffix = "html" if fmt == "html" else "txt"
    found = {page: corpus / fmt / f"{page}.{suffix}.gz" for page in pages}
    return {
        page: gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        for page, path in found.items()
        if path.exists()
    }


def _trafilatura(html: str, favor_precision: bool = False) -> dict:
    from trafilatura import bare_extraction

    doc = bare_extraction(html, with_metadata=True, favor_precision=favor_precision)
    if doc is None:
        return {}
    from presswatch.extract.metadata import domain_of

    return {"body": doc.text, "title": doc.title, "published_date": doc.date,
            "outlet_domain": domain_of(doc.url) or domain_of(f"http://{doc.hostname}"),
            "authors": [a.strip() for a in (doc.author or "").split(";") if a.strip()]}  # fmt: skip


def _trafilatura_precision(html: str) -> dict:
    return _trafilatura(html, favor_precision=True)


def _no_cleaning(text: str) -> dict:
    return {"body": text}


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


ANCHORS = (
    ("trafilatura", "html", _trafilatura),
    ("trafilatura (precision)", "html", _trafilatura_precision),
    ("trafilatura", "text", _trafilatura_text),
    ("jusText", "text", _justext),
    ("no cleaning", "text", _no_cleaning),
)
