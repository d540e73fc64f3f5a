"""Scraper hints: a NAME.meta.json sidecar and a domain-named folder fill what a page lacks."""

from __future__ import annotations

import json
import shutil

from tests.conftest import SEEDS

DUMP = "001_4b262a0b457e2259.txt"  # names no outlet and no date


def test_sidecar_gives_url_outlet_and_date(run_ingest, tmp_path, query):
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(SEEDS / DUMP, drop / DUMP)
    sidecar = {
        "url": "https://www.latimes.com/world-nation/story/2023-09-04/kim-putin",
        "outlet": "Los Angeles Times",
        "published_at": "2023-09-04T21:10:00-07:00",
    }
    (drop / f"{DUMP}.meta.json").write_text(json.dumps(sidecar))

    counts = run_ingest(drop)

    assert counts["files"] == 1  # the sidecar is a hint, not an input
    assert query(
        "select url, outlet, outlet_domain, published_at::varchar, date_source from articles"
    ) == [(sidecar["url"], "Los Angeles Times", "latimes.com", "2023-09-05 04:10:00+00", "sidecar")]


def test_domain_named_folder_gives_the_outlet_domain(run_ingest, tmp_path, query):
    drop = tmp_path / "drop"
    (drop / "latimes.com").mkdir(parents=True)
    (drop / "notes").mkdir()
    shutil.copy(SEEDS / DUMP, drop / "latimes.com" / DUMP)
    shutil.copy(SEEDS / "003_68708e0f9fd718b5.txt", drop / "notes" / "003.txt")

    run_ingest(drop)

    assert query("select source_file, outlet_domain from articles order by 1") == [
        (f"latimes.com/{DUMP}", "latimes.com"),
        ("notes/003.txt", None),
    ]
