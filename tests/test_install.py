"""One installed package: the wheel holds `presswatch` alone (its flows, the views' SQL and the
schemas inside it) and ingests from any directory once installed outside the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_the_wheel_installs_one_package_that_ingests_from_anywhere(
    prefect_server, seed_drop, tmp_path
):
    from prefect.settings import PREFECT_API_URL

    quiet = {**os.environ, "PYTHONWARNINGS": "ignore", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    wheels, source = tmp_path / "wheels", tmp_path / "source"
    # Built from a copy: setuptools builds in the source tree and would leave build/ in the clone.
    skip = (".venv", ".git", "build", "data", "*.egg-info", "__pycache__", ".*_cache", "eval")
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*skip))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(wheels), str(source)], check=True, env=quiet, cwd=tmp_path,
    )  # fmt: skip
    (wheel,) = wheels.glob("presswatch-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {name.split("/")[0] for name in names if not name.startswith("presswatch-")} == {
        "presswatch"
    }
    shipped = ["flows/ingest.py", "flows/watch.py", "flows/maintenance.py",
               "warehouse/publish.py", "warehouse/views/10_articles.sql",
               "schemas/article_suite.json", "schemas/tables.json"]  # fmt: skip
    assert {f"presswatch/{name}" for name in shipped} <= set(names)

    # A fresh environment outside the repository, the wheel installed into it. Its dependencies
    # are the tested set's, seen through a path file (the registry is not reachable in tests);
    # the repository's editable presswatch is not (its finder is a .pth of its own, not read).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
         str(wheel)], check=True, env=quiet,
    )  # fmt: skip
    site = Path(subprocess.check_output(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
    ).strip())  # fmt: skip
    (site / "tested-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PRESSWATCH_MIN_FILE_AGE": "0"}
    env.pop("PYTHONPATH", None)
    where = subprocess.run(
        [python, "-c", "import presswatch.flows.ingest, presswatch.warehouse.publish as p;"
         " print(p.__file__)\nfor name in ('flows', 'warehouse', 'schemas'):\n"
         "    try:\n        __import__(name)\n    except ModuleNotFoundError:\n        pass\n"
         "    else:\n        print('importable:', name)"],
        capture_output=True, text=True, cwd=elsewhere, env=env,
    )  # fmt: skip
    assert where.returncode == 0, where.stderr
    assert where.stdout.splitlines() == [str(site / "presswatch" / "warehouse" / "publish.py")]

    run = subprocess.run(
        [venv / "bin" / "presswatch", "ingest", str(seed_drop), "--data", "data"],
        capture_output=True, text=True, cwd=elsewhere, env=env, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("ingested 5 files: 5 accepted")
    assert (elsewhere / "data" / "presswatch.duckdb").is_file()
