"""The ingest flow end to end: real Prefect flow runs, GX, Parquet and DuckDB."""

from __future__ import annotations

import gzip
import shutil

import pytest

from tests.conftest import FIXTURES, SEEDS

ARTICLE_COLUMNS = (
    "select title, outlet, outlet_domain, published_date::varchar, date_source, authors, wire, "
    "dateline, language, body from articles where source_file = ?"
)


@pytest.fixture
def seeds_ingested(run_ingest, seed_drop, query):
    counts = run_ingest(seed_drop)
    assert counts["accepted"] == 5, counts

    def article(name: str) -> dict:
        keys = ARTICLE_COLUMNS[7:].split(" from")[0].replace("::varchar", "").split(", ")
        (row,) = query(ARTICLE_COLUMNS.replace("?", f"'{name}'"))
        return dict(zip(keys, row, strict=True))

    return article


def test_seeds_are_parsed_into_the_contract_columns(seeds_ingested):
    first = seeds_ingested("000_e605da13b5ab10b6.txt")
    assert first["title"] == (
        "North Korea’s Kim Jong Un may meet with Putin in Russia this month, US official says"
    )
    assert (first["outlet"], first["published_date"]) == ("MoneyBase", "2025-04-27")
    assert (first["wire"], first["dateline"], first["language"]) == ("AP", "WASHINGTON", "en")

    second = seeds_ingested("002_e27c09a525c71061.txt")
    assert (second["outlet"], second["published_date"]) == ("WealthTrack", "2025-04-07")

    reuters = seeds_ingested("004_60cfb84bfab2d6d6.txt")
    assert reuters["title"] == "North Korean leader Kim to meet Putin in Russia this month - NYT"
    assert (reuters["wire"], reuters["published_date"]) == ("Reuters", "2023-09-05")
    assert reuters["authors"] == ["Jasper Ward", "Kanishka Singh"]


def test_seed_without_outlet_or_date_leaves_them_null(seeds_ingested):
    unknown = seeds_ingested("001_4b262a0b457e2259.txt")
    assert (unknown["outlet"], unknown["outlet_domain"]) == (None, None)
    assert (unknown["published_date"], unknown["date_source"]) == (None, None)


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_seed_bodies_keep_the_story_and_drop_the_page_chrome(seeds_ingested, name):
    body = seeds_ingested(name)["body"]
    lines = {line.strip() for line in body.splitlines()}
    chrome = {
        "Related",
        "Ranking",
        "Recommendation",
        "Next In World",
        "Advertisement",
        "Log In",
        "MENU",
        "• MENU",
        "Others Also Read",
        "View",
    }
    assert not lines & chrome
    assert "Usha Vance" not in body and "Blue Bloods" not in body
    page = (SEEDS / name).read_text(encoding="utf-8")
    # Every story paragraph (a long line mentioning the story's people) is kept whole.
    captions = ("FILE", "North Korean leader Kim Jong Un meets")
    story = [
        line.strip()
        for line in page.splitlines()
        if len(line.split()) > 25
        and ("Kim" in line or "Kirby" in line or "Shoigu" in line)
        and not line.strip().startswith(captions)
    ]
    assert story
    for paragraph in story:
        assert paragraph in body


def test_bad_inputs_are_quarantined_with_a_reason_and_good_ones_go_on(run_ingest, seed_drop, query):
    bad = seed_drop / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "random.html").write_bytes(bytes(range(256)) * 16)
    (bad / "truncated.txt.gz").write_bytes(
        gzip.compress((SEEDS / "000_e605da13b5ab10b6.txt").read_bytes())[:200]
    )
    (bad / "broken-utf8.txt").write_bytes("Kim Jong Un – Putin".encode() + b"\xc3\x28 \xa0\xa1" * 5)
    (bad / "status.json").write_text('{"status": "ok", "items": 3}')
    (bad / "login.html").write_text(
        "<html><head><title>Sign in</title></head><body><form>"
        "<input name=user><button>Log in</button></form></body></html>"
    )
    (bad / "slides.pptx").write_bytes(b"PK\x03\x04 not an article")
    shutil.copy(FIXTURES / "crawl.jsonl", seed_drop / "crawl.jsonl")

    counts = run_ingest(seed_drop)

    assert (counts["accepted"], counts["quarantined"]) == (7, 8)
    reasons = {
        f"{source}#{record}": codes
        for source, record, codes in query(
            "select source_file, source_record, reasons from quarantine"
        )
    }
    assert reasons == {
        "bad/empty.txt#0": ["empty_file"],
        "bad/random.html#0": ["binary_content"],
        "bad/truncated.txt.gz#0": ["corrupt_gzip"],
        "bad/broken-utf8.txt#0": ["invalid_utf8"],
        "bad/status.json#0": ["not_an_article"],
        "bad/login.html#0": ["body_too_short"],  # it has a <title>, but no article text
        "bad/slides.pptx#0": ["unsupported_format"],
        "crawl.jsonl#1": ["invalid_json"],
    }
    good_lines = query(
        "select source_record, outlet_domain from articles "
        "where source_file = 'crawl.jsonl' order by 1"
    )
    assert good_lines == [(0, "rt.com"), (2, "foxbusiness.com")]


def test_rerun_adds_nothing_and_a_copy_counts_as_duplicate(run_ingest, seed_drop, query):
    run_ingest(seed_drop)
    again = run_ingest(seed_drop)
    assert (again["accepted"], again["quarantined"], again["unchanged"]) == (0, 0, 5)

    shutil.copy(seed_drop / "000_e605da13b5ab10b6.txt", seed_drop / "copy-of-000.txt")
    third = run_ingest(seed_drop)
    assert (third["accepted"], third["duplicates"]) == (0, 1)
    assert query("select count(*) from articles") == [(5,)]
    assert query("select duplicate_of from ingest_log where source_file = 'copy-of-000.txt'") == [
        ("000_e605da13b5ab10b6.txt",)
    ]


