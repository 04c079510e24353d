"""Statements compiled once per dialect and run on the DB-API cursor of a SQLAlchemy
transaction, for a hot path whose few short statements cost more CPU in SQLAlchemy's
execution (events, parameter and result set-up) than in the database.

Only for statements whose values need no conversion on their way in or out (strings,
integers). They run inside the caller's transaction (same connection, same commit or
rollback); the driver's errors come out as SQLAlchemy's (:class:`~sqlalchemy.exc.DBAPIError`),
as through ``conn.execute``; SQLAlchemy's cursor events do not see them.

    APPEND = Compiled(insert(records), column_keys=("seq", ...))
    APPEND.execute(conn, {"seq": 1, ...})           # rows of a SELECT, else []
    APPEND.execute_many(conn, [{"seq": 1, ...}, ...])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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
            form = _Form(compiled.string, names, dict(compiled.params))
            self._forms[key] = form
        return form


def _wrapped(conn: Connection, sql: str, parameters: Any, exc: Exception) -> BaseException:
    return DBAPIError.instance(sql, parameters, exc, conn.dialect.loaded_dbapi.Error,
                               dialect=conn.dialect)
