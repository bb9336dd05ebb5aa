"""Opaque bearer tokens: random, shown to the client once, stored only as a sha256 hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from server.db.schema import districts, estates, tokens, user_estates, users
from server.domain.communities import street_communities
from server.domain.principal import Principal
from server.domain.timeutil import iso, now_utc


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    conn: Connection, user_id: str, device_id: str, ttl: dt.timedelta
) -> tuple[str, dt.datetime]:
    """Create a token for ``user_id``; returns (token, expires_at). Only its hash is stored."""
    token = secrets.token_urlsafe(32)
    now = now_utc()
    expires = now + ttl
    conn.execute(
        tokens.insert().values(
            token_hash=token_hash(token),
            user_id=user_id,
            device_id=device_id,
            created_at=iso(now),
            expires_at=iso(expires),
        )
    )
    return token, expires


def revoke_token(conn: Connection, token: str) -> bool:
    """Revoke a token; True if it was live."""
    res = conn.execute(
        update(tokens)
        .where(tokens.c.token_hash == token_hash(token), tokens.c.revoked_at.is_(None))
        .values(revoked_at=iso(now_utc()))
    )
    return res.rowcount > 0


_PRINCIPAL_COLUMNS = (
    users.c.id,
    users.c.username,
    users.c.name,
    users.c.role,
    users.c.district_id,
    users.c.community_id,
    users.c.street_id,
)


def load_principal(conn: Connection, user_id: str) -> Principal | None:
    """The Principal of an active user, with the estates and communities they cover."""
    u = conn.execute(
        select(*_PRINCIPAL_COLUMNS).where(users.c.id == user_id, users.c.active.is_(True))
    ).first()
    return None if u is None else _principal(conn, u)


def _principal(conn: Connection, u: Any, head_estates: frozenset[str] | None = None) -> Principal:
    """``u``'s Principal; ``head_estates``: a head's estates, when already read."""
    if u.role == "street":
        community_ids = tuple(street_communities(conn, u.street_id)) if u.street_id else ()
    else:
        community_ids = (u.community_id,) if u.community_id else ()
    params: dict[str, Any] = {}
    if u.role in ("staff", "street"):
        q = (
            select(estates.c.id)
            .join(districts, districts.c.id == estates.c.district_id)
            .where(districts.c.community_id.in_(community_ids))
        )
    elif u.role == "district_head":
        q = select(estates.c.id).where(estates.c.district_id == u.district_id)
    elif head_estates is None:
        q, params = _HEAD_ESTATES, {"user": u.id}
    else:
        q = None
    estate_ids = frozenset(conn.execute(q, params).scalars()) if q is not None else head_estates
    district_ids: frozenset[str] = frozenset()
    if u.role in ("staff", "street"):
        district_ids = frozenset(
            conn.execute(
                select(districts.c.id).where(districts.c.community_id.in_(community_ids))
            ).scalars()
        )
    return Principal(
        id=u.id,
        username=u.username,
        name=u.name,
        role=u.role,
        estate_ids=estate_ids,
        district_id=u.district_id if u.role == "district_head" else None,
        community_id=u.community_id if u.role != "street" else None,
        street_id=u.street_id if u.role == "street" else None,
        community_ids=community_ids,
        district_ids=district_ids,
    )


# the token, its user and the user's own estates (a head's) in one statement, built once: every
# request asks this (one row per estate; one row with no estate for a user without any)
_TOKEN_USER = (
    select(*_PRINCIPAL_COLUMNS, tokens.c.expires_at, tokens.c.revoked_at, user_estates.c.estate_id)
    .select_from(tokens)
    .join(users, users.c.id == tokens.c.user_id)
    .outerjoin(user_estates, user_estates.c.user_id == users.c.id)
    .where(tokens.c.token_hash == bindparam("token_hash"), users.c.active.is_(True))
)
#: a head's estates (every request of a head asks this)
_HEAD_ESTATES = select(user_estates.c.estate_id).where(user_estates.c.user_id == bindparam("user"))


def principal_for_token(conn: Connection, token: str) -> Principal | None:
    """The Principal behind a live (not revoked, not expired) token of an active user."""
    rows = conn.execute(_TOKEN_USER, {"token_hash": token_hash(token)}).all()
    if not rows or rows[0].revoked_at is not None or rows[0].expires_at <= iso(now_utc()):
        return None
    own = frozenset(r.estate_id for r in rows if r.estate_id is not None)
    return _principal(conn, rows[0], head_estates=own)
