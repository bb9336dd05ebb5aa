"""Timestamps as the server stores them: ISO-8601 strings in UTC with microseconds, so they
sort as text."""

from __future__ import annotations

import datetime as dt

from services.protocol import utc_iso


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(t: dt.datetime) -> str:
    """``2026-11-24T01:30:00.000000+00:00`` (always this shape, so text order = time order;
    the protocol's ``utc_iso``, which the phone uses too)."""
    return utc_iso(t)


def now_iso() -> str:
    return iso(now_utc())
