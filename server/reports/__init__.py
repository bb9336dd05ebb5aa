"""The office's read side: figures over a place and a period counted by the database, the
concerns a review meeting may take up, and a meeting's minutes.

``report_summary`` answers ``GET /reports/summary``, ``concern_list`` ``GET /reports/concerns``
and ``household_list`` ``GET /reports/households``, ``visits_by_week`` ``GET /reports/weeks`` (the rows behind its figures), ``agenda`` ``GET /meetings/agenda``,
``minutes`` ``GET /meetings/{id}/minutes``, ``assignees`` ``GET /assignees``. Refusals: ``ReportRefused`` (403),
``UnknownPlace`` / ``UnknownMeeting`` (404), ``PlaceMismatch`` / ``BadPeriod`` (422).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine

from server.db.engine import read_tx
from server.domain.principal import Principal
from server.reports.assignees import list_assignees
from server.reports.concern_list import ConcernFilter, list_concerns
from server.reports.household_list import list_households
from server.reports.minutes import UnknownMeeting, meeting_minutes
from server.reports.period import BadPeriod, Period, local_today
from server.reports.place import Place, PlaceMismatch, ReportRefused, UnknownPlace, report_place
from server.reports.summary import summarize, weekly_visits
from services.protocol import UNFINISHED_STATUSES


def report_summary(
    engine: Engine,
    principal: Principal,
    *,
    first: dt.date,
    last: dt.date,
    timezone: str,
    district_id: str | None = None,
    estate_id: str | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The figures the principal asked for (a ``ReportSummary``), in one read transaction."""
    period = Period.of(first, last, timezone)
    with read_tx(engine) as conn:
        place = report_place(conn, principal, district_id, estate_id)
        return summarize(conn, place, period, today=today or local_today(timezone))


def visits_by_week(
    engine: Engine,
    principal: Principal,
    *,
    first: dt.date,
    last: dt.date,
    timezone: str,
    district_id: str | None = None,
    estate_id: str | None = None,
    user_id: str | None = None,
) -> list[dict[str, Any]] | None:
    """The summary's weekly visits of a place, or of one user's visits there."""
    period = Period.of(first, last, timezone)
    with read_tx(engine) as conn:
        place = report_place(conn, principal, district_id, estate_id)
        return weekly_visits(conn, place, period, user_id=user_id)


def concern_list(
    engine: Engine,
    principal: Principal,
    *,
    timezone: str,
    first: dt.date | None = None,
    last: dt.date | None = None,
    district_id: str | None = None,
    estate_id: str | None = None,
    statuses: tuple[str, ...] = (),
    kind: str | None = None,
    category: str | None = None,
    overdue: bool = False,
    raised_by: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """The concerns behind a summary figure: (how many, the page), oldest first."""
    if (first is None) != (last is None):
        raise BadPeriod("give both from and to, or neither")
    period = Period.of(first, last, timezone) if first is not None else None
    which = ConcernFilter(
        period=period,
        statuses=statuses,
        kind=kind,
        category=category,
        overdue=overdue,
        raised_by=raised_by,
    )
    with read_tx(engine) as conn:
        place = report_place(conn, principal, district_id, estate_id)
        return list_concerns(
            conn,
            place,
            which,
            timezone=timezone,
            today=local_today(timezone),
            limit=limit,
            offset=offset,
        )


def household_list(
    engine: Engine,
    principal: Principal,
    *,
    timezone: str,
    first: dt.date,
    last: dt.date,
    district_id: str | None = None,
    estate_id: str | None = None,
    visited: bool | None = None,
    limit: int = 200,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """The households behind the coverage figures: (how many, the page)."""
    period = Period.of(first, last, timezone)
    with read_tx(engine) as conn:
        place = report_place(conn, principal, district_id, estate_id)
        return list_households(conn, place, period, visited=visited, limit=limit, offset=offset)


def agenda(
    engine: Engine,
    principal: Principal,
    *,
    timezone: str,
    district_id: str | None = None,
    estate_id: str | None = None,
    category: str | None = None,
    min_age_days: int = 0,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Open and in-review concerns not merged away, of the place the principal may see,
    oldest first."""
    which = ConcernFilter(
        statuses=UNFINISHED_STATUSES, category=category, unmerged=True, min_age_days=min_age_days
    )
    with read_tx(engine) as conn:
        place = report_place(conn, principal, district_id, estate_id)
        _, found = list_concerns(
            conn, place, which, timezone=timezone, today=local_today(timezone), limit=limit
        )
        return found


def assignees(engine: Engine, principal: Principal) -> list[dict[str, Any]]:
    """The people the principal may give concerns to."""
    with read_tx(engine) as conn:
        return list_assignees(conn, principal)


def minutes(
    engine: Engine, principal: Principal, meeting_id: str, *, lang: str, timezone: str
) -> tuple[str, str]:
    """(file name, Markdown) of a meeting's minutes."""
    with read_tx(engine) as conn:
        return meeting_minutes(conn, principal, meeting_id, lang=lang, timezone=timezone)


__all__ = [
    "BadPeriod",
    "Period",
    "Place",
    "PlaceMismatch",
    "ReportRefused",
    "UnknownMeeting",
    "UnknownPlace",
    "agenda",
    "assignees",
    "concern_list",
    "household_list",
    "minutes",
    "report_summary",
    "visits_by_week",
]
