"""`presswatch report --out`: one HTML page whose charts, laid out by headless Chromium, show the
lake's own numbers as the views count them."""

from __future__ import annotations

import gzip
import json
import shutil
import struct
import subprocess
import zlib
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from presswatch import cli
from tests.conftest import FIXTURES, SEEDS

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
BROWSER_TIMEOUT = 60  # seconds; a page load takes about 2
WINDOW = (1280, 2000)
CHARTS = ("articles-per-day", "top-entities", "largest-stories", "quarantine-reasons")
HOSTILE_TITLE = "<script>document.title = 'pwned'</script>Bolivia: <b>three</b> killed"
HOSTILE_OUTLET = "<img src=x onerror=alert(1)> & Co"
SEED_NAMES = sorted(p.name for p in SEEDS.glob("*.txt"))
BAD_FILES = {  # name: bytes, each quarantined with a known reason
    "bad/empty.txt": b"",
    "bad/blank.txt": b"   \n\n  \n",
    "bad/random.html": bytes(range(256)) * 16,
    "bad/status.json": b'{"status": "ok", "items": 3}',
    "bad/slides.pptx": b"PK\x03\x04 not an article",
}
REASONS = {  # of BAD_FILES, and crawl.jsonl's broken line
    "empty_file": 2,
    "binary_content": 1,
    "not_an_article": 1,
    "unsupported_format": 1,
    "invalid_json": 1,
}


@dataclass
class Rendered:
    dom: str  # the DOM after the page's script ran, as Chromium serialises it
    elements: list[tuple[str, dict[str, str]]]  # (tag, attributes) in document order
    screenshot: Path

    def with_attribute(self, name: str, tag: str | None = None) -> list[dict[str, str]]:
        return [a for t, a in self.elements if name in a and tag in (None, t)]


@pytest.fixture(scope="module")
def lake(prefect_server, tmp_path_factory) -> tuple[Path, Path]:
    """One real ingest: the seed story, a crawl, a copy with a hostile title and outlet, and bad
    files; then one more file that arrives too late for it. Returns (drop, data)."""
    from presswatch.flows.ingest import ingest

    root = tmp_path_factory.mktemp("report")
    drop, data = root / "drop", root / "data"
    shutil.copytree(SEEDS, drop)
    shutil.copy(FIXTURES / "crawl.jsonl", drop / "crawl.jsonl")
    record = json.loads((FIXTURES / "crawl.jsonl").read_text(encoding="utf-8").splitlines()[0])
    for key in ("url", "source_domain"):
        record.pop(key, None)
    # A day earlier than rt.com's: the copy is its story's first article, so its title heads it.
    record.update(title=HOSTILE_TITLE, outlet=HOSTILE_OUTLET, date_publish="2019-11-19 08:00:00")
    (drop / "hostile.json").write_text(json.dumps(record), encoding="utf-8")
    for name, content in BAD_FILES.items():
        (drop / name).parent.mkdir(exist_ok=True)
        (drop / name).write_bytes(content)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PRESSWATCH_MIN_FILE_AGE", "0")
        counts = ingest(str(drop), str(data))
    assert (counts["accepted"], counts["quarantined"]) == (8, 6), counts
    (drop / "late.txt.gz").write_bytes(gzip.compress((SEEDS / SEED_NAMES[0]).read_bytes()))
    return drop, data


@pytest.fixture(scope="module")
def browser() -> str:
    """Chromium, looked for before the ingest: CI must install it (`make browser`), never skip."""
    found = shutil.which("chromium") or shutil.which("/usr/bin/chromium")
    if found is None:
        pytest.fail("headless Chromium is missing (no `chromium` on PATH): run `make browser`")
    return found


@pytest.fixture(scope="module")
def page(browser, lake, tmp_path_factory) -> Rendered:
    """The report of the lake, opened by headless Chromium: the DOM dump and a screenshot."""
    drop, data = lake
    folder = tmp_path_factory.mktemp("page")
    out = folder / "report.html"
    assert cli.main(["report", "--data", str(data), "--out", str(out), "--drop", str(drop)]) == 0
    dom = run_browser(browser, folder, "--dump-dom", out.as_uri()).stdout
    screenshot = folder / "report.png"
    size = f"--window-size={WINDOW[0]},{WINDOW[1]}"
    run_browser(browser, folder, f"--screenshot={screenshot}", size, out.as_uri())
    return Rendered(dom, parse_elements(dom), screenshot)


def test_every_chart_is_laid_out_with_a_size(page):
    figures = {a["data-chart"]: a for a in page.with_attribute("data-chart", "figure")}
    assert set(figures) == set(CHARTS)
    for chart, figure in figures.items():
        width, height = int(figure["data-rendered-width"]), int(figure["data-rendered-height"])
        assert width > 400 and height > 20, (chart, width, height)


def test_articles_per_day_show_each_outlets_count(page, lake):
    bars = {
        (a["data-day"], a["data-outlet"]): int(a["data-value"])
        for a in page.with_attribute("data-outlet", "rect")
    }
    counted = sql(
        lake,
        "select published_date::varchar, coalesce(outlet_domain, outlet, '(unknown)'), "
        "count(*) from articles where published_date is not null group by all",
    )
    assert bars == {(day, outlet): n for day, outlet, n in counted}  # 9 outlets at most: no "other"
    assert HOSTILE_OUTLET in {outlet for _, outlet in bars}
    dots = {a["data-day"]: int(a["data-value"]) for a in page.with_attribute("data-series")}
    assert dots == dict_of(
        lake,
        "select published_date::varchar, stories from coverage_by_date "
        "where published_date is not null",
    )


