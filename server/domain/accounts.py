"""Logins for real deployments: create a user, set a password, assign estates or a district,
disable or enable a login, clear an account's failed logins, list the logins.

Used by the ``create-user`` / ``set-password`` / ``assign`` / ``unlock-login`` commands and the
office's administration routes. Every function runs in
one write transaction and raises ``AccountError`` (writing nothing) when asked for something
that cannot be done. Users are not synced to phones, so nothing here touches the change log;
a head's cursors become stale when their estates change (the pull answers 410 for a cursor
taken under another scope) and their phones start again from no cursor.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from sqlalchemy import Connection, Engine, delete, func, or_, select, true, update

from server.db.engine import write_tx
from server.db.schema import communities, districts, estates, tokens, user_estates, users
from server.domain.communities import CommunityError, sole_community, sole_street
from server.domain.passwords import hash_password
from services.protocol import ROLES

MIN_PASSWORD_LENGTH = 8
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


class AccountError(ValueError):
    """A user-management request that cannot be carried out (nothing was written)."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > 256:
        raise AccountError("the password must have at most 256 characters")


def _user(conn: Connection, username: str, community: str | None = None):
    """The user named ``username``; with ``community`` (the acting staff's), only one of
    that community: another community's logins are not theirs to see or change."""
    row = conn.execute(select(users).where(users.c.username == username)).first()
    if row is None or (community is not None and row.community_id != community):
        raise AccountError(f"no user named {username!r}")
    return row


def _revoke_tokens(conn: Connection, user_id: str) -> int:
    return conn.execute(
        update(tokens)
        .where(tokens.c.user_id == user_id, tokens.c.revoked_at.is_(None))
        .values(revoked_at=_now())
    ).rowcount


def create_user(
    engine: Engine,
    *,
    username: str,
    name: str,
    role: str,
    password: str,
    community: str | None = None,
) -> str:
    """Create an active login; returns its id. Estates/district come later with ``assign``.
    ``community``: its community, by id or name (the acting staff's, or the operator's
    choice; default: the database's only community). A street login belongs to the
    database's only street."""
    if not _USERNAME.match(username):
        raise AccountError("the username may use letters, digits, '.', '_' and '-' (1-64)")
    if not name.strip() or len(name) > 64:
        raise AccountError("the name must have 1-64 characters")
    if role not in ROLES:
        raise AccountError(f"the role must be one of {', '.join(ROLES)}")
    check_password(password)
    password_hash = hash_password(password)
    with write_tx(engine) as conn:
        if conn.execute(select(users.c.id).where(users.c.username == username)).first():
            raise AccountError(f"a user named {username!r} already exists")
        user_id = str(uuid.uuid4())
        try:
            community_id = None if role == "street" else _community(conn, community)
            street_id = sole_street(conn) if role == "street" else None
        except CommunityError as exc:
            raise AccountError(str(exc)) from None
        conn.execute(
            users.insert().values(
                id=user_id,
                username=username,
                name=name.strip(),
                role=role,
                community_id=community_id,
                street_id=street_id,
                district_id=None,
                password_hash=password_hash,
                active=True,
                created_at=_now(),
            )
        )
    return user_id


def _community(conn: Connection, ref: str | None) -> str:
    if ref is None:
        return sole_community(conn)
    found = conn.execute(
        select(communities.c.id).where(or_(communities.c.id == ref, communities.c.name == ref))
    ).all()
    if len(found) != 1:
        raise AccountError(
            f"no community named or with id {ref!r}"
            if not found
            else f"{len(found)} communities are named {ref!r}; give its id instead"
        )
    return found[0].id


def set_password(
    engine: Engine, *, username: str, password: str, community: str | None = None
) -> int:
    """Replace the user's password and revoke their live tokens; returns how many.
    ``community``: the acting staff's (a user of another community is not found)."""
    check_password(password)
    password_hash = hash_password(password)
    with write_tx(engine) as conn:
        user = _user(conn, username, community)
        conn.execute(update(users).where(users.c.id == user.id).values(password_hash=password_hash))
        return _revoke_tokens(conn, user.id)


