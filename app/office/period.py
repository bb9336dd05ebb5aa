"""The periods the office reports over: this month, this quarter, this year, or chosen days;
and the community's local midnights a period starts and ends at."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from services.protocol import utc_iso

PERIODS = ("month", "quarter", "year", "custom")
#: the community's zone when the server's report has not said it yet
DEFAULT_ZONE = "Asia/Shanghai"


def period_days(kind: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of this month, quarter or year, up to today."""
    if kind == "month":
        return today.replace(day=1), today
    if kind == "quarter":
        return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    if kind == "year":
        return dt.date(today.year, 1, 1), today
    raise ValueError(f"unknown period {kind}")


def parse_day(text: str | None) -> dt.date | None:
    """``YYYY-MM-DD`` as typed (surrounding spaces allowed), or None if it is not a date."""
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def zone(name: str | None) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name or DEFAULT_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.timezone(dt.timedelta(hours=8))  # a phone without the zone database


def local_bounds(first: dt.date, last: dt.date, zone_name: str | None) -> tuple[str, str]:
    """UTC timestamps of the local midnight starting ``first`` and the one after ``last``."""
    tz = zone(zone_name)
    start = dt.datetime.combine(first, dt.time(), tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)
    return utc_iso(start), utc_iso(end)
