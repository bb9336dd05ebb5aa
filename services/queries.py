"""Read queries of the phone store (the lists and summaries the app shows).

Timestamps are compared as strings in the server's UTC format (see ``protocol.utc_iso``); the
"month" and "N days" boundaries are the phone's local midnights.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

from services.protocol import utc_iso

OPEN_STATUSES = ("open", "in_review")

_PENDING = "EXISTS (SELECT 1 FROM pending_rows p WHERE p.entity = '{e}' AND p.row_id = {col})"


def pending_sql(entity: str, col: str) -> str:
    return _PENDING.format(e=entity, col=col)


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day).astimezone()


def month_start(today: dt.date) -> str:
    return utc_iso(local_midnight(today.replace(day=1)))


def days_ago(today: dt.date, days: int) -> str:
    return utc_iso(local_midnight(today - dt.timedelta(days=days)))


_LAST_VISIT = "(SELECT household_id, MAX(visited_at) AS last FROM visits GROUP BY household_id)"


def estates(conn: sqlite3.Connection, today: dt.date) -> list[dict[str, Any]]:
    sql = f"""
        SELECT e.data, COUNT(h.id),
               COALESCE(SUM(lv.last >= :month), 0),
               COALESCE(SUM(h.id IS NOT NULL AND (lv.last IS NULL OR lv.last < :cut)), 0)
        FROM estates e
        LEFT JOIN households h ON h.estate_id = e.id
        LEFT JOIN {_LAST_VISIT} lv ON lv.household_id = h.id
        GROUP BY e.id ORDER BY e.name
    """
    out = []
    for data, n, visited, not_visited in conn.execute(
        sql, {"month": month_start(today), "cut": days_ago(today, 30)}
    ):
        d = json.loads(data)
        d.setdefault("kind", "estate")
        d.update(household_count=n, visited_this_month=visited, not_visited_30=not_visited)
        out.append(d)
    return out


def household_filters(
    *,
    estate_id: str | None = None,
    building: str | None = None,
    not_visited_days: int | None = None,
    aged_60: bool = False,
    lives_alone: bool = False,
    query: str | None = None,
    today: dt.date | None = None,
) -> tuple[str, dict[str, Any]]:
    """The WHERE clause (over ``h`` households and ``lv`` last visits) and its parameters."""
    today = today or dt.date.today()
    where = ["1"]
    params: dict[str, Any] = {}
    if estate_id is not None:
        where.append("h.estate_id = :estate_id")
        params["estate_id"] = estate_id
    if building is not None:
        where.append("h.building = :building")
        params["building"] = building
    if not_visited_days is not None:
        where.append("(lv.last IS NULL OR lv.last < :cut)")
        params["cut"] = days_ago(today, int(not_visited_days))
    if aged_60:
        where.append(
            "EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id"
            " AND r.birth_year <= :old_year)"
        )
        params["old_year"] = today.year - 60
    if lives_alone:
        where.append(
            "EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id AND r.lives_alone = 1)"
        )
    if query and query.strip():
        q = query.strip()
        match, q_params = resident_match(q)
        where.append(
            f"(h.address LIKE :q_addr ESCAPE '\\' OR EXISTS (SELECT 1 FROM residents r"
            f" WHERE r.household_id = h.id AND {match}))"
        )
        params.update(q_params)
    return " AND ".join(where), params


def _escape_like(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def resident_match(query: str) -> tuple[str, dict[str, Any]]:
    """The condition (over residents ``r``) for a member a household search means: name
    (substring), pinyin (substring) or initials (exact), or the phone's last digits (three
    or four typed: the number ends with them); with the address parameter ``q_addr``."""
    from services.search import normalize_address

    q = query.strip()
    compact = "".join(q.split())
    params: dict[str, Any] = {
        "q_addr": f"%{_escape_like(normalize_address(q))}%",
        "q": f"%{_escape_like(q)}%",
        "q_lower": f"%{_escape_like(compact.lower())}%",
        "q_exact": compact.lower(),
    }
    match = (
        "(r.name LIKE :q ESCAPE '\\' OR r.name_py LIKE :q_lower ESCAPE '\\'"
        " OR r.name_ini = :q_exact"
    )
    if compact.isdigit() and 3 <= len(compact) <= 4:
        match += " OR r.phone_tail LIKE :q_tail"
        params["q_tail"] = f"%{compact}"
    return match + ")", params


def households(
    conn: sqlite3.Connection, *, offset: int, limit: int, **filters: Any
) -> list[dict[str, Any]]:
    where, params = household_filters(**filters)
    params.update(offset=int(offset), limit=int(limit))
    query = (filters.get("query") or "").strip()
    # the member a search found, so the tile can say why the household is listed
    matched = (
        "(SELECT r.name FROM residents r WHERE r.household_id = h.id AND "
        f"{resident_match(query)[0]} ORDER BY r.name LIMIT 1)"
        if query
        else "NULL"
    )
    sql = f"""
        SELECT h.id, h.estate_id, e.name, h.building, h.unit, h.room, h.address,
               h.people_count, lv.last,
               (SELECT COUNT(*) FROM residents r WHERE r.household_id = h.id),
               (SELECT COUNT(*) FROM concerns c WHERE c.household_id = h.id
                  AND c.status IN ('open', 'in_review')),
               {pending_sql("household", "h.id")},
               {matched},
               EXISTS (SELECT 1 FROM drafts d WHERE d.household_id = h.id)
        FROM households h
        LEFT JOIN estates e ON e.id = h.estate_id
        LEFT JOIN {_LAST_VISIT} lv ON lv.household_id = h.id
        WHERE {where}
        ORDER BY e.name, CAST(h.building AS INTEGER), h.building, CAST(h.unit AS INTEGER),
                 h.unit, CAST(h.room AS INTEGER), h.room
        LIMIT :limit OFFSET :offset
    """
    keys = (
        "id",
        "estate_id",
        "estate_name",
        "building",
        "unit",
        "room",
        "address",
        "people_count",
        "last_visit_at",
        "member_count",
        "open_concerns",
        "pending",
        "matched_name",
        "draft",
    )
    out = []
    for row in conn.execute(sql, params):
        d = dict(zip(keys, row, strict=True))
        d["pending"] = bool(d["pending"])
        d["draft"] = bool(d["draft"])
        out.append(d)
    return out


def count_households(conn: sqlite3.Connection, **filters: Any) -> int:
    filters.pop("offset", None)
    filters.pop("limit", None)
    where, params = household_filters(**filters)
    join = f"LEFT JOIN {_LAST_VISIT} lv ON lv.household_id = h.id" if "lv." in where else ""
    return conn.execute(
        f"SELECT COUNT(*) FROM households h {join} WHERE {where}", params
    ).fetchone()[0]


def home_summary(conn: sqlite3.Connection, today: dt.date, user_id: str | None) -> dict[str, Any]:
    est = estates(conn, today)
    mine = conn.execute(
        "SELECT COUNT(*) FROM concerns WHERE created_by = ? AND status IN ('open', 'in_review')",
        (user_id,),
    ).fetchone()[0]
    return {
        "estates": len(est),
        "households": sum(e["household_count"] for e in est),
        "visited_this_month": sum(e["visited_this_month"] for e in est),
        "not_visited_30": sum(e["not_visited_30"] for e in est),
        "my_open_concerns": mine,
    }


def rows_with_pending(
    conn: sqlite3.Connection, entity: str, sql_tail: str, params: Any = ()
) -> list[dict[str, Any]]:
    """``SELECT data, version, pending FROM <table> t <sql_tail>`` as dicts."""
    from services.schema import TABLES

    sql = (
        f"SELECT t.data, t.version, {pending_sql(entity, 't.id')} FROM {TABLES[entity]} t "
        + sql_tail
    )
    out = []
    for data, version, pending in conn.execute(sql, params):
        d = json.loads(data)
        d["version"] = version
        d["pending"] = bool(pending)
        out.append(d)
    return out