def test_quarantine_chart_counts_records_per_reason(page, lake):
    bars = {a["data-reason"]: int(a["data-value"]) for a in page.with_attribute("data-reason")}
    assert bars == REASONS
    assert bars == dict_of(
        lake, "select reason, count(*) from (select unnest(reasons) as reason from quarantine) "
        "group by reason"
    )  # fmt: skip


def test_top_entities_show_their_counts_and_trend(page, lake):
    rows = [
        (a["data-entity"], a["data-label"], int(a["data-articles"]), int(a["data-stories"]),
         int(a["data-outlets"]))
        for a in page.with_attribute("data-entity", "tr")
    ]  # fmt: skip
    assert rows == sql(
        lake,
        "select name, label, articles, stories, outlets from coverage_by_entity "
        "order by articles desc, mentions desc, name, label limit 15",
    )
    assert rows[0][2] == 5  # the seed story's five articles name its people
    trend: dict[str, int] = {}
    for a in page.with_attribute("data-entity", "rect"):
        trend[a["data-entity"]] = trend.get(a["data-entity"], 0) + int(a["data-value"])
    dated = dict_of(
        lake,
        "select name, sum(articles)::int from entity_by_date "
        "where published_date is not null group by name",
    )
    assert trend == {name: dated[name] for name, *_ in rows if dated.get(name)}


def test_largest_story_comes_first_with_its_article_count(page, lake):
    stories = page.with_attribute("data-story", "tr")
    ((story_id, articles, outlets),) = sql(
        lake, "select story_id, articles, outlets from stories order by articles desc limit 1"
    )
    assert (stories[0]["data-story"], int(stories[0]["data-value"])) == (story_id, articles)
    assert (articles, int(stories[0]["data-outlets"])) == (5, outlets)
    assert [int(s["data-value"]) for s in stories] == sorted(
        (int(s["data-value"]) for s in stories), reverse=True
    )


def test_freshness_gives_the_last_ingest_and_totals(page, lake):
    metrics = {a["data-metric"]: a["data-value"] for a in page.with_attribute("data-metric")}
    ((last, files, in_progress),) = sql(
        lake,
        "select max(ingested_at), count(distinct source_file), "
        "count(*) filter (where outcome = 'partial') from ingest_log",
    )
    assert datetime.fromisoformat(metrics["last-ingest"]) == last
    assert int(metrics["files"]) == files == len(SEED_NAMES) + 2 + len(BAD_FILES)
    assert int(metrics["in-progress"]) == in_progress == 0
    assert int(metrics["waiting"]) == 1  # late.txt.gz, dropped after the ingest
    assert int(metrics["articles"]) == sql(lake, "select count(*) from articles")[0][0] == 8
    assert int(metrics["quarantined"]) == sql(lake, "select count(*) from quarantine")[0][0] == 6


def test_text_from_pages_is_escaped(page):
    assert page.dom.count("<script") == 1  # the report's own; the title's is text
    assert "&lt;script&gt;document.title = 'pwned'&lt;/script&gt;" in page.dom
    assert "<title>presswatch coverage report</title>" in page.dom
    assert not [a for t, a in page.elements if t == "img"]
    assert [
        a for a in page.with_attribute("data-outlet", "li") if a["data-outlet"] == HOSTILE_OUTLET
    ]


def test_screenshot_shows_the_page(page):
    width, height, pixels = read_png(page.screenshot)
    assert (width, height) == WINDOW
    # A blank page is a few distinct bytes, nearly all zero once PNG-filtered; charts are not.
    assert len(set(pixels)) > 64
    assert sum(1 for b in pixels[::7] if b) / len(pixels[::7]) > 0.005


def test_report_without_out_prints_the_views(lake, capsys):
    assert cli.main(["report", "--data", str(lake[1])]) == 0
    printed = capsys.readouterr().out
    assert "coverage_by_outlet" in printed and "MoneyBase" in printed


def test_report_of_an_empty_lake_says_there_is_nothing_yet(run_ingest, tmp_path):
    drop = tmp_path / "empty-drop"
    drop.mkdir()
    run_ingest(drop)
    out = tmp_path / "report.html"
    assert cli.main(["report", "--data", str(run_ingest.data), "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert 'data-state="empty"' in html and "Nothing yet" in html
    assert "data-chart=" not in html


def test_report_before_any_ingest_asks_for_one(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert cli.main(["report", "--data", str(tmp_path / "none"), "--out", str(out)]) == 2
    assert "run `presswatch ingest DROP` first" in capsys.readouterr().err
    assert not out.exists()


def run_browser(browser: str, folder: Path, *args: str) -> subprocess.CompletedProcess:
    profile = folder / f"chromium-profile-{len(list(folder.glob('chromium-profile-*')))}"
    done = subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=BROWSER_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))


def parse_elements(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


def read_png(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the filtered scanlines of a PNG, with the stdlib only."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, size, chunks = 8, (0, 0), []
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    return size[0], size[1], zlib.decompress(b"".join(chunks))


def sql(data: tuple[Path, Path] | Path, query: str) -> list[tuple]:
    """The views, opened read-only as a user opens them: the independent count."""
    import duckdb

    folder = data[1] if isinstance(data, tuple) else data
    with duckdb.connect(str(folder / "presswatch.duckdb"), read_only=True) as con:
        return con.sql(query).fetchall()


def dict_of(data: tuple[Path, Path], query: str) -> dict:
    return dict(sql(data, query))
