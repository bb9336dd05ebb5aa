"""Devices and client addresses that have signed in to an account before.

A successful login remembers its device id and its client address (as digests) for the
account; the most recent ``KEEP_PER_KIND`` of each are kept. Being known lets a login try
after strangers have spent the account's failure budget (server.domain.login_limits), so
a head's own phone is never locked out by guesses from elsewhere.
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, delete, exists, or_, select

from server.db.engine import insert_on_conflict
from server.db.schema import known_logins
from server.domain.ratelimit import digest
from server.domain.timeutil import now_iso

#: devices (and, apart, addresses) remembered per account
KEEP_PER_KIND = 20


def is_known(conn: Connection, user_id: str, *, device_id: str, address: str) -> bool:
    """Whether this device or this address has signed in to the account before."""
    k = known_logins.c
    return bool(
        conn.execute(
            select(
                exists().where(
                    k.user_id == user_id,
                    or_(
                        and_(k.kind == "device", k.digest == digest(device_id)),
                        and_(k.kind == "address", k.digest == digest(address)),
                    ),
                )
            )
        ).scalar()
    )


def remember(conn: Connection, user_id: str, *, device_id: str, address: str) -> None:
    """Note a successful login from this device and address (forgetting the oldest beyond
    KEEP_PER_KIND)."""
    k = known_logins.c
    at = now_iso()
    for kind, value in (("device", device_id), ("address", address)):
        stmt = insert_on_conflict(conn, known_logins).values(
            user_id=user_id, kind=kind, digest=digest(value), last_at=at
        )
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[k.user_id, k.kind, k.digest], set_={"last_at": at}
            )
        )
        stale = (
            select(k.digest)
            .where(k.user_id == user_id, k.kind == kind)
            .order_by(k.last_at.desc(), k.digest)
            .offset(KEEP_PER_KIND)
        )
        conn.execute(
            delete(known_logins).where(
                k.user_id == user_id, k.kind == kind, k.digest.in_(stale.scalar_subquery())
            )
        )
