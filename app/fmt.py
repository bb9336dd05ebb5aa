"""Turning stored values into words and dates for display (language from the translator)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def parse_time(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, dt.date):
        when = dt.datetime(value.year, value.month, value.day)
    else:
        try:
            when = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.astimezone()  # stored naive times are local
    return when.astimezone()


def date(value: Any) -> str:
    when = parse_time(value)
    return when.strftime("%Y-%m-%d") if when else ""


def date_time(value: Any) -> str:
    when = parse_time(value)
    return when.strftime("%Y-%m-%d %H:%M") if when else ""


def ago(t, value: Any, now: dt.datetime | None = None) -> str:
    """ "3 分钟前" style; falls back to the date after a week."""
    when = parse_time(value)
    if when is None:
        return t("sync.never")
    now = now or dt.datetime.now().astimezone()
    seconds = (now - when).total_seconds()
    if seconds < 60:
        return t("time.just_now")
    if seconds < 3600:
        return t("time.minutes_ago", n=int(seconds // 60))
    if seconds < 86400:
        return t("time.hours_ago", n=int(seconds // 3600))
    if seconds < 7 * 86400:
        return t("time.days_ago", n=int(seconds // 86400))
    return when.strftime("%Y-%m-%d")


def address(row: dict) -> str:
    if row.get("address"):
        return str(row["address"])
    parts = [str(row.get(k) or "") for k in ("building", "unit", "room")]
    return "-".join(p for p in parts if p)


def topic(question_label: str | None) -> str:
    """A question as the start of a concern's text: without its closing question mark or
    colon (the concern then reads "你家有几口人：3", not "你家有几口人？：3")."""
    return (question_label or "").strip().rstrip("？?：:。. ").strip()


def flag_labels(t, flags: list[str] | None, age: int | None) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if age is not None and age >= 60:
        out.append(("aged_60", t("flag.aged_60")))
    for f in flags or []:
        key = f"flag.{f}"
        if t.has(key):
            out.append((f, t(key)))
    return out


def category(t, value: str | None) -> str:
    """A concern's category in words: one of the shared list (``CONCERN_CATEGORIES``) in the
    chosen language; a category the server or staff wrote otherwise is shown as written."""
    from services.protocol import CONCERN_CATEGORIES

    if not value:
        return ""
    key = f"concern.cat.{CONCERN_CATEGORIES.get(value, value)}"
    return t(key) if t.has(key) else str(value)
