"""The fault model: hostile input and faults, and what becomes of each. Nothing stops a run.

The classes, each with its cases below:
- Poison pills (input that used to raise in a stage and end the batch): deep or huge-number
  JSON, a body past spaCy's limit, a UTC offset of days, a file name that is not UTF-8. Any
  exception on one input is that input's quarantine row (extraction_error, with the stage and
  the exception's type: tests/test_hostile_text.py and the sandbox cases); these get their
  own reason or are accepted whole.
- Unbounded input: files, pages, lines, records and gunzipped bytes past their bound
  (Settings.max_*) are too_large or too_many_records, read in bounded memory; an input that
  takes too long is too_slow, one that needs too much memory too_large (the sandbox).
- Super-linear patterns in the text cleaner: fixed (tests/test_hostile_text.py); here, a
  story beside each pattern's worst case is still accepted.
- Reading outside the drop folder: links out of it, special files and pseudo files are
  quarantined outside_drop or not_a_regular_file without being opened; --data is no glob.
- Faults of the warehouse: a views file is replaced only when complete; a damaged lake file is
  set aside with its batch and its inputs read again; the ledger's key holds the drop folder
  and what was read.
Every file is real and sits beside a good seed, which always lands; every run is a real
`presswatch ingest` process that exits 0, and a second run adds nothing.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SEEDS

SEED = SEEDS / "004_60cfb84bfab2d6d6.txt"  # Reuters, 2023-09-05: the story that must land
STORY = SEED.read_text(encoding="utf-8")
ACCEPTED = "accepted"


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path, Path], None]  # (drop folder, a folder outside it) -> files in drop
    expect: dict[str, object]  # source_file -> "accepted" or the reasons of its quarantine rows


def write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


def record(**fields) -> str:
    return json.dumps({"url": "https://www.example.com/world/kim-putin", "title":
                       "Kim to meet Putin in Russia", "maintext": STORY, **fields})  # fmt: skip


def story(tag: str) -> str:
    """The seed's story with a line of its own (other bytes: not a duplicate of the seed)."""
    return f"{STORY}\n\nThis copy: {tag}.\n"


def story_beside(junk: str) -> str:
    """A text dump whose story sits below a line of junk."""
    return STORY.replace("\n\n", f"\n\n{junk}\n\n", 1)


def huge_number_record() -> str:
    return record()[:-1] + ', "n": ' + "1" * 5000 + "}"  # json.dumps refuses such an int


def warc_with_record_of(size: int) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    page = b"<html><body><p>" + b"a" * size + b"</p></body></html>"
    response = writer.create_warc_record(
        "https://x.org/huge", "response", payload=io.BytesIO(page), http_headers=headers
    )
    writer.write_record(response)
    return out.getvalue()


