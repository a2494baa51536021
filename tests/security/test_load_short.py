"""A 20-second version of bench/load_test.py: 32 learners, worker kills, audit.

It runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL points at it (in
a scratch database on that server). `make stress` runs the two-minute versions
with a PostgreSQL restart as well.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import pg_url_from_env

ROOT = Path(__file__).parents[2]


def run_load_test(tmp_path, *options: str) -> dict:
    """Run the load test script and return its figures."""
    figures = tmp_path / "figures.json"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "load_test.py"),
            *("--clients", "32", "--seconds", "20", "--kill-workers"),
            *("--json", str(figures), *options),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if not figures.exists():
        pytest.fail(f"the load test did not finish:\n{result.stderr[-3000:]}")
    found = json.loads(figures.read_text())
    print(json.dumps(found, indent=2))  # shown with -s, or when the test fails
    return found


def test_nothing_is_lost_under_load_with_workers_killed(tmp_path):
    if url := pg_url_from_env():
        figures = run_load_test(tmp_path, "--database-url", url)
        assert figures["database"] == "postgresql"
    else:
        figures = run_load_test(tmp_path, "--db", "sqlite")
    assert figures["problems"] == [] and figures["ok"]
    assert figures["reviews_acknowledged"] >= 100
    assert figures["rows_stored"] == figures["reviews_acknowledged"]
    assert figures["stored_undone"] == figures["undos_recorded"]
    assert figures["worker_kills"] >= 3
    assert figures["tallies_checked"] >= 1