def set_active(
    engine: Engine,
    *,
    username: str,
    active: bool,
    acting_user_id: str,
    community: str | None = None,
) -> int:
    """Disable (or enable again) a login. Disabling revokes their live tokens, so every
    phone and browser they are signed in on is signed out at its next request; returns how
    many. Nobody disables their own login: the office would lock itself out."""
    with write_tx(engine) as conn:
        user = _user(conn, username, community)
        if not active and user.id == acting_user_id:
            raise AccountError("you cannot disable your own login")
        conn.execute(update(users).where(users.c.id == user.id).values(active=active))
        if active:
            return 0
        return _revoke_tokens(conn, user.id)


def list_users(conn: Connection, community: str | None = None) -> list[dict]:
    """Every login (of ``community``, when given) with its estates (ids) and district,
    ordered by role then username."""
    estate_ids: dict[str, list[str]] = {}
    for row in conn.execute(
        select(user_estates.c.user_id, user_estates.c.estate_id).order_by(user_estates.c.estate_id)
    ):
        estate_ids.setdefault(row.user_id, []).append(row.estate_id)
    rows = conn.execute(
        select(
            users.c.id,
            users.c.username,
            users.c.name,
            users.c.role,
            users.c.district_id,
            users.c.active,
            users.c.created_at,
        )
        .where(true() if community is None else users.c.community_id == community)
        .order_by(users.c.role, users.c.username)
    )
    return [
        {**row._mapping, "active": bool(row.active), "estate_ids": estate_ids.get(row.id, [])}
        for row in rows
    ]


def unlock_login(engine: Engine, *, username: str) -> int:
    """Forget the failed logins counted against the user (server.domain.login_limits), so
    they may sign in at once from anywhere; returns how many were forgotten."""
    from server.domain.login_limits import forget_account_failures

    with write_tx(engine) as conn:
        user = _user(conn, username)
        return forget_account_failures(conn, user.username)


def _resolve(conn: Connection, table, ref: str, what: str, community: str | None) -> str:
    """The id of the estate or district ``ref`` (a name or an id) in ``community``."""
    query = select(table.c.id).where(or_(table.c.id == ref, table.c.name == ref))
    if community is not None:
        district = districts.c.id if table is districts else table.c.district_id
        query = query.where(
            district.in_(select(districts.c.id).where(districts.c.community_id == community))
        )
    rows = conn.execute(query).all()
    if not rows:
        raise AccountError(f"no {what} named or with id {ref!r}")
    if len(rows) > 1:
        raise AccountError(f"{len(rows)} {what}s are named {ref!r}; give its id instead")
    return rows[0].id


def assign(
    engine: Engine,
    *,
    username: str,
    estate_refs: list[str] | None = None,
    district_ref: str | None = None,
    community: str | None = None,
) -> list[str]:
    """Give a head exactly the estates ``estate_refs`` (names or ids; replaces the old set),
    or a district head the district ``district_ref``, of the user's own community. Returns
    the assigned ids. ``community``: the acting staff's (a user of another community is not
    found)."""
    if bool(estate_refs) == bool(district_ref):
        raise AccountError("give either estates or a district")
    with write_tx(engine) as conn:
        user = _user(conn, username, community)
        if estate_refs:
            if user.role != "head":
                raise AccountError(
                    f"{username!r} is a {user.role}; only heads are assigned estates"
                )
            ids = sorted(
                {_resolve(conn, estates, ref, "estate", user.community_id) for ref in estate_refs}
            )
            conn.execute(delete(user_estates).where(user_estates.c.user_id == user.id))
            conn.execute(user_estates.insert(), [{"user_id": user.id, "estate_id": i} for i in ids])
            return ids
        if user.role != "district_head":
            raise AccountError(f"{username!r} is a {user.role}; only district heads get a district")
        district_id = _resolve(conn, districts, district_ref, "district", user.community_id)
        conn.execute(update(users).where(users.c.id == user.id).values(district_id=district_id))
        return [district_id]


def user_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(users)).scalar_one()
