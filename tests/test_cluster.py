"""Beyond one machine: the drop folder and the lake in a bucket (a real S3 server, moto's), the
CPU stages on a real Dask cluster (a scheduler and two worker processes), a lease for writers."""

from __future__ import annotations

import os
import random
import shutil
import signal
import threading
import time
from pathlib import Path

import duckdb
import pytest

from presswatch.bench.services import KEYS, upload
from presswatch.lake.lease import Lease, LeaseLost
from presswatch.lake.storage import Folder
from presswatch.lake.tables import LOCK_FILE, Lake
from tests.conftest import SEEDS
from tests.services import keys
from tests.test_exactly_once import check, write_records

CORPUS = Path(__file__).parents[1] / "eval" / "corpus" / "html"
ARTICLES = (
    "select article_id, source_file, source_record, format, url, outlet, outlet_domain, title,"
    " published_at, authors, wire, dateline, language, body, word_count, story_id, warnings"
    " from articles order by article_id"
)
ENTITIES = "select article_id, name, label, mentions from entities order by all"
STORIES = "select story_id, articles from stories order by all"
S3_VARIABLES = (*KEYS, "AWS_ENDPOINT_URL", "HOME")
# Records for the runs on the bucket: 6 batches of 10, enough for kills between and inside
# batches; each batch costs a dozen object writes on the S3 server.
RECORDS = 60


@pytest.fixture
def drop(tmp_path) -> Path:
    """The seeds and the corpus's pages, as a user's drop folder would hold them."""
    folder = tmp_path / "drop"
    shutil.copytree(SEEDS, folder / "seeds")
    shutil.copytree(CORPUS, folder / "corpus")
    return folder


@pytest.fixture
def records_drop(tmp_path) -> Path:
    return write_records(tmp_path / "records", RECORDS)


def read(views: Path, *queries: str) -> list[list[tuple]]:
    with duckdb.connect(str(views), read_only=True) as con:
        return [con.sql(sql).fetchall() for sql in queries]


def test_bucket_to_bucket_on_dask_gives_what_a_local_run_gives(
    prefect_server, dask_cluster, s3, drop, tmp_path, monkeypatch
):
    from presswatch.flows.ingest import ingest, task_runner

    monkeypatch.setenv("PRESSWATCH_MIN_FILE_AGE", "0")
    local = ingest(str(drop), str(tmp_path / "data"))
    assert local["accepted"] >= 60

    assert upload(drop, f"{s3}/drop") == local["files"]
    monkeypatch.setenv("PRESSWATCH_DASK_ADDRESS", dask_cluster.address)
    views = tmp_path / "remote.duckdb"
    on_cluster = ingest.with_options(task_runner=task_runner())
    remote = on_cluster(f"{s3}/drop", f"{s3}/data", str(views))

    assert {k: remote[k] for k in ("files", "accepted", "quarantined", "duplicates")} == {
        k: local[k] for k in ("files", "accepted", "quarantined", "duplicates")
    }
    expected = read(tmp_path / "data" / "presswatch.duckdb", ARTICLES, ENTITIES, STORIES)
    assert read(views, ARTICLES, ENTITIES, STORIES) == expected
    assert any(key.startswith(f"{s3.split('/', 3)[3]}/data/lake/articles/2") for key in keys(s3))
    # Nothing local but the views file: the lake is in the bucket only.
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".duckdb") == ["remote.duckdb"]
    # A second pass finds every object in the ledger.
    again = on_cluster(f"{s3}/drop", f"{s3}/data", str(views))
    assert (again["accepted"], again["unchanged"]) == (0, local["files"])


def test_a_lease_makes_a_second_writer_wait_and_other_prefixes_do_not(s3):
    first = Lake(f"{s3}/one")
    entered = threading.Event()

    def second_writer():
        with Lake(f"{s3}/one").locked():
            entered.set()

    with first.locked():
        with Lake(f"{s3}/two").locked():  # another data directory in the same bucket
            pass
        waiting = threading.Thread(target=second_writer)
        waiting.start()
        time.sleep(2.5)
        assert not entered.is_set()  # the same data directory: it waits
    waiting.join(30)
    assert entered.is_set()


def test_an_expired_lease_is_taken_over_and_its_holder_stops_committing(s3):
    folder = Folder(f"{s3}/data")
    stalled = Lease(folder, LOCK_FILE, "waiting", ttl=2)
    stalled.acquire()
    stalled._stop.set()  # as if the process hung: no more renewals
    stalled._renewer.join()
    started = time.monotonic()
    with Lease(folder, LOCK_FILE, "waiting", ttl=2) as successor:
        assert time.monotonic() - started >= 1  # it waited for the expiry
        successor.check()
        with pytest.raises(LeaseLost):
            stalled.check()


def ingest_command(cli, s3: str, views: Path, **env: str):
    variables = {key: os.environ[key] for key in S3_VARIABLES}
    return cli("ingest", f"{s3}/drop", "--data", f"{s3}/data", "--views", str(views),
               PRESSWATCH_BATCH_SIZE="10", **variables, **env)  # fmt: skip


def commits(s3: str) -> int:
    prefix = s3.split("/", 3)[3] + "/data/lake/ledger/2"
    return sum(key.startswith(prefix) for key in keys(s3))


