"""Settings: one typed object, overridable from the environment (PRESSWATCH_<FIELD>)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

ENV_PREFIX = "PRESSWATCH_"
VIEWS_FILE = "presswatch.duckdb"
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
    data: Path | str = field(default_factory=lambda: Path("data"))
    """The data directory: the Parquet lake and presswatch.duckdb live here. A local path, or
    s3://bucket/prefix on any S3-compatible store (see presswatch.lake.storage)."""
    views: str = ""
    """The views file (a DuckDB database holding only views): by default DATA/presswatch.duckdb,
    or ./presswatch.duckdb when the data directory is in a bucket."""
    dask_address: str = ""
    """A Dask scheduler (tcp://host:8786): the CPU stages of each batch (extraction, entities)
    run on its workers. Empty: they run on this machine's cores."""
    batch_size: int = 200
    """Files per batch: one batch is read, parsed, validated and committed as one unit."""
    min_file_age: float = 2.0
    """Seconds a file's size and mtime must hold still before a scan counts it as ready."""
    max_file_bytes: int = 50_000_000
    """A file read whole (not a stream) may hold this many bytes, also once gunzipped; larger
    ones are quarantined (too_large) unread. Streams are bounded by max_stream_bytes."""
    max_record_bytes: int = 16_000_000
    """One page, record or JSONL line: larger ones are quarantined (too_large). The largest page
    of 1,358 real ones of 1,200 sites (../shared/wcxb) is 5.3 MB of HTML."""
    max_stream_bytes: int = 20_000_000_000
    """A streamed input (web archive, large JSONL) is read up to this many bytes (gunzipped);
    the rest is quarantined (too_large)."""
    max_records_per_file: int = 1_000_000
    """Records read from one file (JSON list, JSONL, web archive); the rest is quarantined
    (too_many_records) in one row."""
    max_json_depth: int = 64
    """Nesting of a JSON record; deeper ones are invalid_json (Python's parser stops near 1,000)."""
    max_body_chars: int = 1_000_000
    """An extracted body longer than this is quarantined (too_large); the longest of 1,358 real
    pages is 50,000 characters."""
    max_ner_chars: int = 100_000
    """Entities are found in the first this many characters of an article's title and body."""
    max_seconds_per_file: float = 60.0
    """Seconds the extractor may spend on one file, or on one record of a multi-record file;
    over it, the input is quarantined (too_slow) and the run goes on. A page takes 20-100 ms."""
    max_extract_memory: int = 1_000_000_000
    """Bytes an extractor process may allocate beyond its start-up size; an input needing more
    is quarantined (too_large)."""
    max_batch_bytes: int = 200_000_000
    """A batch of files read whole is closed once it holds this many bytes (or batch_size
    files), so memory stays bounded whatever the files' sizes."""
    extract_processes: int = 0
    """Extractor processes (each input is extracted in one, bounded in time and memory);
    0 means one per core."""
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
    list_interval: float = 5.0
    """watch on a bucket (which sends no events): seconds between listings of the drop prefix."""
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
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.startswith("max_") and value <= 0:
                raise ValueError(f"{ENV_PREFIX}{f.name.upper()}={value}: must be more than 0")

    @property
    def limits(self) -> Limits:
        return Limits(**{f.name: getattr(self, f.name) for f in fields(Limits)})

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then PRESSWATCH_* variables, then explicit (non-None) overrides."""
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = os.environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None:
                values[f.name] = _coerce(f.type, raw, f.name)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "data" in values and not str(values["data"]).startswith("s3://"):
            values["data"] = Path(values["data"])
        return replace(cls(), **values)

    @property
    def views_file(self) -> Path:
        if self.views:
            return Path(self.views)
        if isinstance(self.data, str):  # a bucket: the views file is local
            return Path(VIEWS_FILE)
        return self.data / VIEWS_FILE


@dataclass(frozen=True)
class Limits:
    """The bounds on one input that every stage enforces (see Settings for each)."""

    max_file_bytes: int = Settings.max_file_bytes
    max_record_bytes: int = Settings.max_record_bytes
    max_stream_bytes: int = Settings.max_stream_bytes
    max_records_per_file: int = Settings.max_records_per_file
    max_json_depth: int = Settings.max_json_depth
    max_body_chars: int = Settings.max_body_chars
    max_ner_chars: int = Settings.max_ner_chars
    max_seconds_per_file: float = Settings.max_seconds_per_file
    max_extract_memory: int = Settings.max_extract_memory


DEFAULT_LIMITS = Limits()


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
