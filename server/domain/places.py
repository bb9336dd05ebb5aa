"""Districts and estates as the office keeps them: create and rename.

Names are compared the way the register import compares them (``name_key``: script, width,
spacing, case), and a new or renamed estate that is *nearly* another one's name
(``loose_name_key``: numerals either way, a trailing 小区) is refused, so a typo never becomes
a second estate. Every write bumps the row's version and goes through the change log in the
same transaction, so phones whose scope holds the place pull the new name.
"""

from __future__ import annotations

import uuid
from typing import Literal

from sqlalchemy import Connection, Engine, select, true, update

from server.db.changelog import record_change
from server.db.engine import write_tx
from server.db.schema import districts, estates
from server.domain import entities as ent
from server.domain.communities import CommunityError, sole_community
from server.domain.register.text import loose_name_key, name_key

EstateKind = Literal["estate", "apartment"]


class PlaceError(ValueError):
    """A district or estate change that cannot be made (nothing was written)."""


class PlaceNotFound(PlaceError):
    """The district or estate named does not exist."""


def _clean(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or "\x00" in name:
        raise PlaceError("the name must have 1-64 characters")
    return name


def _community_of(conn: Connection, district_id: str, community: str | None) -> str:
    """The community of an existing district; PlaceNotFound if there is none, or it is not
    in ``community`` (the acting staff's: another community's places are not theirs)."""
    owner = conn.execute(
        select(districts.c.community_id).where(districts.c.id == district_id)
    ).first()
    if owner is None or (community is not None and owner.community_id != community):
        raise PlaceNotFound(f"no district with id {district_id}")
    return owner.community_id


def _check_district_name(
    conn: Connection, name: str, community: str, *, except_id: str | None = None
) -> None:
    """Names are unique within a community (every seeded community has the same ones)."""
    for row in conn.execute(
        select(districts.c.id, districts.c.name).where(districts.c.community_id == community)
    ):
        if row.id != except_id and name_key(row.name) == name_key(name):
            raise PlaceError(f"a district named {row.name!r} already exists")


def _check_estate_name(
    conn: Connection, name: str, community: str, *, except_id: str | None = None
) -> None:
    for row in conn.execute(
        select(estates.c.id, estates.c.name)
        .join(districts, districts.c.id == estates.c.district_id)
        .where(districts.c.community_id == community)
    ):
        if row.id == except_id:
            continue
        if name_key(row.name) == name_key(name):
            raise PlaceError(f"an estate named {row.name!r} already exists")
        if loose_name_key(row.name) == loose_name_key(name):
            raise PlaceError(f"{name!r} is nearly the estate {row.name!r}; write the name exactly")


def _record_district(conn: Connection, district_id: str) -> dict:
    row = conn.execute(select(districts).where(districts.c.id == district_id)).one()
    data = ent.district_data(row)
    record_change(conn, "district", district_id, version=row.version, data=data, district_id=row.id)
    return {**data, "version": row.version}


def _record_estate(conn: Connection, estate_id: str) -> dict:
    row = conn.execute(select(estates).where(estates.c.id == estate_id)).one()
    data = ent.estate_data(row)
    record_change(
        conn,
        "estate",
        estate_id,
        version=row.version,
        data=data,
        estate_id=row.id,
        district_id=row.district_id,
    )
    return {**data, "version": row.version}


def create_district(engine: Engine, *, name: str, community: str | None = None) -> dict:
    """A new district in ``community`` (default: the database's only community)."""
    name = _clean(name)
    with write_tx(engine) as conn:
        district_id = str(uuid.uuid4())
        try:
            community = community or sole_community(conn)
        except CommunityError as exc:
            raise PlaceError(str(exc)) from None
        _check_district_name(conn, name, community)
        conn.execute(
            districts.insert().values(id=district_id, name=name, version=1, community_id=community)
        )
        return _record_district(conn, district_id)


def rename_district(
    engine: Engine, district_id: str, *, name: str, community: str | None = None
) -> dict:
    """``community``: the acting staff's (another community's district is not found)."""
    name = _clean(name)
    with write_tx(engine) as conn:
        owner = _community_of(conn, district_id, community)
        _check_district_name(conn, name, owner, except_id=district_id)
        conn.execute(
            update(districts)
            .where(districts.c.id == district_id)
            .values(name=name, version=districts.c.version + 1)
        )
        return _record_district(conn, district_id)


def create_estate(
    engine: Engine,
    *,
    district_id: str,
    name: str,
    kind: EstateKind = "estate",
    community: str | None = None,
) -> dict:
    """``community``: the acting staff's (another community's district is not found)."""
    name = _clean(name)
    with write_tx(engine) as conn:
        owner = _community_of(conn, district_id, community)
        _check_estate_name(conn, name, owner)
        estate_id = str(uuid.uuid4())
        conn.execute(
            estates.insert().values(
                id=estate_id, district_id=district_id, name=name, kind=kind, version=1
            )
        )
        return _record_estate(conn, estate_id)


def rename_estate(
    engine: Engine, estate_id: str, *, name: str, community: str | None = None
) -> dict:
    """``community``: the acting staff's (another community's estate is not found)."""
    name = _clean(name)
    with write_tx(engine) as conn:
        district_id = ent.estate_district(conn, estate_id)
        if district_id is None:
            raise PlaceNotFound(f"no estate with id {estate_id}")
        try:
            owner = _community_of(conn, district_id, community)
        except PlaceNotFound:
            raise PlaceNotFound(f"no estate with id {estate_id}") from None
        _check_estate_name(conn, name, owner, except_id=estate_id)
        conn.execute(
            update(estates)
            .where(estates.c.id == estate_id)
            .values(name=name, version=estates.c.version + 1)
        )
        return _record_estate(conn, estate_id)


def list_places(conn: Connection, community: str | None = None) -> list[dict]:
    """Every district (of ``community``, when given) with its estates, both by name."""
    mine = true() if community is None else districts.c.community_id == community
    out = [
        {"id": d.id, "name": d.name, "version": d.version, "estates": []}
        for d in conn.execute(select(districts).where(mine).order_by(districts.c.name))
    ]
    by_id = {d["id"]: d for d in out}
    for e in conn.execute(
        select(estates)
        .join(districts, districts.c.id == estates.c.district_id)
        .where(mine)
        .order_by(estates.c.name)
    ):
        by_id[e.district_id]["estates"].append({**ent.estate_data(e), "version": e.version})
    return out
