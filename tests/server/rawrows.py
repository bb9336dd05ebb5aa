"""Rows as versions before the shared value rules could store them, written with raw SQL.

Those versions serialised JSON columns with SQLAlchemy's default ``json.dumps``: NaN and
Infinity as bare tokens (SQLite keeps them; PostgreSQL's ``json`` type refuses them, so there
the push failed instead), lone surrogates and NUL as ``\\udc00`` / ``\\u0000`` escapes (both
databases keep them). Text columns could hold NUL on SQLite only.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, text


def old_json(value: Any) -> str:
    """``value`` serialised as the old code did (NaN allowed, non-ASCII escaped)."""
    return json.dumps(value)


def write_json_text(conn: Connection, table: str, column: str, raw: str, **key: Any) -> None:
    """Store ``raw`` (JSON text, possibly with NaN) in ``table.column`` of the row ``key``."""
    value = "CAST(:raw AS json)" if conn.dialect.name == "postgresql" else ":raw"
    where = " AND ".join(f"{name} = :{name}" for name in key)
    done = conn.execute(
        text(f"UPDATE {table} SET {column} = {value} WHERE {where}"), {"raw": raw, **key}
    )
    assert done.rowcount == 1, (table, key)


def read_json_text(conn: Connection, table: str, column: str, **key: Any) -> str | None:
    """The stored JSON text of ``table.column``, as the database holds it."""
    cast = "CAST({c} AS text)" if conn.dialect.name == "postgresql" else "{c}"
    where = " AND ".join(f"{name} = :{name}" for name in key)
    return conn.execute(
        text(f"SELECT {cast.format(c=column)} FROM {table} WHERE {where}"), key
    ).scalar_one()
