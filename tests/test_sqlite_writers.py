"""SQLite writers queue on a kernel lock beside the database while their
transaction is open, and nothing else takes it."""

from __future__ import annotations

import fcntl
import gc
import os
import sqlite3
import threading

import pytest
from sqlalchemy import create_engine, text

import study.factory  # noqa: F401 - registers the SQLite connection pragmas
from study.config import engine_options
from study.sqlite_writers import QueuedWritesConnection, lock_path, opens_write


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "writers.db"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE marks (n INTEGER UNIQUE)")
    setup.close()
    return path


def lock_is_free(path) -> bool:
    """Try the writers' lock from a file of our own, without waiting."""
    descriptor = os.open(lock_path(str(path)), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)
    return True


def connect(path, **options) -> QueuedWritesConnection:
    return sqlite3.connect(path, factory=QueuedWritesConnection, **options)


def test_the_statements_that_open_a_write_transaction():
    assert opens_write("INSERT INTO marks VALUES (1)")
    assert opens_write("  update marks SET n = 2")
    assert opens_write("DELETE FROM marks")
    assert opens_write("REPLACE INTO marks VALUES (3)")
    assert not opens_write("SELECT * FROM marks")
    assert not opens_write("PRAGMA journal_mode")
    assert not opens_write("BEGIN IMMEDIATE")


def test_a_write_transaction_holds_the_lock_until_it_commits(database):
    connection = connect(database)
    connection.execute("SELECT count(*) FROM marks").fetchone()
    assert lock_is_free(database)  # reading takes nothing
    connection.execute("INSERT INTO marks VALUES (1)")
    assert not lock_is_free(database)
    connection.execute("INSERT INTO marks VALUES (2)")  # same transaction
    connection.commit()
    assert lock_is_free(database)
    connection.execute("UPDATE marks SET n = n + 10")
    assert not lock_is_free(database)
    connection.rollback()
    assert lock_is_free(database)
    assert connection.execute("SELECT sum(n) FROM marks").fetchone() == (3,)
    connection.close()


def test_a_failed_statement_keeps_the_lock_until_the_rollback(database):
    connection = connect(database)
    connection.execute("INSERT INTO marks VALUES (1)")
    connection.commit()
    with pytest.raises(sqlite3.IntegrityError):
        connection.execute("INSERT INTO marks VALUES (1)")
    assert connection.in_transaction and not lock_is_free(database)
    connection.rollback()
    assert lock_is_free(database)
    connection.close()


def test_closing_or_dropping_a_connection_frees_the_lock(database):
    connection = connect(database)
    connection.execute("INSERT INTO marks VALUES (1)")
    connection.close()
    assert lock_is_free(database)
    dropped = connect(database)
    dropped.execute("INSERT INTO marks VALUES (2)")
    assert not lock_is_free(database)
    del dropped
    gc.collect()  # sqlite3's statement cache holds a cycle back to it
    assert lock_is_free(database)


def test_autocommit_writes_hold_the_lock_only_for_the_statement(database):
    connection = connect(database, isolation_level=None)
    connection.execute("INSERT INTO marks VALUES (1)")
    assert lock_is_free(database)
    connection.close()


def test_a_second_writer_waits_for_the_first_to_commit(database):
    first, second = connect(database), connect(database, check_same_thread=False)
    first.execute("INSERT INTO marks VALUES (1)")
    wrote = threading.Event()

    def write_second():
        second.execute("INSERT INTO marks VALUES (2)")
        wrote.set()
        second.commit()

    writer = threading.Thread(target=write_second)
    writer.start()
    assert not wrote.wait(0.3)  # queued behind the first transaction
    first.commit()
    assert wrote.wait(10)
    writer.join()
    assert first.execute("SELECT count(*) FROM marks").fetchone() == (2,)
    first.close()
    second.close()


def test_a_thread_never_queues_behind_its_own_open_transaction(database):
    first, second = connect(database), connect(database, timeout=0.2)
    first.execute("INSERT INTO marks VALUES (1)")
    # Without the guard this would wait on the lock forever; SQLite's own
    # lock answers after the busy timeout instead.
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        second.execute("INSERT INTO marks VALUES (2)")
    first.commit()
    second.execute("INSERT INTO marks VALUES (2)")
    second.commit()
    first.close()
    second.close()


def test_a_database_in_memory_has_no_lock_file():
    assert lock_path(":memory:") is None
    connection = connect(":memory:")
    connection.execute("CREATE TABLE t (n INTEGER)")
    connection.execute("INSERT INTO t VALUES (1)")
    connection.commit()
    connection.close()


def test_the_app_engine_queues_writers_and_keeps_its_pragmas(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = create_engine(url, **engine_options(url))
    with engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert pragma("PRAGMA foreign_keys").scalar() == 1
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE marks (n INTEGER)"))
    connection = engine.connect()
    connection.execute(text("INSERT INTO marks VALUES (1)"))
    assert not lock_is_free(tmp_path / "app.db")
    connection.commit()
    assert lock_is_free(tmp_path / "app.db")
    connection.close()
    engine.dispose()


def test_a_lock_dropped_on_another_thread_is_forgotten_by_its_taker(database):
    connection = connect(database, check_same_thread=False)
    connection.execute("INSERT INTO marks VALUES (1)")
    dropper = threading.Thread(target=connection.commit)
    dropper.start()
    dropper.join()
    assert lock_is_free(database)
    connection.execute("INSERT INTO marks VALUES (2)")  # this thread takes it again
    assert not lock_is_free(database)
    connection.commit()
    connection.close()
