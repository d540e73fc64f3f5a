"""The views file opens in the DuckDB command line and libraries users have, not only ours.

Every reader of tests/duckdb-readers.txt (installed by `make compat`, which `make test` runs)
opens presswatch.duckdb read-only and counts every view and two searches (table macros); the
counts must be those of the pinned DuckDB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).parent.parent
COMPAT = ROOT / ".venv" / "compat"
READERS = [
    line.strip()
    for line in (Path(__file__).parent / "duckdb-readers.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]
COUNT_VIEWS = (
    "select view_name from duckdb_views() where not internal and database_name = current_database()"
    " order by view_name"
)


@pytest.fixture(scope="module")
def views_file(tmp_path_factory, prefect_server) -> tuple[Path, dict[str, int]]:
    """The seeds ingested once; the views' row counts as DuckDB 2.0 sees them."""
    from presswatch.flows.ingest import ingest
    from tests.conftest import SEEDS

    data = tmp_path_factory.mktemp("compat") / "data"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRESSWATCH_MIN_FILE_AGE", "0")
        ingest(str(SEEDS), str(data))
    database = data / "presswatch.duckdb"
    with duckdb.connect(str(database), read_only=True) as con:
        views = [name for (name,) in con.sql(COUNT_VIEWS).fetchall()]
        views += ["search_articles('putin')", "attention_by_day('\"kim jong un\" -nyt')"]
        counts = {view: con.execute(f"select count(*) from {view}").fetchone()[0] for view in views}
    assert counts["articles"] == 5 and len(counts) >= 15 and counts["search_articles('putin')"]
    return database, counts


def reader_path(requirement: str) -> Path:
    name, version = requirement.split("==")
    path = COMPAT / f"{name}-{version}"
    if not path.is_dir():
        pytest.fail(f"{requirement} is not installed in {path}: run `make compat`")
    return path


@pytest.mark.parametrize("requirement", READERS)
def test_every_view_counts_the_same_in(requirement, views_file):
    database, expected = views_file
    path = reader_path(requirement)
    if requirement.startswith("duckdb-cli=="):
        sql = " union all ".join(
            "select '" + view.replace("'", "''") + f"' as view, count(*) as n from {view}"
            for view in expected
        )
        run = subprocess.run(
            [str(path / "duckdb_cli" / "duckdb"), "-readonly", "-json", str(database), sql],
            capture_output=True, text=True, timeout=120, cwd="/",
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        counts = {row["view"]: row["n"] for row in json.loads(run.stdout)}
        # What the README tells users to type.
        readme = subprocess.run(
            [str(path / "duckdb_cli" / "duckdb"), "-readonly", str(database),
             "from coverage_by_outlet"], capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert readme.returncode == 0, readme.stderr
        assert "outlet_domain" in readme.stdout
    else:
        script = (
            "import duckdb, json, sys\n"
            "con = duckdb.connect(sys.argv[1], read_only=True)\n"
            "views = json.loads(sys.argv[2])\n"
            "print(duckdb.__version__)\n"
            "print(json.dumps({v: con.execute(f'select count(*) from {v}').fetchone()[0]"
            " for v in views}))\n"
        )
        env = {**os.environ, "PYTHONPATH": str(path)}
        run = subprocess.run(
            [sys.executable, "-c", script, str(database), json.dumps(list(expected))],
            capture_output=True, text=True, timeout=120, env=env, cwd="/",
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        version, printed = run.stdout.splitlines()
        assert version == requirement.split("==")[1]  # the old library, not ours
        counts = json.loads(printed)
    assert counts == expected