def test_a_copy_in_the_batch_after_its_original_is_a_duplicate(
    run_ingest, seed_drop, query, monkeypatch
):
    # One file per batch: the copy is known from the ledger of the batch just committed.
    monkeypatch.setenv("PRESSWATCH_BATCH_SIZE", "1")
    shutil.copy(seed_drop / "000_e605da13b5ab10b6.txt", seed_drop / "000_f-copy.txt")
    counts = run_ingest(seed_drop)
    assert (counts["accepted"], counts["duplicates"], counts["files"]) == (5, 1, 6)
    assert query("select count(*) from articles") == [(5,)]
    assert query("select duplicate_of from ingest_log where source_file = '000_f-copy.txt'") == [
        ("000_e605da13b5ab10b6.txt",)
    ]


def test_changed_bytes_under_the_same_name_are_a_new_version(run_ingest, seed_drop, query):
    run_ingest(seed_drop)
    page = seed_drop / "004_60cfb84bfab2d6d6.txt"
    page.write_text(page.read_text(encoding="utf-8").replace("this month", "in September"))
    counts = run_ingest(seed_drop)
    assert counts["accepted"] == 1
    assert query(
        "select count(*) from articles where source_file = '004_60cfb84bfab2d6d6.txt'"
    ) == [(2,)]


def test_each_run_publishes_a_prefect_artifact_of_what_it_did(run_ingest, seed_drop):
    import httpx
    from prefect.settings import PREFECT_API_URL

    (seed_drop / "empty.txt").write_bytes(b"")
    run_ingest(seed_drop)
    # The API itself: prefect 3.8.8's client sends nulls its own server refuses for this filter.
    query = {"artifacts": {"key": {"any_": ["presswatch-ingest"]}}, "sort": "CREATED_DESC"}
    response = httpx.post(f"{PREFECT_API_URL.value()}/artifacts/filter", json=query)
    artifact = response.raise_for_status().json()[0]
    data = artifact["data"]
    assert "| 6 | 5 | 1 | 0 | 0 |" in data
    assert "| empty_file | 1 |" in data
    assert "| Kim Jong Un | 5 |" in data


def test_entities_can_be_turned_off_for_speed(run_ingest, seed_drop, query, monkeypatch):
    monkeypatch.setenv("PRESSWATCH_ENTITIES", "off")
    assert run_ingest(seed_drop)["accepted"] == 5
    assert query("select count(*) from entities") == [(0,)]
    # Stories need entities to join different write-ups; copies are still found by their text.
    assert query("select count(distinct copy_group) from articles") == [(4,)]


def test_a_misspelt_setting_is_refused_with_its_name(monkeypatch):
    from presswatch.settings import Settings

    monkeypatch.setenv("PRESSWATCH_ENTITIES", "maybe")
    with pytest.raises(ValueError, match="PRESSWATCH_ENTITIES='maybe' is not a valid bool"):
        Settings.from_env()


def test_a_long_ingest_shows_progress_lines_when_not_on_a_terminal(cli, seed_drop, tmp_path):
    run = cli("ingest", str(seed_drop), "--data", str(tmp_path / "data"), PRESSWATCH_BATCH_SIZE="2")
    out, err = run.communicate(timeout=300)
    assert run.returncode == 0, err
    assert "ingest: 5/5 files (100%" in err and "5 articles" in err
    assert "\r" not in err  # plain lines, not a bar, in a pipe
    assert out.startswith("ingested 5 files: 5 accepted")


def test_without_a_server_runs_go_to_a_temporary_one_of_ours_without_heartbeats(prefect_server):
    import httpx
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    from presswatch.temporary_server import local_flow_runs

    configured = get_current_settings().api.url
    with local_flow_runs():  # the test server is configured: it is used, heartbeats stand
        assert get_current_settings().api.url == configured
        assert get_current_settings().flows.heartbeat_frequency is not None
    with temporary_settings(restore_defaults={PREFECT_API_URL}), local_flow_runs():
        settings = get_current_settings()
        temporary = settings.api.url
        assert temporary.startswith("http://127.0.0.1:") and temporary != configured
        assert httpx.get(f"{temporary}/health").status_code == 200
        assert settings.flows.heartbeat_frequency is None
    with pytest.raises(httpx.ConnectError):  # stopped with the block
        httpx.get(f"{temporary}/health")


def test_an_ingest_prints_presswatch_lines_only_and_verbose_shows_the_libraries(
    cli, seed_drop, tmp_path
):
    (seed_drop / "login.html").write_text(  # trafilatura warns "discarding data" on it
        "<html><head><title>Sign in</title></head><body><form>"
        "<input name=user><button>Log in</button></form></body></html>"
    )
    run = cli("ingest", str(seed_drop), "--data", str(tmp_path / "quiet"))
    out, err = run.communicate(timeout=300)
    assert run.returncode == 0, err
    assert out.splitlines() == [
        "ingested 6 files: 5 accepted, 1 quarantined, 0 duplicates, 0 already ingested",
        "quarantine reasons: body_too_short 1",
    ]
    assert err.splitlines() == [f"6 new or changed files in {seed_drop}"]

    loud = cli("-v", "ingest", str(seed_drop), "--data", str(tmp_path / "loud"))
    out, err = loud.communicate(timeout=300)
    assert loud.returncode == 0, err
    assert "discarding data" in err  # the library's own warning
    assert "Finished in state Completed" in err  # Prefect's flow-run log
