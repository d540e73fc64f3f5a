"""WARC input: each HTML response is an article, read as a stream in resumable chunks."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from presswatch.lake.tables import Lake

CORPUS = Path(__file__).parent.parent / "eval" / "corpus" / "html"
PAGES = {  # corpus page -> the URL it was fetched from
    "098bb3e96c0acdf3": "https://www.latimes.com/business/story/2019-11-19/disney-plus-glitches",
    "921019755f4a96ac": "https://news.sky.com/story/jose-mourinho-11865010",
    "39d5c43beb60605c": "https://www.deccanherald.com/business/beijing-tariff-demands-775002.html",
}


def write_warc(path: Path) -> None:
    """A crawl as CC-NEWS stores it: requests, responses (HTML and not) and metadata."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for page, url in PAGES.items():
            html = gzip.decompress((CORPUS / f"{page}.html.gz").read_bytes())
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            writer.write_record(_response(writer, url, html, "text/html; charset=utf-8"))
        writer.write_record(_response(writer, "https://x.org/a.png", b"\x89PNG", "image/png"))
        moved = StatusAndHeaders("301 Moved", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "https://x.org/old", "response", payload=io.BytesIO(b"<a>"), http_headers=moved
            )
        )


def _response(writer, url: str, body: bytes, content_type: str):
    headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    return writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=headers
    )


@pytest.fixture
def warc_drop(tmp_path) -> Path:
    drop = tmp_path / "drop"
    drop.mkdir()
    write_warc(drop / "crawl.warc.gz")
    return drop


def test_each_html_response_of_an_archive_is_an_article(run_ingest, warc_drop, query):
    counts = run_ingest(warc_drop)
    assert (counts["files"], counts["accepted"], counts["quarantined"]) == (1, 3, 0)
    rows = query("select url, outlet_domain, format from articles order by source_record")
    assert rows == [
        (url, domain, "html")
        for url, domain in zip(
            PAGES.values(), ["latimes.com", "sky.com", "deccanherald.com"], strict=True
        )
    ]


def test_an_archive_is_committed_in_chunks_and_resumes_after_a_crash(
    run_ingest, warc_drop, query, monkeypatch
):
    monkeypatch.setenv("PRESSWATCH_BATCH_SIZE", "2")
    run_ingest(warc_drop)
    assert query("select outcome, accepted from ingest_log order by ingested_at, outcome") == [
        ("partial", 2),
        ("ingested", 1),
    ]
    # Undo the last chunk's commit as a crash before its ledger file would have.
    lake = Lake(run_ingest.data)
    last = max(p for p in lake.table_dir("ledger").glob("2*.parquet"))
    last.unlink()
    assert query("select count(*) from articles") == [(2,)]

    counts = run_ingest(warc_drop)
    assert counts["accepted"] == 1
    assert query("select count(*), count(distinct source_record) from articles") == [(3, 3)]
    assert run_ingest(warc_drop)["accepted"] == 0


def test_a_truncated_archive_keeps_the_records_before_the_damage(run_ingest, warc_drop, query):
    whole = (warc_drop / "crawl.warc.gz").read_bytes()
    (warc_drop / "crawl.warc.gz").write_bytes(whole[: int(len(whole) * 0.6)])
    counts = run_ingest(warc_drop)
    assert counts["accepted"] >= 1
    assert query("select reasons from quarantine") == [(["corrupt_archive"],)]
