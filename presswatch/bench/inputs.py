"""Benchmark inputs made from the bundled corpus: one drop folder per input format, and large
streams (a crawler JSONL dump, a web archive) of any size for the memory benchmark."""

from __future__ import annotations

import gzip
import io
import json
import random
from collections.abc import Iterator
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

CORPUS = Path("eval/corpus")
FORMATS = ("text", "html", "jsonl", "warc")


def load_pages(corpus: Path = CORPUS) -> list[dict]:
    """Each corpus page: gold fields plus the page as served (html) and as a text dump (text)."""
    with gzip.open(corpus / "gold.json.gz", "rt", encoding="utf-8") as handle:
        gold = json.load(handle)
    return [
        {
            **page,
            "id": page_id,
            "html": gzip.decompress((corpus / "html" / f"{page_id}.html.gz").read_bytes()),
            "text": gzip.decompress((corpus / "text" / f"{page_id}.txt.gz").read_bytes()),
        }
        for page_id, page in sorted(gold.items())
    ]


def make_drop(pages: list[dict], fmt: str, folder: Path) -> Path:
    """A drop folder holding the pages in one format: a file per page, or one crawl file."""
    folder.mkdir(parents=True)
    if fmt in ("text", "html"):
        suffix = "txt" if fmt == "text" else "html"
        for page in pages:
            (folder / f"{page['id']}.{suffix}").write_bytes(page[fmt])
    elif fmt == "jsonl":
        lines = (json.dumps(crawler_record(page)) + "\n" for page in pages)
        (folder / "crawl.jsonl").write_text("".join(lines), encoding="utf-8")
    elif fmt == "warc":
        with open(folder / "crawl.warc.gz", "wb") as handle:
            writer = WARCWriter(handle, gzip=True)
            for page in pages:
                writer.write_record(_response(writer, page["url"], page["html"], "text/html"))
    else:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return folder


def crawler_record(page: dict, html: bool = False) -> dict:
    """A record as news crawlers (news-please and the like) write them: extracted text, and
    optionally the raw page beside it, as many dumps keep it."""
    record = {
        "url": page["url"],
        "title": page["title"],
        "maintext": page["body"],
        "date_publish": page.get("date"),
        "source_domain": page.get("domain"),
    }
    return {**record, "raw_html": page["html"].decode("utf-8", "replace")} if html else record


def write_jsonl(path: Path, pages: list[dict], size: int, seed: int = 7) -> int:
    """A crawler dump of about `size` bytes: corpus records with their raw pages, each made a
    distinct article (its own url and a varied first sentence). Returns the record count."""
    rng = random.Random(seed)
    written = records = 0
    with open(path, "w", encoding="utf-8") as handle:
        for page in _varied(pages, rng):
            line = json.dumps(crawler_record(page, html=True)) + "\n"
            handle.write(line)
            written, records = written + len(line.encode()), records + 1
            if written >= size:
                return records
    return records


def write_warc(path: Path, pages: list[dict], size: int, html_share: float = 0.1) -> int:
    """A web archive of about `size` bytes as crawls are: most bytes in the images around the
    HTML pages (`html_share` of the bytes). Returns the number of HTML responses."""
    rng = random.Random(11)
    asset = rng.randbytes(400_000)  # incompressible, like a JPEG
    html_bytes = pages_written = 0
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for page in _varied(pages, rng):
            writer.write_record(_response(writer, page["url"], page["html"], "text/html"))
            html_bytes, pages_written = html_bytes + len(page["html"]), pages_written + 1
            while handle.tell() < html_bytes / html_share and handle.tell() < size:
                url = f"{page['url']}/img-{rng.randrange(10**9)}.jpg"
                writer.write_record(_response(writer, url, asset, "image/jpeg"))
            if handle.tell() >= size:
                return pages_written
    return pages_written


def _varied(pages: list[dict], rng: random.Random) -> Iterator[dict]:
    """The corpus pages over and over, each time a new article (not a copy of an earlier one)."""
    for round_no in range(10**9):
        for page in pages:
            lead = f"Update {round_no}: {rng.choice(pages)['title']}."
            body = f"{lead}\n\n{page['body']}"
            html = page["html"].replace(b"<body", f"<body data-round='{round_no}'".encode(), 1)
            yield {**page, "url": f"{page['url']}?r={round_no}", "body": body, "html": html}


def _response(writer: WARCWriter, url: str, body: bytes, content_type: str):
    headers = StatusAndHeaders(
        "200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))],
        protocol="HTTP/1.1",
    )  # fmt: skip
    return writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=headers
    )
