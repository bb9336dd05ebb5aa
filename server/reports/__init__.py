"""The office's read side: figures over a place and a period counted by the database, the
concerns a review meeting may take up, and a meeting's minutes.

``report_summary`` answers ``GET /reports/summary``, ``agenda`` ``GET /meetings/agenda``,
``minutes`` ``GET /meetings/{id}/minutes``. Refusals: ``ReportRefused`` (403),
``UnknownPlace`` / ``UnknownMeeting`` (404), ``PlaceMismatch`` / ``BadPeriod`` (422).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine

from server.db.engine import read_tx
from server.domain.principal import Principal
from server.reports.agenda import agenda_candidates
from server.reports.minutes import UnknownMeeting, meeting_minutes
from server.reports.period import BadPeriod, Period, local_today
from server.reports.place import Place, PlaceMismatch, ReportRefused, UnknownPlace, report_place
from server.reports.summary import summarize


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
    """Open and in-review concerns of the place the principal may see, oldest first."""
    with read_tx(engine) as conn:
        place = report_place(conn, principal, district_id, estate_id)
        return agenda_candidates(
            conn,
            place,
            timezone=timezone,
            today=local_today(timezone),
            category=category,
            min_age_days=min_age_days,
            limit=limit,
        )


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
    "minutes",
    "report_summary",
]
