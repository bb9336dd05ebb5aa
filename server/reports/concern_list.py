"""Concerns as the office lists them, each with its estate, address, age and whether it is
overdue: the rows behind a figure of the summary (the same place, period and definitions, so
"overdue 7" opens those 7) and the candidates for a review meeting's agenda."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, func, select
from sqlalchemy.orm import aliased

from server.db.schema import concerns, estates, households, users
from server.domain.entities import concern_data, household_address
from server.reports.period import Period
from server.reports.place import Place
from services.protocol import UNFINISHED_STATUSES


@dataclasses.dataclass(frozen=True)
class ConcernFilter:
    #: raised in this period (None: whenever)
    period: Period | None = None
    statuses: tuple[str, ...] = ()
    kind: str | None = None
    category: str | None = None
    #: only open or in-review concerns past their due date
    overdue: bool = False
    raised_by: str | None = None
    #: leave out duplicates merged into another concern
    unmerged: bool = False
    #: raised at least this many whole local days before today
    min_age_days: int = 0


def list_concerns(
    conn: Connection,
    place: Place,
    which: ConcernFilter,
    *,
    timezone: str,
    today: dt.date,
    limit: int,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """(how many match, ``AgendaConcern`` dicts of the page), oldest first."""
    zone = ZoneInfo(timezone)
    where = [place.estates_clause()]
    if which.period is not None:
        where += [
            concerns.c.created_at >= which.period.start,
            concerns.c.created_at < which.period.end,
        ]
    if which.statuses:
        where.append(concerns.c.status.in_(which.statuses))
    if which.kind is not None:
        where.append(concerns.c.kind == which.kind)
    if which.category is not None:
        where.append(concerns.c.category == which.category)
    if which.overdue:
        where += [
            concerns.c.status.in_(UNFINISHED_STATUSES),
            concerns.c.due_date.is_not(None),
            concerns.c.due_date < today.isoformat(),
        ]
    if which.raised_by is not None:
        where.append(concerns.c.created_by == which.raised_by)
    if which.unmerged:
        where.append(concerns.c.merged_into.is_(None))
    if which.min_age_days > 0:
        # raised before the start of the local day min_age_days - 1 days ago
        cutoff = dt.datetime.combine(
            today - dt.timedelta(days=which.min_age_days - 1), dt.time.min, zone
        ).astimezone(dt.UTC)
        where.append(concerns.c.created_at < cutoff.isoformat(timespec="microseconds"))
    located = concerns.join(households, households.c.id == concerns.c.household_id).join(
        estates, estates.c.id == households.c.estate_id
    )
    total = conn.execute(select(func.count()).select_from(located).where(and_(*where))).scalar_one()

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
            located.join(creator, creator.c.id == concerns.c.created_by).outerjoin(
                assignee, assignee.c.id == concerns.c.assignee_id
            )
        )
        .where(and_(*where))
        .order_by(concerns.c.created_at, concerns.c.id)
        .limit(limit)
        .offset(offset)
    )
    out = []
    for row in conn.execute(query):
        m = row._mapping
        raised = dt.datetime.fromisoformat(m["created_at"]).astimezone(zone).date()
        data = concern_data(m, m["_creator_name"] or "", m["_assignee_name"] or "")
        data.update(
            estate_id=m["_estate_id"],
            estate_name=m["_estate_name"],
            address=household_address(m["building"], m["unit"], m["room"]),
            age_days=(today - raised).days,
            overdue=m["status"] in UNFINISHED_STATUSES
            and m["due_date"] is not None
            and m["due_date"] < today.isoformat(),
        )
        out.append(data)
    return total, out
