"""The PostgreSQL pool's pre-ping: a dead connection is found and replaced
before a request gets it, except one back from use a moment ago."""

from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from study.config import engine_options
from study.pool_ping import ping_on_checkout
from tests.servers import pg_url_from_env, scratch_database

pytestmark = pytest.mark.skipif(
    not pg_url_from_env(), reason="runs with TEST_DATABASE_URL"
)
RECENT = 0.2


@pytest.fixture
def engine():
    """A pool as the app makes it, on a scratch database of the test server."""
    with scratch_database(pg_url_from_env()) as url:
        engine = create_engine(url, **engine_options(url))
        ping_on_checkout(engine, recent=RECENT)
        yield engine
        engine.dispose()


def backend_of(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar()


def end_backends(engine, pids) -> None:
    """Kill server processes as a restart would, from outside the pool."""
    url = engine.url.set(drivername="postgresql")
    address = url.render_as_string(hide_password=False)
    with psycopg.connect(address, autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_the_app_pool_has_no_pre_ping_of_its_own():
    options = engine_options("postgresql+psycopg://db/shipshape")
    assert "pool_pre_ping" not in options  # study.pool_ping does it
    assert options["pool_size"] >= 2


def test_a_dead_connection_idle_for_a_while_is_replaced_unseen(engine):
    first = backend_of(engine)
    end_backends(engine, [first])
    time.sleep(RECENT * 1.5)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
        replacement = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    assert replacement != first


def test_one_dead_connection_found_replaces_every_pooled_one(engine):
    with engine.connect() as one, engine.connect() as two:
        pids = {
            one.execute(text("SELECT pg_backend_pid()")).scalar(),
            two.execute(text("SELECT pg_backend_pid()")).scalar(),
        }
    end_backends(engine, pids)
    time.sleep(RECENT * 1.5)
    with engine.connect() as one, engine.connect() as two:
        now = {
            one.execute(text("SELECT pg_backend_pid()")).scalar(),
            two.execute(text("SELECT pg_backend_pid()")).scalar(),
        }
    assert not now & pids


def test_a_connection_back_a_moment_ago_goes_out_unchecked(engine):
    first = backend_of(engine)
    time.sleep(RECENT * 1.5)
    # Checked, as it was idle: the same server process is still there.
    assert backend_of(engine) == first
    end_backends(engine, [first])
    # Returned a moment ago, so lent without a check: its first statement
    # meets the dead connection, and the pool drops it.
    with pytest.raises(DBAPIError) as failed, engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    assert failed.value.connection_invalidated
    assert backend_of(engine) != first
