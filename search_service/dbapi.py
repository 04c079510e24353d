"""Statements compiled once per dialect and run on the DB-API cursor of a SQLAlchemy
transaction, for a hot path whose few short statements cost more CPU in SQLAlchemy's
execution (events, parameter and result set-up) than in the database.

Only for statements whose parameters need no conversion on their way in (strings, integers);
a SELECT's values come out of :meth:`Compiled.first` converted by their columns' types, as
through SQLAlchemy (a ``UTCDateTime`` as an aware datetime). They run inside the caller's
transaction (same connection, same commit or rollback); the driver's errors come out as
SQLAlchemy's (:class:`~sqlalchemy.exc.DBAPIError`), as through ``conn.execute``; SQLAlchemy's
cursor events do not see them.

    APPEND = Compiled(insert(records), column_keys=("seq", ...))
    APPEND.execute(conn, {"seq": 1, ...})           # rows of a SELECT as the driver gives them
    APPEND.execute_many(conn, [{"seq": 1, ...}, ...])
    USER = Compiled(select(users.c.name, users.c.created_at).where(...))
    USER.first(conn, {"name": "li"})                # {"name": ..., "created_at": datetime}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement


@dataclass(frozen=True)
class _Form:
    """A statement as one dialect's driver takes it."""

    sql: str
    names: tuple[str, ...] | None  # the parameters' order for a positional paramstyle
    defaults: dict[str, Any]  # values fixed in the statement (``WHERE id = 1``)
    keys: tuple[str, ...]  # a SELECT's columns
    converters: tuple[Callable[[Any], Any] | None, ...]  # from the driver's values, per column

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | Mapping[str, Any]:
        merged = {**self.defaults, **values}
        return merged if self.names is None else tuple(merged[name] for name in self.names)


class Compiled:
    """``statement`` compiled at its first use on each dialect (a race compiles it twice,
    to the same immutable form), then run on the transaction's DB-API cursor."""

    def __init__(self, statement: ClauseElement, column_keys: Iterable[str] = ()) -> None:
        self.statement = statement
        self.column_keys = list(column_keys) or None
        self._forms: dict[str, _Form] = {}

    def execute(self, conn: Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run once with ``values`` inside ``conn``'s transaction; the rows it returns."""
        form = self._form(conn.dialect)
        parameters = form.parameters(values)
        cursor = conn.connection.cursor()
        try:
            cursor.execute(form.sql, parameters)
            return list(cursor.fetchall()) if cursor.description else []
        except conn.dialect.loaded_dbapi.Error as exc:
            raise _wrapped(conn, form.sql, parameters, exc) from exc
        finally:
            cursor.close()

    def first(self, conn: Connection, values: Mapping[str, Any]) -> dict[str, Any] | None:
        """The first row of a SELECT run with ``values``, by its columns' keys, each value
        converted as its column's type says; None if there is none."""
        rows = self.execute(conn, values)
        if not rows:
            return None
        form = self._form(conn.dialect)
        return {key: value if convert is None else convert(value)
                for key, convert, value in zip(form.keys, form.converters, rows[0])}

    def execute_many(self, conn: Connection, values: Sequence[Mapping[str, Any]]) -> None:
        """Run once per item of ``values`` (a DML statement) inside ``conn``'s transaction."""
        form = self._form(conn.dialect)
        parameters = [form.parameters(v) for v in values]
        cursor = conn.connection.cursor()
        try:
            cursor.executemany(form.sql, parameters)
        except conn.dialect.loaded_dbapi.Error as exc:
            raise _wrapped(conn, form.sql, parameters, exc) from exc
        finally:
            cursor.close()

    def _form(self, dialect: Dialect) -> _Form:
        key = f"{dialect.name}+{dialect.driver}"
        form = self._forms.get(key)
        if form is None:
            compiled = self.statement.compile(dialect=dialect, column_keys=self.column_keys)
            names = tuple(compiled.positiontup or ()) if compiled.positional else None
            columns = list(getattr(self.statement, "selected_columns", ()))
            form = _Form(compiled.string, names, dict(compiled.params),
                         tuple(c.key for c in columns),
                         tuple(c.type.dialect_impl(dialect).result_processor(dialect, None)
                               for c in columns))
            self._forms[key] = form
        return form


def _wrapped(conn: Connection, sql: str, parameters: Any, exc: Exception) -> BaseException:
    return DBAPIError.instance(sql, parameters, exc, conn.dialect.loaded_dbapi.Error,
                               dialect=conn.dialect)
