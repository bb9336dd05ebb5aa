"""The concerns a review meeting may take up: open or in review, not merged away, in the
place asked for, filtered by estate, category and age, oldest first."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select
from sqlalchemy.orm import aliased

from server.db.schema import concerns, estates, households, users
from server.domain.entities import concern_data
from server.reports.place import Place

UNFINISHED = ("open", "in_review")


def _address(building: str, unit: str, room: str) -> str:
    return "-".join(part for part in (building, unit, room) if part)


def agenda_candidates(
    conn: Connection,
    place: Place,
    *,
    timezone: str,
    today: dt.date,
    category: str | None = None,
    min_age_days: int = 0,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """``AgendaConcern`` dicts: unfinished concerns of ``place`` raised at least
    ``min_age_days`` whole local days before ``today``."""
    zone = ZoneInfo(timezone)
    creator, assignee = aliased(users), aliased(users)
    query = (
        select(
            concerns,
            estates.c.id.label("_estate_id"),
            estates.c.name.label("_estate_name"),
            households.c.building,
            households.c.unit,
            households.c.room,
            creator.c.name.label("_creator_name"),
            assignee.c.name.label("_assignee_name"),
        )
        .select_from(
            concerns.join(households, households.c.id == concerns.c.household_id)
            .join(estates, estates.c.id == households.c.estate_id)
            .join(creator, creator.c.id == concerns.c.created_by)
            .outerjoin(assignee, assignee.c.id == concerns.c.assignee_id)
        )
        .where(
            place.estates_clause(),
            concerns.c.status.in_(UNFINISHED),
            concerns.c.merged_into.is_(None),
        )
        .order_by(concerns.c.created_at, concerns.c.id)
        .limit(limit)
    )
    if category is not None:
        query = query.where(concerns.c.category == category)
    if min_age_days > 0:
        # raised before the start of the local day min_age_days - 1 days ago
        cutoff = dt.datetime.combine(
            today - dt.timedelta(days=min_age_days - 1), dt.time.min, zone
        ).astimezone(dt.UTC)
        query = query.where(concerns.c.created_at < cutoff.isoformat(timespec="microseconds"))
    out = []
    for row in conn.execute(query):
        m = row._mapping
        raised = dt.datetime.fromisoformat(m["created_at"]).astimezone(zone).date()
        data = concern_data(m, m["_creator_name"] or "", m["_assignee_name"] or "")
        data.update(
            estate_id=m["_estate_id"],
            estate_name=m["_estate_name"],
            address=_address(m["building"], m["unit"], m["room"]),
            age_days=(today - raised).days,
            overdue=m["due_date"] is not None and m["due_date"] < today.isoformat(),
        )
        out.append(data)
    return out
