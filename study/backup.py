"""Back up and restore the whole database as portable JSON lines.

`flask --app app backup OUT` writes every table, parents before children, one
JSON object per row, from one consistent snapshot (the app may keep running).
`flask --app app restore IN` loads such a file into an empty database that
`flask --app app db upgrade` has brought to the same schema revision, in one
transaction, and resets PostgreSQL's id sequences. A backup taken on SQLite
restores on PostgreSQL and the other way round.

File layout: a header line (format, version, schema revision, table order),
then `{"table": name, "row": {column: value}}` lines, then a trailer with the
row count of every table, so a cut-off file is refused instead of half-loaded.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import IO, Any

import click
from flask import Flask
from sqlalchemy import (
    JSON,
    Connection,
    Date,
    DateTime,
    Table,
    func,
    inspect,
    null,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError

from study.extensions import db
from study.models import Base

FORMAT = "shipshape-backup"
VERSION = 1
BATCH = 500


class BackupError(Exception):
    """A backup file that cannot be restored here, and why."""


def tables() -> list[Table]:
    """Return every table, each after the tables it refers to."""
    return list(Base.metadata.sorted_tables)


def schema_revision(connection: Connection) -> str | None:
    """Return the Alembic revision the database is at (None if unmigrated)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.scalar(text("SELECT version_num FROM alembic_version"))


@contextmanager
def snapshot(connection: Connection) -> Iterator[Connection]:
    """Read every table from one consistent view of the database."""
    if connection.dialect.name == "postgresql":
        with connection.execution_options(isolation_level="REPEATABLE READ").begin():
            yield connection
        return
    # pysqlite opens transactions only for writes; an explicit BEGIN pins the
    # WAL snapshot for the reads that follow.
    connection.exec_driver_sql("BEGIN")
    try:
        yield connection
    finally:
        connection.exec_driver_sql("ROLLBACK")


def _stored_type(column):
    """Return the column's database type (what a TypeDecorator wraps)."""
    return getattr(column.type, "impl_instance", column.type)


def encode(table: Table, row: dict[str, Any], null_json: set[str]) -> dict:
    """Return a row as JSON-friendly values (JSON columns wrapped, see decode)."""
    out = {}
    for column in table.columns:
        value = row[column.name]
        if isinstance(column.type, JSON):
            value = None if column.name in null_json else {"json": value}
        elif isinstance(value, datetime | date):
            value = value.isoformat()
        out[column.name] = value
    return out


def decode(table: Table, row: dict[str, Any]) -> dict:
    """Return a dumped row as values to insert (SQL NULL and JSON null kept apart)."""
    values = {}
    for column in table.columns:
        if column.name not in row:
            raise BackupError(f"{table.name}: column {column.name} is missing")
        value = row[column.name]
        if isinstance(column.type, JSON):
            if value is not None and not (isinstance(value, dict) and "json" in value):
                raise BackupError(
                    f"{table.name}.{column.name}: not a wrapped JSON value"
                )
            value = null() if value is None else value["json"]
            value = JSON.NULL if value is None else value
        elif value is not None and isinstance(_stored_type(column), DateTime):
            value = datetime.fromisoformat(value)
            value = value if value.tzinfo else value.replace(tzinfo=UTC)
        elif value is not None and isinstance(_stored_type(column), Date):
            value = date.fromisoformat(value)
        values[column.name] = value
    return values


def _rows(connection: Connection, table: Table) -> Iterator[dict]:
    json_columns = [c for c in table.columns if isinstance(c.type, JSON)]
    flags = [c.is_(None).label(f"null:{c.name}") for c in json_columns]
    query = select(table, *flags).order_by(*table.primary_key.columns)
    result = connection.execution_options(yield_per=BATCH).execute(query)
    for row in result.mappings():
        null_json = {c.name for c in json_columns if row[f"null:{c.name}"]}
        yield encode(table, dict(row), null_json)


def dump(connection: Connection, out: IO[str]) -> dict[str, int]:
    """Write every table to `out` as JSON lines; return the row counts."""
    counts = {}
    with snapshot(connection):
        header = {
            "format": FORMAT,
            "version": VERSION,
            "revision": schema_revision(connection),
            "dialect": connection.dialect.name,
            "created_at": datetime.now(UTC).isoformat(),
            "tables": [table.name for table in tables()],
        }
        out.write(json.dumps(header) + "\n")
        for table in tables():
            counts[table.name] = 0
            for row in _rows(connection, table):
                out.write(json.dumps({"table": table.name, "row": row}) + "\n")
                counts[table.name] += 1
        out.write(json.dumps({"end": True, "counts": counts}) + "\n")
    return counts


