"""Login rate limiting, kept in the ``login_attempts`` table (survives restarts, shared by
workers and by server processes on one PostgreSQL).

Each login attempt adds a row for ``user:<username>`` and one for ``client:<address>``
BEFORE its password is checked (``admit``), in a transaction serialised with every other
admission, so parallel guesses cannot all pass the check before any of them is counted; a
successful login then takes its own rows back and clears its username's failures (``settle``).
A login is refused with 429 while either key has reached its limit of failures within the
window (Settings: 5 per username, 20 per client, 5 minutes); ``Retry-After`` says when the
oldest counted failure leaves the window.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

from sqlalchemy import Connection, delete, func, select, text

from server.db.schema import login_attempts
from server.domain.timeutil import iso, now_utc


def user_key(username: str) -> str:
    return "user:" + username.strip().lower()[:64]


def client_key(address: str) -> str:
    return "client:" + (address or "unknown")[:120]


@dataclasses.dataclass(frozen=True)
class Limit:
    key: str
    max_failures: int


def retry_after(conn: Connection, limits: list[Limit], window: dt.timedelta) -> int | None:
    """Seconds to wait if any limit is reached now, else None."""
    now = now_utc()
    since = iso(now - window)
    wait = 0.0
    for lim in limits:
        count, oldest = conn.execute(
            select(func.count(), func.min(login_attempts.c.at)).where(
                login_attempts.c.key == lim.key, login_attempts.c.at > since
            )
        ).one()
        if count >= lim.max_failures and oldest is not None:
            leaves = dt.datetime.fromisoformat(oldest) + window
            wait = max(wait, (leaves - now).total_seconds())
    return max(1, math.ceil(wait)) if wait > 0 else None


def record_failure(conn: Connection, keys: list[str], window: dt.timedelta) -> list[int]:
    """Count one failure against each key, and forget failures older than the window;
    returns the new rows' ids."""
    now = now_utc()
    conn.execute(delete(login_attempts).where(login_attempts.c.at <= iso(now - window)))
    return [
        conn.execute(
            login_attempts.insert().values(key=k, at=iso(now)).returning(login_attempts.c.id)
        ).scalar_one()
        for k in keys
    ]


#: any fixed 64-bit number: the PostgreSQL advisory lock that queues login admissions
_ADMISSION_LOCK = 0x78_6C_6C_6F_67_69_6E


def admit(
    conn: Connection, limits: list[Limit], window: dt.timedelta
) -> tuple[int | None, list[int]]:
    """Check the limits and, if none is reached, count this attempt as a failure at once.

    Returns (seconds to wait, None if admitted; ids of the rows counted). Call it in a write
    transaction: on SQLite that holds the database write lock; on PostgreSQL a transaction
    advisory lock queues admissions, so the count and the insert are one step."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADMISSION_LOCK})
    wait = retry_after(conn, limits, window)
    if wait is not None:
        return wait, []
    return None, record_failure(conn, [lim.key for lim in limits], window)


def settle(conn: Connection, attempt_ids: list[int], user: str) -> None:
    """A login succeeded: its attempt was no failure, and the username starts afresh."""
    if attempt_ids:
        conn.execute(delete(login_attempts).where(login_attempts.c.id.in_(attempt_ids)))
    clear(conn, user)


def clear(conn: Connection, key: str) -> None:
    conn.execute(delete(login_attempts).where(login_attempts.c.key == key))
