"""Timestamps as both sides store them, and the clock."""

from __future__ import annotations

import datetime as dt


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def utc_iso(value: dt.datetime | str | None) -> str | None:
    """Any ISO-8601 timestamp -> UTC ``YYYY-MM-DDTHH:MM:SS.ffffff+00:00``, the one shape both
    sides store, so that timestamps compare as strings in time order. Naive values are taken
    as local time; None or "" stays None. A value with no UTC equivalent (the first or the
    last day of the calendar, offset past its edge) raises ValueError like any bad input."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    try:
        if value.tzinfo is None:
            value = value.astimezone()
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    except OverflowError:  # 9999-12-31T23:59:59-10:00 is past the last UTC instant
        raise ValueError(f"{value.isoformat()} has no UTC time (out of range)") from None


def age_in(birth_year: int | None, year: int | None = None) -> int | None:
    if birth_year is None:
        return None
    return (year or dt.date.today().year) - birth_year
