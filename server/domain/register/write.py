"""Writing a register import's plan: a handful of batched statements in the caller's
transaction (parents before children), then the change log in one go."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, update

from server.db.bulk import insert_rows
from server.db.changelog import record_changes
from server.db.schema import districts, estates, households, residents
from server.domain.register.plan import Plan

_RESIDENT_COLUMNS = (
    "household_id", "name", "gender", "birth_year", "phone", "id_number", "relation", "flags",
    "vaccination", "note", "version", "field_versions",
)  # fmt: skip
_HOUSEHOLD_COLUMNS = ("people_count", "version", "field_versions")
_CHUNK = 2000


def _insert(conn: Connection, table, rows: list[dict]) -> None:
    columns = set(table.c.keys())
    insert_rows(conn, table, [{k: v for k, v in r.items() if k in columns} for r in rows])


def _update(conn: Connection, table, rows: list[dict], columns: tuple[str, ...]) -> None:
    if not rows:
        return
    stmt = update(table).where(table.c.id == bindparam("row_id"))
    values = [{"row_id": r["id"], **{c: r[c] for c in columns}} for r in rows]
    for start in range(0, len(values), _CHUNK):
        conn.execute(stmt, values[start : start + _CHUNK])


def write_plan(conn: Connection, plan: Plan, community: str) -> None:
    """Write the plan of an import into ``community`` (its new districts are that
    community's)."""
    if plan.new_districts:
        for d in plan.new_districts:
            d.setdefault("community_id", community)
    for table, rows in (
        (districts, plan.new_districts),
        (estates, plan.new_estates),
        (households, plan.new_households),
        (residents, plan.new_residents),
    ):
        if rows:
            _insert(conn, table, rows)
    _update(conn, households, plan.changed_households, _HOUSEHOLD_COLUMNS)
    _update(conn, residents, plan.changed_residents, _RESIDENT_COLUMNS)
    record_changes(conn, plan.log)
