"""SQLite connections whose writers queue on a kernel lock instead of polling.

SQLite lets one writer at a time into a database file. A second writer that
finds the file locked sleeps and tries again (1, 2, 5, 10, 15, 20, 25 ms...,
until the busy timeout), so under steady concurrent writes a rating could
wait tens of milliseconds for a lock that was free after a fraction of one.
These connections take an exclusive `flock` on a file beside the database
just before the statement that opens a write transaction, and drop it when
the transaction ends: a waiting writer sleeps in the kernel and wakes the
moment the lock is free, in whichever thread or process it runs.

The database's own lock still guards the data; this one only orders the
writers. It is taken exactly where Python's sqlite3 module opens its implicit
transaction (before INSERT, UPDATE, DELETE or REPLACE outside a transaction),
so a connection holds it no longer than SQLite's write lock.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
# The lock files this thread holds through one of its connections: a second
# connection of the same thread must not queue behind the first (it would
# wait forever); it meets SQLite's own lock and busy timeout instead.
_held_here = threading.local()


def lock_path(database: str) -> str | None:
    """Return the lock file for a database file, None for one in memory."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return f"{database}-writers"


def _open_lock_file(path: str | None) -> int | None:
    if path is None:
        return None
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # a read-only directory: writers meet SQLite's lock alone
        return None


def _paths_held_here() -> set[str]:
    if not hasattr(_held_here, "paths"):
        _held_here.paths = set()
    return _held_here.paths


def opens_write(sql: str) -> bool:
    """True for a statement before which sqlite3 begins a transaction."""
    return sql.lstrip()[:7].upper().startswith(WRITES)


class QueuedWritesConnection(sqlite3.Connection):
    """A sqlite3 connection whose write transactions hold the writers' lock."""

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        self._lock_path = lock_path(os.fspath(database))
        self._lock_file = _open_lock_file(self._lock_path)
        # While the lock is held: the set of the thread that took it.
        self._held_by: set[str] | None = None

    def cursor(self, factory=None):
        return super().cursor(factory or QueuedWritesCursor)

    # sqlite3's shortcuts run the statement in C, past the cursor's methods.
    def execute(self, sql, parameters=()):
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters):
        return self.cursor().executemany(sql, seq_of_parameters)

    def take_writers_lock(self) -> None:
        if self._lock_file is None or self._held_by is not None:
            return
        held = _paths_held_here()
        if self._lock_path in held:
            return
        fcntl.flock(self._lock_file, fcntl.LOCK_EX)
        self._held_by = held
        held.add(self._lock_path)

    def drop_writers_lock(self) -> None:
        if self._held_by is not None:
            self._forget_holder()
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)

    def _forget_holder(self) -> None:
        # The set of the thread that took the lock, whichever thread drops it.
        self._held_by.discard(self._lock_path)
        self._held_by = None

    def commit(self):
        try:
            super().commit()
        finally:
            self._drop_unless_in_transaction()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._drop_unless_in_transaction()

    def _drop_unless_in_transaction(self) -> None:
        try:
            still_open = self.in_transaction
        except sqlite3.ProgrammingError:  # closed
            still_open = False
        if not still_open:
            self.drop_writers_lock()

    def close(self):
        try:
            super().close()
        finally:
            self.drop_writers_lock()
            self._close_lock_file()

    def __del__(self):
        # A connection dropped without close() must not keep the lock taken.
        if getattr(self, "_held_by", None) is not None:
            self._forget_holder()
        self._close_lock_file()

    def _close_lock_file(self) -> None:
        if getattr(self, "_lock_file", None) is not None:
            os.close(self._lock_file)  # closing the file releases its lock
            self._lock_file = None


class QueuedWritesCursor(sqlite3.Cursor):
    """Takes the writers' lock before a statement opens a write transaction."""

    def execute(self, sql, parameters=()):
        return self._run(super().execute, sql, parameters)

    def executemany(self, sql, seq_of_parameters):
        return self._run(super().executemany, sql, seq_of_parameters)

    def _run(self, run, sql, parameters):
        connection = self.connection
        if connection.in_transaction or not opens_write(sql):
            return run(sql, parameters)
        connection.take_writers_lock()
        try:
            return run(sql, parameters)
        finally:
            connection._drop_unless_in_transaction()  # autocommit, or BEGIN failed
