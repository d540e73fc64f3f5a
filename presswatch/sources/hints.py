"""Hints scrapers leave beside an article: a NAME.meta.json sidecar and a domain-named folder."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from presswatch.extract.metadata import domain_of
from presswatch.lake.storage import is_remote
from presswatch.model import InputFile
from presswatch.sources import intake
from presswatch.sources.read import parse_json

logger = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.json"
SIDECAR_MAX_BYTES = 1_000_000  # a few keys: a larger sidecar is not one
SIDECAR_MAX_DEPTH = 8
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


def find_hints(item: InputFile) -> dict:
    """url, outlet, published_at and outlet_domain hints for one input (absent when not given).

    A sidecar is read like any input of the drop folder (presswatch.sources.intake), and
    bounded: one that leads out of the folder, is too large or is not JSON is ignored with a
    warning.
    """
    hints: dict = {}
    folder = item.source_file.split("/")[0] if "/" in item.source_file else ""
    if DOMAIN_NAME.match(folder) and domain_of(f"http://{folder}"):
        hints["outlet_domain"] = domain_of(f"http://{folder}")
    drop = item.drop if is_remote(item.drop) else Path(item.drop or item.path.parent.resolve())
    for path in sidecar_paths(item.path):
        sidecar = intake.inspect(path, drop)
        if sidecar is not None:
            hints.update(_read_sidecar(sidecar))
            break
    return hints


def _read_sidecar(sidecar: InputFile) -> dict:
    try:
        if sidecar.refusal:
            raise ValueError(sidecar.refusal[1])
        data, _ = intake.read_bytes(sidecar, SIDECAR_MAX_BYTES)
        if data is None:
            raise ValueError(f"over {SIDECAR_MAX_BYTES} bytes")
        record = parse_json(data.decode("utf-8"), SIDECAR_MAX_DEPTH)
    except (OSError, ValueError, intake.Refused, intake.StillWriting) as exc:
        logger.warning("ignoring sidecar %s: %s", sidecar.source_file, exc)
        return {}
    if not isinstance(record, dict):
        return {}
    found = {}
    for hint, keys in SIDECAR_KEYS.items():
        value = next((record[k] for k in keys if record.get(k) not in (None, "")), None)
        if value is not None:
            found[hint] = value
    return found