def test_kill_9_of_the_flow_on_s3_then_rerun_counts_every_input_once(
    cli, s3, tmp_path, records_drop
):
    upload(records_drop, f"{s3}/drop")
    views, rng = tmp_path / "views.duckdb", random.Random(20261202)
    # A killed writer's lease is taken over once it expires: a short one keeps the reruns quick.
    lease = {"PRESSWATCH_LEASE_SECONDS": "12"}
    for _ in range(3):
        done = commits(s3)
        run = ingest_command(cli, s3, views, **lease)
        started = time.monotonic()
        while commits(s3) <= done and run.poll() is None:
            assert time.monotonic() - started < 180, "the ingest made no progress"
            time.sleep(0.1)
        time.sleep(rng.uniform(0.0, 1.5))
        run.kill()
        run.communicate()
        check(tmp_path, complete=False, views=views)
    final = ingest_command(cli, s3, views, **lease)
    _, err = final.communicate(timeout=600)
    assert final.returncode == 0, err
    check(tmp_path, complete=True, views=views, files=RECORDS)
    assert not [key for key in keys(s3) if key.endswith(".tmp")]


def test_a_dask_worker_killed_mid_batch_costs_a_rerun_of_its_part_never_an_article(
    cli, s3, dask_cluster, tmp_path, records_drop
):
    upload(records_drop, f"{s3}/drop")
    views = tmp_path / "views.duckdb"
    run = ingest_command(cli, s3, views, PRESSWATCH_DASK_ADDRESS=dask_cluster.address)
    started = time.monotonic()
    while commits(s3) < 2 and run.poll() is None:
        assert time.monotonic() - started < 180, "the ingest made no progress"
        time.sleep(0.1)
    time.sleep(random.Random(7).uniform(0.0, 1.0))
    victim = next(worker for worker in dask_cluster.workers if worker.poll() is None)
    os.killpg(victim.pid, signal.SIGKILL)
    try:
        _, err = run.communicate(timeout=600)
    finally:
        dask_cluster.start_worker()  # the cluster has two workers again for the next test
        dask_cluster.wait_for_workers(2)
    if run.returncode != 0:  # the cluster could not finish the batch: a rerun must
        rerun = ingest_command(cli, s3, views, PRESSWATCH_DASK_ADDRESS=dask_cluster.address)
        _, err = rerun.communicate(timeout=600)
        assert rerun.returncode == 0, err
    check(tmp_path, complete=True, views=views, files=RECORDS)


def test_watch_lists_a_bucket_takes_each_object_once_and_moves_it_on(cli, s3, tmp_path):
    from tests.test_watch import wait_for

    views, staging = tmp_path / "views.duckdb", tmp_path / "staging"
    staging.mkdir()
    watcher = cli(
        "watch", f"{s3}/drop", "--data", f"{s3}/data", "--views", str(views),
        PRESSWATCH_LIST_INTERVAL="0.5", PRESSWATCH_MIN_FILE_AGE="1",
        PRESSWATCH_CLEAN_SOURCE="move", **{key: os.environ[key] for key in S3_VARIABLES},
    )  # fmt: skip

    def counts() -> tuple:
        try:
            return read(views, "select (from (select count(*) from articles)),"
                               " (from (select count(*) from quarantine))")[0][0]  # fmt: skip
        except duckdb.Error:  # not published yet
            return (-1, -1)

    try:
        wait_for(lambda: counts() == (0, 0))
        shutil.copy(sorted(SEEDS.glob("*.txt"))[0], staging / "story.txt")
        (staging / "empty.txt").write_bytes(b"")
        upload(staging, f"{s3}/drop")
        wait_for(lambda: counts() == (1, 1))
        time.sleep(2)  # listings come and go: nothing is taken twice
        assert counts() == (1, 1)
    finally:
        watcher.send_signal(signal.SIGTERM)
        out, err = watcher.communicate(timeout=60)
    assert watcher.returncode == 0, err
    assert "ingested 2 files: 1 accepted, 1 quarantined" in out
    prefix = s3.split("/", 3)[3]
    objects = [key.removeprefix(prefix) for key in keys(s3) if not key.endswith("/")]
    assert sorted(key for key in objects if key.startswith("/drop/")) == [
        "/drop/processed/story.txt",
        "/drop/rejected/empty.txt",
        "/drop/rejected/empty.txt.reason",
    ]


def test_two_ingests_of_one_lake_in_a_bucket_then_its_compaction_count_every_input_once(
    cli, s3, tmp_path, records_drop
):
    upload(records_drop, f"{s3}/drop")
    views = tmp_path / "views.duckdb"
    runs = [ingest_command(cli, s3, views) for _ in range(2)]  # the second waits for the lease
    outputs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in outputs]
    check(tmp_path, complete=True, views=views, files=RECORDS)
    batches = commits(s3)
    assert batches > 2

    variables = {key: os.environ[key] for key in S3_VARIABLES}
    compact = cli("compact", "--data", f"{s3}/data", **variables)
    _, err = compact.communicate(timeout=300)
    assert compact.returncode == 0, err
    check(
        tmp_path, complete=True, views=views, files=RECORDS
    )  # the same views read the merged files
    prefix = s3.split("/", 3)[3] + "/data/lake/articles/2"  # batch files, not the schema's
    assert len([key for key in keys(s3) if key.startswith(prefix)]) == 1
    assert commits(s3) < batches  # the ledger's files merged too
