"""The change log: every write to a syncable row goes through ``record_change``.

Each row is stamped with the next number of the change sequence (``server.db.sequence``, which
explains why numbers become visible in order); a pull reads the rows after its cursor.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from server.db.engine import insert_on_conflict
from server.db.schema import changes
from server.db.sequence import next_seqs

#: district_id marker for rows only staff may pull (e.g. a questionnaire answer with no estate).
STAFF_ONLY = "staff-only"


def record_changes(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Stamp many entities at once. Each row: entity, entity_id, op ("upsert"|"delete"),
    version, estate_id, district_id, data (the entity's full pull data; None for delete)."""
    if not rows:
        return
    first = next_seqs(conn, len(rows))
    values = [
        {
            "entity": r["entity"],
            "entity_id": str(r["entity_id"]),
            "seq": first + i,
            "op": r.get("op", "upsert"),
            "version": r["version"],
            "estate_id": r.get("estate_id"),
            "district_id": r.get("district_id"),
            "data": r.get("data") if r.get("op", "upsert") == "upsert" else None,
        }
        for i, r in enumerate(rows)
    ]
    stmt = insert_on_conflict(conn, changes)
    stmt = stmt.on_conflict_do_update(
        index_elements=[changes.c.entity, changes.c.entity_id],
        set_={
            "seq": stmt.excluded.seq,
            "op": stmt.excluded.op,
            "version": stmt.excluded.version,
            "estate_id": stmt.excluded.estate_id,
            "district_id": stmt.excluded.district_id,
            "data": stmt.excluded.data,
        },
    )
    # one statement per chunk keeps parameter counts under SQLite's limit
    for start in range(0, len(values), 500):
        conn.execute(stmt, values[start : start + 500])


def record_change(
    conn: Connection,
    entity: str,
    entity_id: str,
    *,
    version: int,
    data: dict[str, Any] | None,
    estate_id: str | None = None,
    district_id: str | None = None,
    op: str = "upsert",
) -> None:
    record_changes(
        conn,
        [
            {
                "entity": entity,
                "entity_id": entity_id,
                "op": op,
                "version": version,
                "data": data,
                "estate_id": estate_id,
                "district_id": district_id,
            }
        ],
    )
