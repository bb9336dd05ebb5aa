"""Communities (社区) and streets (街道): the top of the hierarchy above districts (片区).

A community owns its districts, its users (but street users) and its change sequence; a
street groups communities for its read-only ``street`` users.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, select

from server.db.schema import communities, streets
from server.db.sequence import create_sequence


class CommunityError(ValueError):
    """No community fits (none, or several where one was expected)."""


def create_street(conn: Connection, name: str, *, street_id: str | None = None) -> str:
    street_id = street_id or str(uuid.uuid4())
    conn.execute(streets.insert().values(id=street_id, name=name))
    return street_id


def create_community(
    conn: Connection, name: str, *, street_id: str | None = None, community_id: str | None = None
) -> str:
    """A new community with its own change sequence; returns its id."""
    community_id = community_id or str(uuid.uuid4())
    conn.execute(communities.insert().values(id=community_id, name=name, street_id=street_id))
    create_sequence(conn, community_id)
    return community_id


def sole_community(conn: Connection) -> str:
    """The database's community when it holds exactly one (what a one-community deployment's
    commands act on without being told which)."""
    found = conn.execute(select(communities.c.id).limit(2)).scalars().all()
    if len(found) != 1:
        raise CommunityError(
            "the database holds no community"
            if not found
            else "name the community: there are several"
        )
    return found[0]


def street_communities(conn: Connection, street_id: str) -> list[str]:
    """The street's communities, in a fixed order (the order of a street cursor's positions)."""
    return list(
        conn.execute(
            select(communities.c.id)
            .where(communities.c.street_id == street_id)
            .order_by(communities.c.id)
        ).scalars()
    )


def sole_street(conn: Connection) -> str:
    """The database's street when it holds exactly one."""
    found = conn.execute(select(streets.c.id).limit(2)).scalars().all()
    if len(found) != 1:
        raise CommunityError(
            "the database holds no street" if not found else "name the street: there are several"
        )
    return found[0]
