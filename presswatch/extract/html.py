"""HTML pages: trafilatura finds the story and the page metadata; shared rules add the rest."""

from __future__ import annotations

import functools
import logging
import re

from presswatch.extract import metadata

logger = logging.getLogger(__name__)


@functools.cache
def _config():
    from trafilatura.settings import use_config

    config = use_config()
    # Its timeout uses SIGALRM, which only works on the main thread; Prefect may run us elsewhere.
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return config


def extract_html(html: str, url: str | None = None) -> dict:
    """Article fields of one HTML page; the body is "" when no story is found."""
    from trafilatura import bare_extraction

    doc = bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        config=_config(),
    )
    if doc is None:
        return {"body": "", "url": url}
    body = re.sub(r"\n+", "\n\n", doc.text or "").strip()
    wire, dateline = metadata.find_wire_and_dateline(body)
    published = metadata.parse_timestamp(doc.date)
    url = url or doc.url
    return {
        "url": url,
        "title": doc.title or None,
        "outlet": doc.sitename or None,
        "outlet_domain": metadata.domain_of(url) or _hostname_domain(doc.hostname),
        "published_at": published,
        "date_source": "html:metadata" if published else None,
        "authors": metadata.split_names(doc.author or ""),
        "wire": wire,
        "dateline": dateline,
        "body": body,
    }


def _hostname_domain(hostname: str | None) -> str | None:
    return metadata.domain_of(f"http://{hostname}") if hostname else None
