"""Settings: one typed object, overridable from the environment (PRESSWATCH_<FIELD>)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

ENV_PREFIX = "PRESSWATCH_"
# Quiet third-party defaults for our commands, set before those libraries are imported.
QUIET_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
}


def set_quiet_defaults() -> None:
    """Apply QUIET_ENV where the user has not set the variable."""
    for key, value in QUIET_ENV.items():
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
        return {"int": int, "float": float}.get(type_name, str)(raw)
    except ValueError:
        raise ValueError(f"{ENV_PREFIX}{name.upper()}={raw!r} is not a valid {type_name}") from None
