"""Settings: one typed object, overridable from the environment (PRESSWATCH_<FIELD>)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

ENV_PREFIX = "PRESSWATCH_"
CLEAN_SOURCE = ("keep", "move", "delete")
# Third-party defaults for our commands, set before those libraries are imported: no analytics
# calls; Prefect logs errors only (its shutdown notes, such as "Still processing items", are
# noise on a command's output) unless the command is verbose.
NO_ANALYTICS = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "false"}
QUIET_LOGS = {"PREFECT_LOGGING_LEVEL": "ERROR", "PREFECT_SERVER_LOGGING_LEVEL": "ERROR"}


def set_quiet_defaults(verbose: bool = False) -> None:
    """Apply these defaults where the user has not set the variable."""
    for key, value in (NO_ANALYTICS if verbose else NO_ANALYTICS | QUIET_LOGS).items():
        os.environ.setdefault(key, value)


@dataclass(frozen=True)
class Settings:
    data: Path = field(default_factory=lambda: Path("data"))
    """The data directory: the Parquet lake and presswatch.duckdb live here."""
    batch_size: int = 200
    """Files per batch: one batch is read, parsed, validated and committed as one unit."""
    min_file_age: float = 2.0
    """Seconds a file's size and mtime must hold still before a scan counts it as ready."""
    max_file_bytes: int = 50_000_000
    """Larger non-archive files are quarantined instead of being read into memory."""
    entities: bool = True
    """Find named entities (spaCy). Off is about twice as fast; the entity views stay empty and
    stories group copies only (joining different write-ups of a story takes their entities)."""
    ner_processes: int = 0
    """Processes for named-entity recognition; 0 means every core for batches of 50 articles or
    more and one below (starting workers costs more than small batches gain)."""
    max_files_per_trigger: int = 500
    """watch: the most files one micro-batch takes (Spark's maxFilesPerTrigger)."""
    trigger_interval: float = 0.25
    """watch: seconds to gather more arrivals after the first one before a micro-batch starts."""
    rescan_interval: float = 30.0
    """watch: seconds between full rescans of the drop folder, the safety net for lost events."""
    clean_source: str = "keep"
    """What becomes of an ingested file: keep (leave it), move (to processed/ or rejected/ with a
    .reason file) or delete. The ledger, not the file's place, records what was done."""
    processed_dir: str = "processed"
    """clean_source=move: where ingested files go; relative paths are inside the drop folder."""
    rejected_dir: str = "rejected"
    """clean_source=move: where files that gave no article go, each beside NAME.reason."""

    def __post_init__(self) -> None:
        if self.clean_source not in CLEAN_SOURCE:
            raise ValueError(
                f"clean_source={self.clean_source!r}: choose one of {', '.join(CLEAN_SOURCE)}"
            )

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then PRESSWATCH_* variables, then explicit (non-None) overrides."""
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = os.environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None:
                values[f.name] = _coerce(f.type, raw, f.name)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "data" in values:
            values["data"] = Path(values["data"])
        return replace(cls(), **values)


def _coerce(type_name: str, raw: str, name: str) -> object:
    try:
        return {"int": int, "float": float, "bool": _flag}.get(type_name, str)(raw)
    except ValueError:
        raise ValueError(f"{ENV_PREFIX}{name.upper()}={raw!r} is not a valid {type_name}") from None


def _flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)