def _check_header(connection: Connection, line: str) -> None:
    try:
        header = json.loads(line)
    except json.JSONDecodeError as error:
        raise BackupError("This is not a Shipshape backup file.") from error
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError("This is not a Shipshape backup file.")
    if header.get("version") != VERSION:
        raise BackupError(f"Backup format version {header.get('version')} is unknown.")
    here = schema_revision(connection)
    if header.get("revision") != here:
        raise BackupError(
            f"The backup is of schema revision {header.get('revision')}, this "
            f"database is at {here}; run `flask --app app db upgrade` on a "
            "database at the backup's revision, restore, then upgrade."
        )


def _check_empty(connection: Connection) -> None:
    for table in tables():
        if connection.scalar(select(func.count()).select_from(table)):
            raise BackupError(
                f"Table {table.name} is not empty; restore only into a new, "
                "migrated database."
            )


def restore(connection: Connection, source: IO[str]) -> dict[str, int]:
    """Load a backup into an empty migrated database, all or nothing."""
    by_name = {table.name: table for table in tables()}
    with connection.begin():
        _check_header(connection, source.readline())
        _check_empty(connection)
        counts = dict.fromkeys(by_name, 0)
        pending: list[dict] = []
        current: Table | None = None
        trailer = None
        for number, line in enumerate(source, start=2):
            record = _parse(line, number)
            if record.get("end"):
                trailer = record
                break
            table = by_name.get(record.get("table"))
            if table is None:
                raise BackupError(f"line {number}: unknown table {record.get('table')}")
            if table is not current:
                _insert(connection, current, pending)
                current, pending = table, []
            if not isinstance(record.get("row"), dict):
                raise BackupError(f"line {number}: a row must be an object")
            try:
                pending.append(decode(table, record["row"]))
            except (TypeError, ValueError) as error:
                raise BackupError(f"line {number}: {error}") from error
            counts[table.name] += 1
            if len(pending) >= BATCH:
                _insert(connection, current, pending)
                pending = []
        _insert(connection, current, pending)
        _check_trailer(trailer, counts)
        reset_sequences(connection)
    return counts


def _parse(line: str, number: int) -> dict:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise BackupError(f"line {number}: not JSON ({error.msg})") from error
    if not isinstance(record, dict):
        raise BackupError(f"line {number}: not a row")
    return record


def _insert(connection: Connection, table: Table | None, rows: list[dict]) -> None:
    if table is not None and rows:
        connection.execute(table.insert(), rows)


def _check_trailer(trailer: dict | None, counts: dict[str, int]) -> None:
    if trailer is None:
        raise BackupError(
            "The backup file is cut short (no end line); nothing restored."
        )
    expected = {name: n for name, n in trailer.get("counts", {}).items() if n}
    if expected != {name: n for name, n in counts.items() if n}:
        raise BackupError("The backup's row counts do not match its rows.")


def reset_sequences(connection: Connection) -> None:
    """Point PostgreSQL's id sequences past the restored ids (SQLite needs none)."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables():
        key = list(table.primary_key.columns)
        if len(key) != 1 or key[0].type.python_type is not int:
            continue
        highest = select(func.max(key[0])).scalar_subquery()
        sequence = func.pg_get_serial_sequence(table.name, key[0].name)
        # setval(seq, max, true): the next id is max + 1; (seq, 1, false): 1.
        connection.execute(
            select(
                func.setval(sequence, func.coalesce(highest, 1), highest.is_not(None))
            )
        )


def register_backup(app: Flask) -> None:
    """Add the `backup` and `restore` commands to the app's CLI."""

    @app.cli.command("backup")
    @click.argument("out", type=click.Path(dir_okay=False, allow_dash=True))
    def backup_command(out: str) -> None:
        """Write every table to OUT as JSON lines ('-' for standard output)."""
        with db.engine.connect() as connection:
            if out == "-":
                counts = dump(connection, sys.stdout)
            else:
                with open(out, "w", encoding="utf-8") as handle:
                    counts = dump(connection, handle)
        total = sum(counts.values())
        click.echo(f"Backed up {total} rows from {len(counts)} tables.", err=True)

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(exists=True, dir_okay=False))
    def restore_command(source: str) -> None:
        """Load a backup into this empty, migrated database (all or nothing)."""
        try:
            with (
                db.engine.connect() as connection,
                open(source, encoding="utf-8") as fh,
            ):
                counts = restore(connection, fh)
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        except DBAPIError as error:  # a row the schema refuses: nothing was kept
            message = (
                f"The database refused the backup ({error.orig}); nothing restored."
            )
            raise click.ClickException(message) from error
        total = sum(counts.values())
        click.echo(f"Restored {total} rows into {len(counts)} tables.")
