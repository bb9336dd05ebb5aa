"""Login rate limiting, kept in the ``login_attempts`` table (survives restarts, shared by
workers and by server processes on one PostgreSQL).

Each failed login adds a row for ``user:<username>`` and one for ``client:<address>``. A login
is refused with 429 while either key has reached its limit of failures within the window
(Settings: 5 per username, 20 per client, 5 minutes); ``Retry-After`` says when the oldest
counted failure leaves the window. A successful login clears its username's failures.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

from sqlalchemy import Connection, delete, func, select

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


def record_failure(conn: Connection, keys: list[str], window: dt.timedelta) -> None:
    """Count one failure against each key, and forget failures older than the window."""
    now = now_utc()
    conn.execute(delete(login_attempts).where(login_attempts.c.at <= iso(now - window)))
    conn.execute(login_attempts.insert(), [{"key": k, "at": iso(now)} for k in keys])


def clear(conn: Connection, key: str) -> None:
    conn.execute(delete(login_attempts).where(login_attempts.c.key == key))
