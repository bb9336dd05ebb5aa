"""The office's read side: figures over a place and a period, counted by the database.

``report_summary(engine, principal, ...)`` is what ``GET /reports/summary`` answers; the
place and period checks raise ``ReportRefused`` (403), ``UnknownPlace`` (404),
``PlaceMismatch`` or ``BadPeriod`` (422).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine

from server.db.engine import read_tx
from server.domain.principal import Principal
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


__all__ = [
    "BadPeriod",
    "Period",
    "Place",
    "PlaceMismatch",
    "ReportRefused",
    "UnknownPlace",
    "report_summary",
]
