"""Validate: the Great Expectations suite in schemas/ decides which articles are accepted.

Each expectation's `meta.reason` is the code a failing row gets; its `meta.action` says whether
the row is quarantined or only the fields in `meta.clears` are set to NULL (the code then goes
to the article's `warnings`: an article is never lost for one bad field). The whole batch is
validated at once and failing rows are read from `unexpected_index_list`.
"""

from __future__ import annotations

import functools
import json
import logging
import os
from datetime import datetime
from importlib.resources import files

from presswatch.model import Rejection

logger = logging.getLogger(__name__)

SUITE_FILE = "article_suite.json"


@functools.cache
def load_suite() -> dict:
    return json.loads(files("presswatch.schemas").joinpath(SUITE_FILE).read_text(encoding="utf-8"))


@functools.cache
def load_validator():
    """(batch definition, suite) in an ephemeral GX context; built once per process."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # This module of GX sets its own logger to INFO and announces a docs folder we never use.
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    spec = load_suite()
    suite = context.suites.add(
        ExpectationSuite(name=spec["name"], expectations=spec["expectations"])
    )
    asset = context.data_sources.add_pandas("presswatch").add_dataframe_asset("articles")
    return asset.add_batch_definition_whole_dataframe("batch"), suite


def validate_articles(rows: list[dict], now: datetime) -> tuple[list[dict], list[Rejection]]:
    """Split article rows into accepted rows (bad fields cleared, codes in `warnings`) and
    rejections that name every failed rule."""
    if not rows:
        return [], []
    import pandas as pd

    frame = pd.DataFrame(
        {
            "article_id": [r["article_id"] for r in rows],
            "title": [r["title"] for r in rows],
            "word_count": [r["word_count"] for r in rows],
            "language": [r["language"] for r in rows],
            "url": [r["url"] for r in rows],
            "outlet_domain": [r["outlet_domain"] for r in rows],
            "days_before_ingest": [
                (now - r["published_at"]).total_seconds() / 86400 if r["published_at"] else None
                for r in rows
            ],
        }
    )
    batch_definition, suite = load_validator()
    result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
        suite, result_format={"result_format": "COMPLETE"}
    )
    failures: dict[int, list[dict]] = {}
    for outcome in result.results:
        if outcome.success:
            continue
        meta = outcome.expectation_config.meta or {}
        rule = {"reason": meta.get("reason", outcome.expectation_config.type),
                "detail": meta.get("detail", ""), "action": meta.get("action", "quarantine"),
                "clears": meta.get("clears", [])}  # fmt: skip
        for index in outcome.result.get("unexpected_index_list") or []:
            failures.setdefault(int(index), []).append(rule)
    accepted, rejected = [], []
    for i, row in enumerate(rows):
        found = failures.get(i, [])
        if any(rule["action"] == "quarantine" for rule in found):
            rejected.append(_rejection(row, found))
        else:
            accepted.append(_cleared(row, found))
    return accepted, rejected


def _cleared(row: dict, found: list[dict]) -> dict:
    """The row with the fields of its failed "clear" rules set to NULL, the codes in warnings."""
    row = {**row, "warnings": [*(row.get("warnings") or []), *(r["reason"] for r in found)]}
    for rule in found:
        row.update(dict.fromkeys(rule["clears"]))
    return row


def _rejection(row: dict, found: list[dict]) -> Rejection:
    detail = "; ".join(rule["detail"] or rule["reason"] for rule in found)
    if row.get("title"):
        detail += f" (title: {row['title'][:80]!r})"
    return Rejection(
        row["source_file"],
        row["source_record"],
        row["format"],
        row["content_hash"],
        [rule["reason"] for rule in found],
        detail,
    )
