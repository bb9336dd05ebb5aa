"""Writing local copies of entities: extracted columns, pulled pages, local overlays.

A row's visible ``data`` is the server copy unless a local change is pending; then the local
edit stays visible and any newer server copy waits in ``server_data`` until the change is
acknowledged (see services/schema.py). All functions here run inside the caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from services.protocol import utc_iso
from services.schema import COLUMNS, TABLES
from services.search import address, phone_tail, pinyin_keys

#: tables whose change invalidates the search index
SEARCH_TABLES = frozenset({"residents", "households", "estates"})


#: one encoder for all rows (``json.dumps`` with options builds a new one per call)
dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _columns(table: str, d: dict[str, Any]) -> tuple:
    if table == "households":
        return (
            d.get("estate_id"),
            d.get("building"),
            d.get("unit"),
            d.get("room"),
            address(d.get("building"), d.get("unit"), d.get("room")),
            d.get("people_count"),
        )
    if table == "residents":
        flags = d.get("flags") or []
        py, ini = pinyin_keys(d.get("name") or "")
        return (
            # a resident removed on this phone (moved out, deceased; not yet acknowledged)
            # leaves its household at once: without the column, members, counts, filters and
            # search all skip it, while its data stays to restore if the server refuses
            None if d.get("removed") else d.get("household_id"),
            d.get("name"),
            d.get("birth_year"),
            phone_tail(d.get("phone_masked")),
            int("lives_alone" in flags),
            int(bool(flags)),
            py,
            ini,
        )
    if table == "visits":
        return (d.get("household_id"), d.get("user_id"), utc_iso(d.get("visited_at")))
    if table == "checklists":
        return (d.get("version"), int(bool(d.get("active"))))
    if table == "questionnaires":
        return (d.get("slug"), int(bool(d.get("active"))))
    return tuple(d.get(c) for c in COLUMNS[table])


_SQL: dict[str, str] = {}


def _upsert_sql(table: str) -> str:
    sql = _SQL.get(table)
    if sql is None:
        cols = ("id", "version", "data", "server_data", "local_only", *COLUMNS[table])
        sql = (
            f"INSERT OR REPLACE INTO {table} ({', '.join(cols)})"
            f" VALUES ({', '.join('?' * len(cols))})"
        )
        _SQL[table] = sql
    return sql


def put_rows(
    conn: sqlite3.Connection,
    table: str,
    rows: Iterable[tuple[str, int, dict[str, Any], str | None, int]],
) -> None:
    """Write whole rows: (id, version, data, server_data JSON or None, local_only)."""
    conn.executemany(
        _upsert_sql(table),
        [
            (rid, version, dumps(data), server_data, local_only, *_columns(table, data))
            for rid, version, data, server_data, local_only in rows
        ],
    )


def pending_keys(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    return {(e, r) for e, r in conn.execute("SELECT DISTINCT entity, row_id FROM pending_rows")}


def is_pending(conn: sqlite3.Connection, entity: str, row_id: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM pending_rows WHERE entity = ? AND row_id = ? LIMIT 1", (entity, row_id)
        ).fetchone()
        is not None
    )


def apply_changes(conn: sqlite3.Connection, changes: list[dict[str, Any]]) -> set[str]:
    """Apply pulled changes; returns the tables touched. Tombstones delete; a row with a
    pending local change keeps its local data and gets the server copy in ``server_data``."""
    pending = pending_keys(conn) if changes else set()
    upserts: dict[str, list] = {}
    deletes: dict[str, list] = {}
    shadows: dict[str, list] = {}
    for ch in changes:
        entity = ch["entity"]
        table = TABLES.get(entity)
        if table is None:  # an entity a newer server added: this app has no use for it
            continue
        rid = str(ch["id"])
        if ch["op"] == "delete":
            deletes.setdefault(table, []).append((rid,))
            continue
        data = dict(ch.get("data") or {})
        data.setdefault("id", rid)
        version = int(ch.get("version") or 0)
        if (entity, rid) in pending:
            shadows.setdefault(table, []).append((rid, version, data))
        else:
            upserts.setdefault(table, []).append((rid, version, data, None, 0))
    for table, rows in upserts.items():
        put_rows(conn, table, rows)
    for table, ids in deletes.items():
        conn.executemany(f"DELETE FROM {table} WHERE id = ?", ids)
    for table, rows in shadows.items():
        for rid, version, data in rows:
            cur = conn.execute(
                f"UPDATE {table} SET server_data = ?, local_only = 0 WHERE id = ?",
                (dumps({"v": version, "d": data}), rid),
            )
            if cur.rowcount == 0:
                put_rows(conn, table, [(rid, version, data, None, 0)])
    return set(upserts) | set(deletes) | set(shadows)


def get_row(conn: sqlite3.Connection, table: str, row_id: str) -> dict[str, Any] | None:
    r = conn.execute(
        f"SELECT version, data, server_data, local_only FROM {table} WHERE id = ?", (row_id,)
    ).fetchone()
    if r is None:
        return None
    return {
        "version": r[0],
        "data": json.loads(r[1]),
        "server_data": r[2],
        "local_only": r[3],
    }


def overlay(
    conn: sqlite3.Connection, entity: str, row_id: str, data: dict[str, Any], mutation_id: str
) -> None:
    """Show ``data`` as the row's local edit, pending until ``mutation_id`` is acknowledged.

    The first pending edit of a pulled row keeps the server copy aside, so discarding a
    rejected edit can restore it."""
    table = TABLES[entity]
    row = get_row(conn, table, row_id)
    if row is None:
        put_rows(conn, table, [(row_id, 0, data, None, 1)])
    else:
        server_data = row["server_data"]
        if server_data is None and not row["local_only"] and not is_pending(conn, entity, row_id):
            server_data = dumps({"v": row["version"], "d": row["data"]})
        put_rows(conn, table, [(row_id, row["version"], data, server_data, row["local_only"])])
    conn.execute(
        "INSERT OR IGNORE INTO pending_rows (mutation_id, entity, row_id) VALUES (?, ?, ?)",
        (mutation_id, entity, row_id),
    )


def settle(conn: sqlite3.Connection, mutation_id: str, *, discard: bool) -> set[str]:
    """Forget ``mutation_id``'s pending marks. Returns the tables touched.

    A row left with no pending change:
    - discarded: shows the server copy kept aside again; a local-only row is removed;
    - acknowledged: keeps showing the edit, which the server now holds, until the pull
      brings the server's merged copy. Only when a newer server copy arrived while the edit
      waited does that copy show instead: the edit may already be in it (an upload answered
      twice), and the next pull brings the merge either way."""
    touched = conn.execute(
        "SELECT entity, row_id FROM pending_rows WHERE mutation_id = ?", (mutation_id,)
    ).fetchall()
    if not touched:
        return set()
    conn.execute("DELETE FROM pending_rows WHERE mutation_id = ?", (mutation_id,))
    tables: set[str] = set()
    for entity, row_id in touched:
        if is_pending(conn, entity, row_id):
            continue
        table = TABLES[entity]
        row = get_row(conn, table, row_id)
        if row is None:
            continue
        tables.add(table)
        server = json.loads(row["server_data"]) if row["server_data"] is not None else None
        if server is not None and (discard or server["v"] > row["version"]):
            put_rows(conn, table, [(row_id, server["v"], server["d"], None, 0)])
        elif server is not None:
            put_rows(conn, table, [(row_id, row["version"], row["data"], None, 0)])
        elif discard and row["local_only"]:
            conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
        else:
            conn.execute(f"UPDATE {table} SET local_only = 0 WHERE id = ?", (row_id,))
    return tables
