"""Hot-path statements run straight on the database driver.

SQLAlchemy spends 50-100 µs of Python on every statement it executes (an
execution context, parameter and row processing, result objects): several
times what SQLite or PostgreSQL need to run the small indexed statements of a
rating. A `Prepared` statement is still written in SQLAlchemy Core, so tables
and columns stay checked, but it is compiled once per dialect and parameter
shape and then run on the cursor of the connection the session already holds,
inside the session's transaction, with the same parameter and row conversions
SQLAlchemy would apply.

`as_loaded` turns a row holding an entity's columns into that entity in the
session, as if the ORM had loaded it.

What the caller sees does not change: rows come back as named tuples with the
statement's column names, a driver error is raised as SQLAlchemy's own
exception (an `IntegrityError` stays an `IntegrityError`), a lost connection
is invalidated as SQLAlchemy would invalidate it, and the engine's
`before_cursor_execute` listeners still hear every statement.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, exc, inspect
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, make_transient_to_detached


@dataclass
class _Plan:
    """A statement compiled for one dialect and one length of each list parameter."""

    sql: str
    positions: tuple[str, ...] | None  # parameter order; None for named styles
    defaults: dict[str, Any]  # values the statement carries itself (a LIMIT)
    expansion: dict[str, list[str]]  # a list parameter's names, one per item
    processors: dict[str, Any]  # how each parameter is sent to the driver
    columns: list  # the result's columns (their types read the values back)
    row: type | None  # the named tuple of a result row
    # How the result columns that need it are read back, as (index, reader)
    # pairs; None until the first result, as the driver's description of a
    # column can decide it (PostgreSQL's numbers).
    readers: tuple | None = None

    def parameters(self, given: dict[str, Any]):
        values = dict(self.defaults)
        for name, value in given.items():
            names = self.expansion.get(name)
            if names is None:
                values[name] = value
            else:
                values.update(zip(names, value, strict=True))
        for name, process in self.processors.items():
            values[name] = process(values[name])
        if self.positions is None:
            return values
        return tuple(values[name] for name in self.positions)

    def describe(self, dialect: Dialect, description) -> None:
        readers = (
            column.type.dialect_impl(dialect).result_processor(dialect, about[1])
            for column, about in zip(self.columns, description, strict=True)
        )
        self.readers = tuple(
            (index, read) for index, read in enumerate(readers) if read is not None
        )

    def make_row(self, raw: tuple):
        if not self.readers:
            return self.row._make(raw)
        values = list(raw)
        for index, read in self.readers:
            values[index] = read(values[index])
        return self.row._make(values)


class Prepared:
    """A Core statement run on the driver's cursor (see the module docstring).

    List parameters (`bindparam(..., expanding=True)`) get one compiled form
    per list length. Values a statement renders into its SQL text (a LIMIT)
    must come from the statement itself, never from the parameters given.
    """

    def __init__(self, statement) -> None:
        self.statement = statement
        self._lists = tuple(
            bind.key for bind in statement.compile().binds.values() if bind.expanding
        )
        self._plans: dict[tuple, _Plan] = {}

    def first(self, connection: Connection, parameters: dict[str, Any]):
        """Run and return the first row (a named tuple), or None."""
        plan, cursor = self._execute(connection, parameters)
        self._describe(plan, connection, cursor)
        raw = cursor.fetchone()
        cursor.close()
        return None if raw is None else plan.make_row(raw)

    def all(self, connection: Connection, parameters: dict[str, Any]) -> list:
        """Run and return every row (named tuples)."""
        plan, cursor = self._execute(connection, parameters)
        self._describe(plan, connection, cursor)
        rows = cursor.fetchall()
        cursor.close()
        return [plan.make_row(raw) for raw in rows]

    def run(self, connection: Connection, parameters: dict[str, Any]) -> int:
        """Run a statement that returns no rows; return how many rows it changed."""
        _plan, cursor = self._execute(connection, parameters)
        changed = cursor.rowcount
        cursor.close()
        return changed

    def _execute(self, connection: Connection, given: dict[str, Any]):
        plan = self._plan_for(connection.dialect, given)
        values = plan.parameters(given)
        cursor = connection.connection.cursor()
        listeners = connection.dispatch.before_cursor_execute
        if listeners:
            listeners(connection, cursor, plan.sql, values, None, False)
        try:
            cursor.execute(plan.sql, values)
        except connection.dialect.loaded_dbapi.Error as error:
            failure = _as_sqlalchemy_error(connection, cursor, error, plan, values)
            raise failure from error
        return plan, cursor

    @staticmethod
    def _describe(plan: _Plan, connection: Connection, cursor) -> None:
        if plan.readers is None:
            plan.describe(connection.dialect, cursor.description)

    def _plan_for(self, dialect: Dialect, given: dict[str, Any]) -> _Plan:
        key = (dialect.name, dialect.driver, *(len(given[n]) for n in self._lists))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = _compile(self.statement, dialect, given)
        return plan


def _compile(statement, dialect: Dialect, given: dict[str, Any]) -> _Plan:
    compiled = statement.compile(dialect=dialect)
    expanded = compiled.construct_expanded_state(given)
    expansion = dict(expanded.parameter_expansion)
    own = set(given) | {name for names in expansion.values() for name in names}
    defaults = {k: v for k, v in expanded.parameters.items() if k not in own}
    processors = {
        name: process
        for name, bind in compiled.binds.items()
        if name not in expansion
        and (process := bind.type.dialect_impl(dialect).bind_processor(dialect))
    }
    processors.update(expanded.processors)  # a list parameter's, one per item
    columns = list(statement.exported_columns)
    names = list(statement.exported_columns.keys())
    return _Plan(
        sql=expanded.statement,
        positions=tuple(expanded.positiontup) if expanded.positiontup else None,
        defaults=defaults,
        expansion=expansion,
        processors=processors,
        columns=columns,
        row=namedtuple("Row", names) if names else None,
    )


def _as_sqlalchemy_error(connection, cursor, error, plan: _Plan, values):
    dialect = connection.dialect
    lost = dialect.is_disconnect(error, connection.connection.dbapi_connection, cursor)
    if lost:
        connection.invalidate(error)
    return exc.DBAPIError.instance(
        plan.sql,
        values,
        error,
        dialect.loaded_dbapi.Error,
        connection_invalidated=lost,
        dialect=dialect,
    )


def as_loaded(session: Session, model: type, row):
    """Return the `model` entity whose columns (by name) the row holds, in the
    session as if the ORM had loaded it: changes to it are tracked and saved
    as usual. If the session already holds that entity, that copy is returned.
    """
    mapper = inspect(model)
    key = mapper.identity_key_from_primary_key(
        [getattr(row, column.name) for column in mapper.primary_key]
    )
    held = session.identity_map.get(key)
    if held is not None:
        return held
    # Built as the ORM's loader builds entities: no __init__, values set
    # straight into the instance's dict, then marked as loaded, not changed.
    entity = mapper.class_manager.new_instance()
    entity.__dict__.update(
        (attribute.key, getattr(row, attribute.columns[0].name))
        for attribute in mapper.column_attrs
    )
    make_transient_to_detached(entity)
    session.add(entity)
    return entity
