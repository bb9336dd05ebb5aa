"""A head's worklists, read from the phone store: who to see next, sorted by building so one
walk round a building clears its part of the list.

- ``follow_ups``: households whose latest visit asked for a follow-up (回访) due within a week
  or already past (a later visit replaces an earlier visit's follow-up: it was the follow-up);
- ``unvaccinated``: residents aged 60 or more whose vaccination is none or unknown;
- ``alone_unvisited``: residents living alone whose household had no visit in 30 days;
- ``never_visited``: households with no visit at all.

Counts are one SQL query each; lists are read a page at a time (``offset``/``limit``), so a
staff phone with 11,000 residents never loads a list whole.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from services.queries import days_ago

WORKLISTS: tuple[str, ...] = ("follow_ups", "unvaccinated", "alone_unvisited", "never_visited")
#: a follow-up due within this many days is on the list (a round is planned a week ahead)
FOLLOW_UP_AHEAD = 7
#: a person living alone is due a visit after this many days without one
ALONE_DAYS = 30
#: vaccination statuses the 60+ drive still has to ask about or act on
UNVACCINATED = ("none", "unknown")

_LAST_VISIT = "(SELECT household_id, MAX(visited_at) AS last FROM visits GROUP BY household_id)"
# the follow-up date asked for by each household's latest visit
_FOLLOW_UP = """
    (SELECT v.household_id, json_extract(v.data, '$.follow_up_date') AS due, v.visited_at AS at
     FROM visits v WHERE v.id = (SELECT v2.id FROM visits v2 WHERE v2.household_id = v.household_id
                                 ORDER BY v2.visited_at DESC, v2.id DESC LIMIT 1))
"""
_BY_BUILDING = (
    "e.name, CAST(h.building AS INTEGER), h.building, CAST(h.unit AS INTEGER), h.unit,"
    " CAST(h.room AS INTEGER), h.room"
)
_HOUSEHOLD_COLS = "h.id, h.estate_id, e.name, h.building, h.unit, h.room, h.address"
_HOUSEHOLD_KEYS = (
    "household_id",
    "estate_id",
    "estate_name",
    "building",
    "unit",
    "room",
    "address",
)


def _params(today: dt.date) -> dict[str, Any]:
    return {
        "today": today.isoformat(),
        "ahead": (today + dt.timedelta(days=FOLLOW_UP_AHEAD)).isoformat(),
        "cut": days_ago(today, ALONE_DAYS),
        "old_year": today.year - 60,
    }


# Each list: (FROM ... WHERE ..., columns beyond the household's, their keys, row id column).
_LISTS: dict[str, tuple[str, str, tuple[str, ...], str]] = {
    "follow_ups": (
        f"""FROM {_FOLLOW_UP} f JOIN households h ON h.id = f.household_id
            LEFT JOIN estates e ON e.id = h.estate_id
            WHERE f.due IS NOT NULL AND f.due <= :ahead""",
        "f.due, f.at, f.due < :today",
        ("follow_up_date", "last_visit_at", "overdue"),
        "h.id",
    ),
    "unvaccinated": (
        """FROM residents r JOIN households h ON h.id = r.household_id
            LEFT JOIN estates e ON e.id = h.estate_id
            WHERE r.birth_year <= :old_year
              AND COALESCE(json_extract(r.data, '$.vaccination'), 'unknown')
                  IN ('none', 'unknown')""",
        "r.name, r.birth_year, COALESCE(json_extract(r.data, '$.vaccination'), 'unknown')",
        ("name", "birth_year", "vaccination"),
        "r.id",
    ),
    "alone_unvisited": (
        f"""FROM residents r JOIN households h ON h.id = r.household_id
            LEFT JOIN estates e ON e.id = h.estate_id
            LEFT JOIN {_LAST_VISIT} lv ON lv.household_id = h.id
            WHERE r.lives_alone = 1 AND (lv.last IS NULL OR lv.last < :cut)""",
        "r.name, r.birth_year, lv.last",
        ("name", "birth_year", "last_visit_at"),
        "r.id",
    ),
    "never_visited": (
        """FROM households h LEFT JOIN estates e ON e.id = h.estate_id
            WHERE NOT EXISTS (SELECT 1 FROM visits v WHERE v.household_id = h.id)""",
        "h.people_count, (SELECT COUNT(*) FROM residents r WHERE r.household_id = h.id)",
        ("people_count", "member_count"),
        "h.id",
    ),
}


def _check(kind: str) -> tuple[str, str, tuple[str, ...], str]:
    try:
        return _LISTS[kind]
    except KeyError:
        raise ValueError(f"unknown worklist {kind!r} (one of {', '.join(WORKLISTS)})") from None


def count(conn: sqlite3.Connection, kind: str, today: dt.date) -> int:
    """How many entries worklist ``kind`` has today."""
    source, _cols, _keys, _id = _check(kind)
    return conn.execute(f"SELECT COUNT(*) {source}", _params(today)).fetchone()[0]


def counts(conn: sqlite3.Connection, today: dt.date) -> dict[str, int]:
    """Every worklist's count, plus ``follow_ups_overdue`` (those already past their date)."""
    out = {kind: count(conn, kind, today) for kind in WORKLISTS}
    source = _LISTS["follow_ups"][0]
    out["follow_ups_overdue"] = conn.execute(
        f"SELECT COUNT(*) {source} AND f.due < :today", _params(today)
    ).fetchone()[0]
    return out


def rows(
    conn: sqlite3.Connection, kind: str, today: dt.date, *, offset: int, limit: int
) -> list[dict[str, Any]]:
    """One page of worklist ``kind`` in walking order (estate, building, unit, room; a
    household's residents by name). Each row has ``id`` (the resident's for lists of people,
    else the household's), ``household_id`` and the address fields, plus the list's own."""
    source, cols, keys, id_col = _check(kind)
    people = id_col == "r.id"
    sql = (
        f"SELECT {id_col}, {_HOUSEHOLD_COLS}, {cols} {source}"
        f" ORDER BY {_BY_BUILDING}{', r.name, r.id' if people else ', h.id'}"
        " LIMIT :limit OFFSET :offset"
    )
    params = _params(today) | {"limit": int(limit), "offset": int(offset)}
    out = []
    for row in conn.execute(sql, params):
        d = dict(zip(("id", *_HOUSEHOLD_KEYS, *keys), row, strict=True))
        if "overdue" in d:
            d["overdue"] = bool(d["overdue"])
        out.append(d)
    return out
