"""The pool's pre-ping for PostgreSQL, skipped for connections in steady use.

A pooled PostgreSQL connection dies when the server restarts. Before lending
a connection out, the pool sends it a `SELECT 1`: a dead one is dropped,
with every connection pooled before it, and the request gets a new one, so a
restart costs no request once the server is back.

That check is a round trip of its own on every request. Under load a
connection goes back to the pool and out again within milliseconds, and no
server stops and starts again in that time, so a connection returned less
than RECENT seconds ago is lent without the check. Should it still be dead
(its backend killed on its own), the request's first statement fails, the
error handler answers 503 with Retry-After, and the pool drops the
connection and every other one as old.
"""

from __future__ import annotations

import time

from sqlalchemy import Engine, event, exc

RECENT = 0.25  # seconds; far shorter than a PostgreSQL stop and start
RETURNED_AT = "shipshape_returned_at"


def ping_on_checkout(engine: Engine, recent: float = RECENT) -> None:
    """Check each connection the engine's pool lends out, unless it came back
    to the pool within `recent` seconds (the engine's own pre-ping is off)."""
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    def _fresh(_dbapi_connection, record) -> None:
        record.info[RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record) -> None:
        if record is not None:
            record.info[RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_unless_recent(dbapi_connection, record, _proxy) -> None:
        returned = record.info.get(RETURNED_AT)
        if returned is not None and time.monotonic() - returned < recent:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                # The server went away: every pooled connection is as dead.
                raise exc.InvalidatePoolError(str(error)) from error
            raise