def gzip_stream(lines: int, line: bytes) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6) as handle:
        block = line * 10_000
        for _ in range(lines // 10_000):
            handle.write(block)
    return out.getvalue()


def make_socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays


CASES: list[Case] = []


def case(name: str, expect: dict[str, object]):
    """Register the decorated maker as a case of the table."""

    def register(make):
        CASES.append(Case(name, make, expect))
        return make

    return register


# Poison pills.
@case("json nested 100,000 deep", {"deep.json": ["invalid_json"]})
def _(drop, outside):
    write(drop / "deep.json", "[" * 100_000 + "]" * 100_000)


@case("json integer of 5,000 digits", {"bigint.json": ["invalid_json"]})
def _(drop, outside):
    write(drop / "bigint.json", huge_number_record())


@case("english body of 1.1 million characters", {"long.json": ["too_large"]})
def _(drop, outside):
    write(drop / "long.json", record(maintext=(STORY + "\n\n") * (1_100_000 // len(STORY) + 1)))


@case("sidecar offset of 99 hours", {"tz.txt": ACCEPTED})
def _(drop, outside):
    write(drop / "tz.txt", story("sidecar"))
    write(drop / "tz.txt.meta.json", '{"published_at": "2023-09-05T10:00:00+99:00"}')


@case("record offset of 99 hours", {"tz.json": ACCEPTED})
def _(drop, outside):
    write(drop / "tz.json", record(date_publish="2023-09-05T10:00:00+99:00"))


@case("file name not utf-8", {"bad\\xff.txt": ACCEPTED})
def _(drop, outside):
    write(Path(os.fsdecode(bytes(drop) + b"/bad\xff.txt")), story("name"))


# Super-linear patterns, each beside a story.
@case("a@ 4,000 times", {"at.txt": ACCEPTED})
def _(drop, outside):
    write(drop / "at.txt", story_beside("a@" * 4000))


@case("one 300,000-character token", {"token.txt": ACCEPTED})
def _(drop, outside):
    write(drop / "token.txt", story_beside("x" * 300_000))


@case("WASHINGTON and 10,000 spaces", {"spaces.txt": ACCEPTED})
def _(drop, outside):
    write(drop / "spaces.txt", story_beside("WASHINGTON" + " " * 10_000 + "x"))


@case("By and 80,000 characters", {"by.txt": ACCEPTED})
def _(drop, outside):
    write(drop / "by.txt", story_beside("By " + "Ab" * 40_000))


@case("80,000 em-dashes", {"dashes.txt": ACCEPTED})
def _(drop, outside):
    write(drop / "dashes.txt", story_beside("—" * 80_000))


# Unbounded input.
@case("40 MB of script", {"script.html": ["too_large"]})
def _(drop, outside):
    write(drop / "script.html", "<html><script>" + "x=1;" * 10_000_000 + "</script></html>")


@case("40 MB one-line page", {"oneline.html": ["too_large"]})
def _(drop, outside):
    write(drop / "oneline.html", "<p>" + "word " * 8_000_000 + "</p>")


@case("458 KB gzip of 450 MB", {"bomb.txt.gz": ["too_large"]})
def _(drop, outside):
    write(drop / "bomb.txt.gz", gzip_stream(45_000_000, b"aaaaaaaaa\n"))


@case("45 MB text dump", {"big.txt": ["too_large"]})
def _(drop, outside):
    write(drop / "big.txt", ("a" * 99 + "\n") * 450_000)


@case("web archive record of 200 MB", {"huge.warc.gz": ["too_large"]})
def _(drop, outside):
    write(drop / "huge.warc.gz", warc_with_record_of(200_000_000))


@case("gzipped JSONL whose first line is 200 MB", {"longline.jsonl.gz": ["too_large", ACCEPTED]})
def _(drop, outside):
    line = gzip.compress(b"\n" + record().encode() + b"\n")
    write(drop / "longline.jsonl.gz", gzip_stream(20_000, b"a" * 10_000) + line)


@case("150,000 tiny records", {"tiny.jsonl.gz": ["not_an_article", "too_many_records"]})
def _(drop, outside):
    write(drop / "tiny.jsonl.gz", gzip_stream(150_000, b'{"a": 1}\n'))


@case("garbage named .warc", {"garbage.warc": ["corrupt_archive"]})
def _(drop, outside):
    write(drop / "garbage.warc", "this is not an archive\nat all\n")


@case("empty .warc", {"empty.warc": ["empty_file"]})
def _(drop, outside):
    write(drop / "empty.warc", b"")


# Reading outside the drop folder.
@case("link to a secret outside", {"secret.txt": ["outside_drop"]})
def _(drop, outside):
    write(outside / "secret.txt", "SECRET " + STORY)
    os.symlink(outside / "secret.txt", drop / "secret.txt")


@case("link to /etc/passwd", {"passwd.txt": ["outside_drop"]})
def _(drop, outside):
    os.symlink("/etc/passwd", drop / "passwd.txt")


@case("link to /proc/self/status", {"status.txt": ["outside_drop"]})
def _(drop, outside):
    os.symlink("/proc/self/status", drop / "status.txt")


@case("link to a folder outside", {"linked": ["outside_drop"]})
def _(drop, outside):
    write(outside / "elsewhere" / "a.txt", story("elsewhere"))
    os.symlink(outside / "elsewhere", drop / "linked")


@case("link inside the folder", {"alias.txt": ACCEPTED, "real/story.txt": "duplicate"})
def _(drop, outside):
    write(drop / "real" / "story.txt", story("inside"))
    os.symlink(drop / "real" / "story.txt", drop / "alias.txt")


@case("dangling link", {"dangling.txt": ["not_a_regular_file"]})
def _(drop, outside):
    os.symlink(drop / "nowhere.txt", drop / "dangling.txt")


@case("link loop", {"loop-a.txt": ["not_a_regular_file"], "loop-b.txt": ["not_a_regular_file"]})
def _(drop, outside):
    os.symlink(drop / "loop-b.txt", drop / "loop-a.txt")
    os.symlink(drop / "loop-a.txt", drop / "loop-b.txt")


@case("named pipe", {"pipe.txt": ["not_a_regular_file"]})
def _(drop, outside):
    os.mkfifo(drop / "pipe.txt")


@case("socket", {"sock.txt": ["not_a_regular_file"]})
def _(drop, outside):
    make_socket(drop / "sock.txt")


def run_cli(
    *args: str, env: dict | None = None, timeout: float = 900
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "presswatch.cli", *args], capture_output=True, text=True,
        timeout=timeout, env={**os.environ, "PRESSWATCH_MIN_FILE_AGE": "0", **(env or {})},
    )  # fmt: skip


def sql(data: Path, query: str) -> list[tuple]:
    """A query's rows, as a user runs it: the views file opened read-only."""
    with duckdb.connect(str(data / "presswatch.duckdb"), read_only=True) as con:
        return con.sql(query).fetchall()


def outcomes(data: Path) -> dict[str, list]:
    """source_file -> what became of it: "accepted", "duplicate" and quarantine reasons."""
    found: dict[str, list] = {}
    with duckdb.connect(str(data / "presswatch.duckdb"), read_only=True) as con:
        for (source,) in con.sql("select source_file from articles").fetchall():
            found.setdefault(source, []).append(ACCEPTED)
        for source, reasons in con.sql("select source_file, reasons from quarantine").fetchall():
            found.setdefault(source, []).extend(reasons)
        duplicates = "select source_file from ingest_log where outcome = 'duplicate'"
        for (source,) in con.sql(duplicates).fetchall():
            found.setdefault(source, []).append("duplicate")
    return found


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory, prefect_server):
    """Every case in one drop folder beside the seed; one ingest, then a second."""
    from prefect.settings import PREFECT_API_URL

    root = tmp_path_factory.mktemp("hostile")
    drop, outside, data = root / "drop", root / "outside", root / "data"
    drop.mkdir()
    outside.mkdir()
    shutil.copy(SEED, drop / "seed.txt")
    for case in CASES:
        case.make(drop, outside)
    env = {"PREFECT_API_URL": PREFECT_API_URL.value(), "PRESSWATCH_MAX_RECORDS_PER_FILE": "100000"}
    first = run_cli("ingest", str(drop), "--data", str(data), env=env)
    second = run_cli("ingest", str(drop), "--data", str(data), env=env)
    return first, second, data


def test_the_run_ends_well_and_the_seed_lands(hostile_run):
    first, second, data = hostile_run
    assert first.returncode == 0, first.stderr
    assert outcomes(data)["seed.txt"] == [ACCEPTED]
    assert second.returncode == 0, second.stderr
    assert "0 accepted, 0 quarantined, 0 duplicates" in second.stdout  # each input once


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_hostile_input_gets_its_outcome(case, hostile_run):
    _, _, data = hostile_run
    found = outcomes(data)
    for source, expected in case.expect.items():
        got = sorted(set(found.get(source, [])))
        wanted = sorted(set([expected] if isinstance(expected, str) else expected))
        assert got == wanted, f"{source}: {found.get(source)}"


def test_nothing_outside_the_drop_folder_is_read(hostile_run):
    _, _, data = hostile_run
    texts = sql(data, "select string_agg(body, ' ') from articles union all "
                      "select string_agg(detail, ' ') from quarantine")  # fmt: skip
    text = " ".join(t or "" for (t,) in texts)
    assert "SECRET" not in text and "root:" not in text and "VmRSS" not in text


def test_the_tiny_records_are_read_in_bounded_chunks_to_their_limit(hostile_run):
    _, _, data = hostile_run
    rows = sql(data, "select count(*), count(distinct batch_id) from quarantine "
                     "where source_file = 'tiny.jsonl.gz'")  # fmt: skip
    # 100,000 records in chunks of 10,000 (they are no articles: records of any kind count),
    # then the row that stands for those past the limit.
    assert rows == [(100_001, 11)]


def test_a_date_with_an_offset_of_days_is_left_out_not_the_article(hostile_run):
    _, _, data = hostile_run
    rows = dict(sql(data, "select source_file, date_source from articles "
                          "where source_file like 'tz.%'"))  # fmt: skip
    assert rows == {"tz.txt": "text:header", "tz.json": None}  # the page's own date; none


def big_page(megabytes: int) -> str:
    """A plain page of many paragraphs: slow and large to parse, nothing hostile in it."""
    paragraph = "<p>" + "The council met on Tuesday and agreed the budget. " * 8 + "</p>\n"
    count = megabytes * 1_000_000 // len(paragraph)
    return f"<html><head><title>Budget</title></head><body>{paragraph * count}</body></html>"


@pytest.mark.parametrize(
    ("setting", "reason"),
    [("PRESSWATCH_MAX_SECONDS_PER_FILE=1", "too_slow"),
     ("PRESSWATCH_MAX_EXTRACT_MEMORY=100000000", "too_large")],
)  # fmt: skip
def test_an_input_over_its_time_or_memory_is_stopped_and_the_run_goes_on(
    setting, reason, tmp_path, prefect_server
):
    """A 15 MB page takes about 8 s and 400 MB to extract here; the seed 0.1 s and little."""
    from prefect.settings import PREFECT_API_URL

    drop, data = tmp_path / "drop", tmp_path / "data"
    write(drop / "heavy.html", big_page(15))
    shutil.copy(SEED, drop / "seed.txt")
    name, value = setting.split("=")
    run = run_cli("ingest", str(drop), "--data", str(data),
                  env={name: value, "PREFECT_API_URL": PREFECT_API_URL.value()})  # fmt: skip
    assert run.returncode == 0, run.stderr
    found = outcomes(data)
    assert found == {"seed.txt": [ACCEPTED], "heavy.html": [reason]}
    [(detail,)] = sql(data, "select detail from quarantine")
    assert "extract (html)" in detail and name in detail


def test_watch_is_not_blocked_by_a_pipe_and_a_group_sigterm_ends_it_cleanly(
    tmp_path, prefect_server
):
    """`timeout` signals the whole process group; a named pipe once blocked the watcher."""
    import time

    from prefect.settings import PREFECT_API_URL

    drop, data = tmp_path / "drop", tmp_path / "data"
    drop.mkdir()
    env = {**os.environ, "PRESSWATCH_MIN_FILE_AGE": "0", "PRESSWATCH_RESCAN_INTERVAL": "1",
           "PREFECT_API_URL": PREFECT_API_URL.value()}  # fmt: skip
    watcher = subprocess.Popen(
        [sys.executable, "-m", "presswatch.cli", "watch", str(drop), "--data", str(data)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not (data / "presswatch.duckdb").exists():
            assert time.monotonic() < deadline and watcher.poll() is None
            time.sleep(0.1)
        os.mkfifo(drop / "pipe.txt")
        os.close(os.open(drop / "pipe.txt", os.O_RDWR))  # opened and closed: a close event
        time.sleep(1)
        shutil.copy(SEED, drop / "seed.txt")
        while outcomes(data).get("seed.txt") != [ACCEPTED]:
            assert time.monotonic() < deadline, "the seed never landed"
            time.sleep(0.2)
    finally:
        os.killpg(watcher.pid, signal.SIGTERM)  # what `timeout` does
        out, err = watcher.communicate(timeout=60)
    assert watcher.returncode == 0, err
    assert "ingested 2 files: 1 accepted, 1 quarantined" in out
    assert outcomes(data)["pipe.txt"] == ["not_a_regular_file"]


def test_data_paths_are_never_read_as_globs(run_ingest, tmp_path):
    """--data 'x/data*' and 'x/d[1]' are folders of those names, not patterns for others."""
    names = ["d1", "d[1]", "data*", "data-other"]
    for i, name in enumerate(names):
        drop = tmp_path / f"drop{i}"
        write(drop / f"only-in-{i}.txt", story(name))
        run_ingest(drop, tmp_path / "x" / name)
    for i, name in enumerate(names):
        assert outcomes(tmp_path / "x" / name) == {f"only-in-{i}.txt": [ACCEPTED]}, name


def test_two_drop_folders_with_the_same_names_feed_one_data_directory(run_ingest, tmp_path):
    """Same relative name, size and mtime, other bytes: two inputs, both stored."""
    first, second = tmp_path / "a" / "same.txt", tmp_path / "b" / "same.txt"
    write(first, story("first"))
    write(second, story("other"))
    os.utime(second, ns=(first.stat().st_atime_ns, first.stat().st_mtime_ns))
    run_ingest(first.parent)
    counts = run_ingest(second.parent)
    assert counts["accepted"] == 1
    assert sql(run_ingest.data, "select count(distinct content_hash) from articles") == [(2,)]


def test_the_ledger_records_the_bytes_it_read_not_the_scan(tmp_path):
    """A file that grew between the scan and the read is recorded with what was read, so the
    next scan finds it unchanged (it was re-read on every run)."""
    import hashlib
    from collections import Counter

    from presswatch import pipeline
    from presswatch.lake.ledger import Ledger
    from presswatch.sources import discover

    drop = tmp_path / "drop"
    write(drop / "growing.txt", STORY)
    (scanned,) = discover.scan(drop)
    with open(drop / "growing.txt", "a") as handle:
        handle.write("More lines arrived after the scan.\n")
    loaded = pipeline.load_files([scanned], Ledger())
    ((item, content_hash),) = loaded.files.values()
    read = (drop / "growing.txt").read_bytes()
    assert (item.size, content_hash) == (len(read), hashlib.sha256(read).hexdigest())
    ledger = Ledger()
    ledger.add([pipeline._ledger_row(item, content_hash, None, (Counter(), Counter()), {})])
    (rescanned,) = discover.scan(drop)
    assert ledger.is_unchanged(rescanned)


def test_a_views_file_is_replaced_only_once_it_is_complete(run_ingest, seed_drop, query):
    """With no room to write (a file-size limit: the disk full), the rebuild fails loudly, and
    the views file and its fingerprint stay as they were; with room again, it is rebuilt."""
    from presswatch.warehouse.publish import STAMP

    run_ingest(seed_drop)
    data = run_ingest.data
    (data / STAMP).write_text("stale\n")  # the views must be rebuilt
    script = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (32768, 32768))\n"
        "from presswatch.warehouse.publish import PublishError, publish\n"
        "try:\n    publish(Path(sys.argv[1]))\nexcept PublishError as exc:\n"
        "    print(exc)\n    sys.exit(3)\n"
    )
    full = subprocess.run([sys.executable, "-c", script, str(data)], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert full.returncode == 3, full.stdout + full.stderr
    assert "the previous one is kept" in full.stdout
    assert (data / STAMP).read_text() == "stale\n"
    assert query("select count(*) from articles") == [(5,)]  # the old file, views and all
    assert not [p for p in data.iterdir() if ".tmp" in p.name]
    from presswatch.warehouse.publish import publish

    assert publish(data)  # room again: rebuilt
    assert query("select count(*) from coverage_by_outlet") != [(0,)]


def test_a_damaged_lake_file_is_set_aside_and_its_inputs_read_again(
    run_ingest, seed_drop, tmp_path
):
    from prefect.settings import PREFECT_API_URL

    run_ingest(seed_drop)
    data = run_ingest.data
    (damaged,) = [
        p for p in (data / "lake" / "articles").glob("*.parquet") if "empty" not in p.name
    ]
    content = bytearray(damaged.read_bytes())
    middle = len(content) // 2
    content[middle - 200 : middle + 200] = os.urandom(400)  # scrambled, magic bytes intact
    damaged.write_bytes(bytes(content))

    run = run_cli("ingest", str(seed_drop), "--data", str(data),
                  env={"PREFECT_API_URL": PREFECT_API_URL.value()})  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "damaged lake file set aside" in run.stdout and damaged.name in run.stdout
    batch = damaged.stem
    assert (data / "damaged" / batch / "articles.parquet").exists()
    assert "read again" in (data / "damaged" / batch / "REASON.txt").read_text()
    rows = sql(data, "select count(*), count(distinct source_file) from articles")
    assert rows == [(5, 5)] and sql(data, "select count(*) from ingest_log") == [(5,)]
