"""Concern due dates (时限): a number of working days after the day a concern was raised,
in the community's calendar (Monday to Friday, less public holidays, plus weekend days
worked instead), by category (``Settings.due_working_days``)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from server.settings import Settings


def is_working_day(day: dt.date, settings: Settings) -> bool:
    if day in settings.extra_workdays:
        return True
    return day.weekday() < 5 and day not in settings.holidays


def add_working_days(start: dt.date, days: int, settings: Settings) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself never counts)."""
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, settings):
            left -= 1
    return day


def local_date(moment: dt.datetime, settings: Settings) -> dt.date:
    return moment.astimezone(ZoneInfo(settings.community_timezone)).date()


def due_date_for(category: str, raised_at: dt.datetime, settings: Settings) -> dt.date:
    """When a concern of ``category`` raised at ``raised_at`` is due."""
    return add_working_days(
        local_date(raised_at, settings), settings.due_working_days_for(category), settings
    )
