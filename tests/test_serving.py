"""Production serving: SQLite in WAL mode with a busy timeout, and PostgreSQL
through a pre-pinged pool, so a database restart is survived."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import create_engine, text

import study.factory  # noqa: F401 - registers the SQLite connection pragmas
from study.config import engine_options
from tests.servers import (
    app_env,
    gunicorn,
    pg_url_from_env,
    postgres_cluster,
    prepare,
)


@pytest.fixture
def sqlite_engine(tmp_path):
    """An engine on a fresh SQLite file, configured as the app configures it."""
    url = f"sqlite:///{tmp_path / 'serving.db'}"
    engine = create_engine(url, **engine_options(url))
    yield engine
    engine.dispose()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_engine):
    with sqlite_engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA busy_timeout").scalar() >= 5000
        assert pragma("PRAGMA foreign_keys").scalar() == 1


def test_a_second_sqlite_writer_waits_instead_of_failing(sqlite_engine):
    with sqlite_engine.begin() as connection:
        connection.execute(text("CREATE TABLE marks (n INTEGER)"))
    holder = sqlite_engine.connect()
    holder.exec_driver_sql("BEGIN IMMEDIATE")
    holder.execute(text("INSERT INTO marks VALUES (1)"))
    release = threading.Timer(0.5, holder.commit)
    release.start()
    started = time.monotonic()
    with sqlite_engine.begin() as connection:  # blocks until the holder commits
        connection.execute(text("INSERT INTO marks VALUES (2)"))
    release.join()
    holder.close()
    assert time.monotonic() - started >= 0.3
    with sqlite_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM marks")).scalar() == 2


@pytest.mark.skipif(not pg_url_from_env(), reason="runs with TEST_DATABASE_URL")
def test_the_app_answers_again_after_postgresql_restarts(tmp_path):
    with postgres_cluster() as cluster:
        token = prepare(cluster.url, ["ops@example.com"])["ops@example.com"]
        headers = {"Authorization": f"Bearer {token}"}
        with gunicorn(app_env(cluster.url), threads=4) as base:

            def call(_=None) -> int:
                url = f"{base}/api/v1/settings"
                return requests.get(url, headers=headers, timeout=10).status_code

            with ThreadPoolExecutor(4) as pool:  # fill the pool with connections
                assert set(pool.map(call, range(8))) == {200}
            cluster.pg_ctl("stop")
            assert requests.get(f"{base}/healthz", timeout=10).status_code == 503
            # A request while the database is down: a 503 that says to retry.
            down = requests.get(f"{base}/api/v1/settings", headers=headers, timeout=10)
            assert down.status_code == 503 and down.headers["Retry-After"] == "2"
            assert down.json()["error"]["code"] == "unavailable"
            page = requests.get(f"{base}/", timeout=10)  # lists the packs
            assert page.status_code == 503 and "try again in a moment" in page.text
            cluster.pg_ctl("start")
            # Every pooled connection died with the server; pre-ping replaces them.
            assert requests.get(f"{base}/healthz", timeout=10).json() == {
                "status": "ok"
            }
            with ThreadPoolExecutor(4) as pool:
                assert set(pool.map(call, range(8))) == {200}
