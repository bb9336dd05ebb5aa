"""Writing many rows at once.

``insert_rows``: a bulk load of new rows, ``COPY ... FROM STDIN`` on PostgreSQL (psycopg's
copy, several times faster than batched INSERTs for city-size seeding), batched INSERTs on
SQLite. ``insert_many``: the rows one request writes (a push's visits, its change-log rows),
with an optional upsert, as ONE statement on PostgreSQL: the rows travel as one JSON array
that ``json_populate_recordset`` unpacks, instead of one INSERT per row in a pipeline (what
executemany does with psycopg), which cost the server and the database a parse and an
execution per row. On SQLite it is the driver's executemany (one prepared statement run in C)
over plain tuples: the statement is compiled once per table and set of columns, and each value
goes only through its column type's own conversion (a JSON column's encoding), where
SQLAlchemy's executemany rebuilt every row's parameters through its compiled statement.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from typing import Any

from sqlalchemy import JSON, Connection, Table, text
from sqlalchemy.sql.dml import Insert

_CHUNK = 2000


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows``: dicts keyed by column name, every row with the same keys; a column
    left out takes its default."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        _sqlite_insert(conn, table, None, rows, _CHUNK)
        return
    columns = [c for c in table.columns if c.name in rows[0]]
    # COPY skips SQLAlchemy's Python-side defaults (say, an empty JSON object): fill them in
    filled = {
        c.name: c.default.arg(None) if c.default.is_callable else c.default.arg
        for c in table.columns
        if c.name not in rows[0]
        and c.default is not None
        and (c.default.is_scalar or c.default.is_callable)
    }
    columns += [table.c[name] for name in filled]
    as_json = [isinstance(c.type, JSON) for c in columns]
    names = ", ".join(f'"{c.name}"' for c in columns)
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            row = {**row, **filled} if filled else row
            copy.write_row(
                [
                    json.dumps(row.get(c.name), ensure_ascii=False)
                    if j and row.get(c.name) is not None
                    else row.get(c.name)
                    for c, j in zip(columns, as_json, strict=True)
                ]
            )


def insert_many(
    conn: Connection,
    table: Table,
    rows: list[dict[str, Any]],
    *,
    upsert: tuple[list[str], list[str]] | None = None,
    statement: Insert | None = None,
) -> None:
    """Insert ``rows`` (dicts keyed by column name, every column given). ``upsert``: (the
    conflict columns, the columns a conflict overwrites). ``statement``: the same insert as
    SQLAlchemy Core, which SQLite runs with executemany (built once by the caller)."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        _sqlite_insert(conn, table, statement, rows, 500)
        return
    sql = _from_json(table, rows, "rows", upsert)
    conn.execute(text(sql), {"rows": json.dumps(rows, ensure_ascii=False)})


def insert_together(conn: Connection, parts: list[tuple[Table, list[dict[str, Any]]]]) -> None:
    """``insert_many`` for several tables' rows (plain inserts): on PostgreSQL one statement,
    each table's insert a data-modifying ``WITH`` of it, so one round trip; elsewhere one
    ``insert_many`` each, in order. A row refused anywhere refuses the whole statement."""
    parts = [(table, rows) for table, rows in parts if rows]
    if conn.dialect.name != "postgresql" or len(parts) < 2:
        for table, rows in parts:
            insert_many(conn, table, rows)
        return
    inserts = [_from_json(table, rows, f"rows_{i}") for i, (table, rows) in enumerate(parts)]
    *first, last = inserts
    sql = "WITH " + ", ".join(f"w{i} AS ({sql})" for i, sql in enumerate(first)) + " " + last
    params = {
        f"rows_{i}": json.dumps(rows, ensure_ascii=False) for i, (_, rows) in enumerate(parts)
    }
    conn.execute(text(sql), params)


def _from_json(
    table: Table,
    rows: list[dict[str, Any]],
    param: str,
    upsert: tuple[list[str], list[str]] | None = None,
) -> str:
    """PostgreSQL: insert ``rows``, bound as one JSON array ``param``, into ``table``."""
    quoted = ", ".join(f'"{n}"' for n in rows[0])
    sql = (
        f'INSERT INTO "{table.name}" ({quoted}) SELECT {quoted}'
        f' FROM json_populate_recordset(NULL::"{table.name}", CAST(:{param} AS json))'
    )
    if upsert is not None:
        keys, overwritten = upsert
        sql += f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET " + ", ".join(
            f'"{c}" = EXCLUDED."{c}"' for c in overwritten
        )
    return sql


class _Positional:
    """An insert compiled for one set of row keys: its SQL with positional parameters, and
    how a row becomes the parameters' values (each through its column type's conversion)."""

    def __init__(self, sql: str, names: tuple[str, ...], convert: dict[str, Callable]):
        self.sql = sql
        self._get = operator.itemgetter(*names) if len(names) > 1 else None
        self._names = names
        self._convert = tuple((names.index(n), f) for n, f in convert.items())

    def values(self, row: dict[str, Any]) -> tuple:
        got = self._get(row) if self._get is not None else (row[self._names[0]],)
        if not self._convert:
            return got
        out = list(got)
        for i, convert in self._convert:
            out[i] = convert(out[i])
        return tuple(out)


_compiled: dict[tuple[Any, str, tuple[str, ...]], _Positional | None] = {}


def _positional(
    conn: Connection, table: Table, statement: Insert | None, names: tuple[str, ...]
) -> _Positional | None:
    """``statement`` (or ``table``'s plain insert) compiled for rows with ``names``, or None
    when SQLAlchemy must run it: a column left out whose default is computed in Python."""
    key = (statement if statement is not None else table, conn.dialect.name, names)
    if key in _compiled:
        return _compiled[key]
    found = None
    computed = {c.name for c in table.columns if c.default is not None or c.onupdate is not None}
    stmt = statement if statement is not None else table.insert()
    compiled = stmt.compile(dialect=conn.dialect, column_keys=list(names))
    if computed <= set(names) and compiled.positional and set(compiled.positiontup) == set(names):
        dialect = conn.dialect
        convert = {
            name: f
            for name in compiled.positiontup
            if (f := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
        }
        found = _Positional(compiled.string, tuple(compiled.positiontup), convert)
    _compiled[key] = found
    return found


def _sqlite_insert(
    conn: Connection, table: Table, statement: Insert | None, rows: list[dict[str, Any]], chunk: int
) -> None:
    """``rows`` through the driver's executemany as plain tuples where the statement allows
    (see ``_positional``), else through SQLAlchemy, ``chunk`` rows at a time."""
    stmt = statement if statement is not None else table.insert()
    plain = _positional(conn, table, statement, tuple(rows[0]))
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        if plain is None:
            conn.execute(stmt, part)
        else:
            conn.exec_driver_sql(plain.sql, [plain.values(row) for row in part])
