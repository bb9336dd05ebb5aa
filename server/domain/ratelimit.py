"""Rate limits kept in the ``rate_events`` table: they survive restarts and are shared by
workers and by server processes on one PostgreSQL.

A limit is a key and "at most N events within a window". ``admit`` checks a set of limits and,
if none is reached, counts the event against each of them at once, in a transaction
serialised with every other admission, so parallel requests cannot all pass the check before
any of them is counted. Each row is kept until its own window has passed (``until``), so one
table serves short and long windows together. Keys never hold a client address or a device
id as such, only a digest of it (``digest``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import math
from collections.abc import Sequence

from sqlalchemy import Connection, delete, func, select, text

from server.db.schema import rate_events
from server.domain.timeutil import iso, now_utc


def digest(value: str) -> str:
    """A short stable digest of an address or device id, so keys name no client as such."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:24]


@dataclasses.dataclass(frozen=True)
class Limit:
    key: str
    max_events: int
    window: dt.timedelta


@dataclasses.dataclass(frozen=True)
class Admission:
    """``wait`` is None when admitted (then ``event_ids`` are the rows counted), else the
    seconds until the limit ``refused_by`` lets one more event through."""

    wait: int | None
    event_ids: list[int]
    refused_by: Limit | None = None

    @property
    def admitted(self) -> bool:
        return self.wait is None


def retry_after(conn: Connection, limit: Limit, now: dt.datetime) -> int | None:
    """Seconds until ``limit`` admits one more event, or None if it does now."""
    in_window = (rate_events.c.key == limit.key) & (rate_events.c.at > iso(now - limit.window))
    count = conn.execute(select(func.count()).where(in_window)).scalar_one()
    if count < limit.max_events:
        return None
    # the event whose leaving the window brings the count below the limit
    leaving = conn.execute(
        select(rate_events.c.at)
        .where(in_window)
        .order_by(rate_events.c.at)
        .offset(count - limit.max_events)
        .limit(1)
    ).scalar_one()
    leaves = dt.datetime.fromisoformat(leaving) + limit.window
    return max(1, math.ceil((leaves - now).total_seconds()))


def record(conn: Connection, limits: Sequence[Limit], now: dt.datetime) -> list[int]:
    """Count one event against each limit's key (and drop rows whose window has passed);
    returns the new rows' ids."""
    conn.execute(delete(rate_events).where(rate_events.c.until <= iso(now)))
    return [
        conn.execute(
            rate_events.insert()
            .values(key=lim.key, at=iso(now), until=iso(now + lim.window))
            .returning(rate_events.c.id)
        ).scalar_one()
        for lim in limits
    ]


#: any fixed 64-bit number: the PostgreSQL advisory lock that queues admissions
_ADMISSION_LOCK = 0x78_6C_6C_6F_67_69_6E


def admit(
    conn: Connection, enforced: Sequence[Limit], *, counted: Sequence[Limit] = ()
) -> Admission:
    """Check the ``enforced`` limits and, if none is reached, count the event against them
    and against ``counted`` (limits counted here but checked on other occasions).

    Call it in a write transaction: on SQLite that holds the database write lock; on
    PostgreSQL a transaction advisory lock queues admissions, so the check and the count are
    one step. When several limits are reached, the longest wait is given."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADMISSION_LOCK})
    now = now_utc()
    refused: tuple[int, Limit] | None = None
    for lim in enforced:
        wait = retry_after(conn, lim, now)
        if wait is not None and (refused is None or wait > refused[0]):
            refused = (wait, lim)
    if refused is not None:
        return Admission(refused[0], [], refused[1])
    return Admission(None, record(conn, [*enforced, *counted], now))


def forget(conn: Connection, event_ids: Sequence[int]) -> None:
    """Take counted events back (the request they counted turned out not to be one)."""
    if event_ids:
        conn.execute(delete(rate_events).where(rate_events.c.id.in_(list(event_ids))))


def clear(conn: Connection, key: str) -> None:
    """Forget every event counted against ``key``."""
    conn.execute(delete(rate_events).where(rate_events.c.key == key))
