"""Hints scrapers leave beside an article: a NAME.meta.json sidecar and a domain-named folder."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from presswatch.extract.metadata import domain_of

logger = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.json"
SIDECAR_KEYS = {  # hint -> the sidecar keys that carry it, first match wins
    "url": ("url", "link", "source_url"),
    "outlet": ("outlet", "source_name", "publisher", "site_name"),
    "published_at": ("published_at", "date_publish", "published", "date"),
}
DOMAIN_NAME = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$", re.I)


def is_sidecar(name: str) -> bool:
    return name.lower().endswith(SIDECAR_SUFFIX)


def sidecar_paths(path: Path) -> tuple[Path, ...]:
    """story.html's sidecar is story.html.meta.json or story.meta.json."""
    name = path.name.removesuffix(".gz")
    return path.with_name(name + SIDECAR_SUFFIX), path.with_name(
        name.rsplit(".", 1)[0] + SIDECAR_SUFFIX
    )


def find_hints(path: Path, source_file: str) -> dict:
    """url, outlet, published_at and outlet_domain hints for one input (absent when not given)."""
    hints: dict = {}
    folder = source_file.split("/")[0] if "/" in source_file else ""
    if DOMAIN_NAME.match(folder) and domain_of(f"http://{folder}"):
        hints["outlet_domain"] = domain_of(f"http://{folder}")
    for sidecar in sidecar_paths(path):
        if sidecar.is_file():
            hints.update(_read_sidecar(sidecar))
            break
    return hints


def _read_sidecar(path: Path) -> dict:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        logger.warning("ignoring sidecar %s: %s", path, exc)
        return {}
    if not isinstance(record, dict):
        return {}
    found = {}
    for hint, keys in SIDECAR_KEYS.items():
        value = next((record[k] for k in keys if record.get(k) not in (None, "")), None)
        if value is not None:
            found[hint] = value
    return found
