"""Households as the office lists them behind the coverage figures: visited or not in a
period, with their estate, address, people count and latest visit ever."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, func, select

from server.db.schema import estates, households, visits
from server.domain.entities import household_address
from server.reports.period import Period
from server.reports.place import Place


def list_households(
    conn: Connection,
    place: Place,
    period: Period,
    *,
    visited: bool | None,
    limit: int,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """(how many match, the page): households of ``place``, only those with (``visited``
    True) or without (False) a visit in ``period``, by estate and address."""
    in_period = (
        select(visits.c.household_id, func.count().label("n"))
        .where(visits.c.visited_at >= period.start, visits.c.visited_at < period.end)
        .group_by(visits.c.household_id)
        .subquery()
    )
    latest = (
        select(visits.c.household_id, func.max(visits.c.visited_at).label("at"))
        .group_by(visits.c.household_id)
        .subquery()
    )
    where = [place.estates_clause()]
    if visited is True:
        where.append(in_period.c.n.is_not(None))
    elif visited is False:
        where.append(in_period.c.n.is_(None))
    joined = households.join(estates, estates.c.id == households.c.estate_id).outerjoin(
        in_period, in_period.c.household_id == households.c.id
    )
    total = conn.execute(select(func.count()).select_from(joined).where(and_(*where))).scalar_one()
    rows = conn.execute(
        select(
            households.c.id,
            estates.c.id,
            estates.c.name,
            estates.c.district_id,
            households.c.building,
            households.c.unit,
            households.c.room,
            households.c.people_count,
            latest.c.at,
            in_period.c.n,
        )
        .select_from(joined.outerjoin(latest, latest.c.household_id == households.c.id))
        .where(and_(*where))
        .order_by(estates.c.id, households.c.building, households.c.unit, households.c.room)
        .limit(limit)
        .offset(offset)
    )
    return total, [
        {
            "id": r[0],
            "estate_id": r[1],
            "estate_name": r[2],
            "district_id": r[3],
            "address": household_address(r[4], r[5], r[6]),
            "people_count": r[7],
            "last_visit_at": r[8],
            "visits_in_period": r[9] or 0,
        }
        for r in rows
    ]
