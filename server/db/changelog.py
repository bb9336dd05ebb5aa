"""The change log: every write to a syncable row goes through ``record_change``.

Each row belongs to one community, found from its place (its district's community), and is
stamped with the next number of that community's sequence (``server.db.sequence``, which
explains why numbers become visible in order); a pull reads the rows after its cursor. A row
with no place (a checklist, a questionnaire: deployment-wide) goes to the community the caller
names, or else into every community's log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

from server.db.among import among
from server.db.bulk import insert_many, insert_rows
from server.db.engine import insert_on_conflict
from server.db.schema import changes, districts, estates
from server.db.sequence import next_seqs, sequenced_communities

#: district_id marker for rows only staff may pull (e.g. a questionnaire answer with no estate).
STAFF_ONLY = "staff-only"


def record_changes(
    conn: Connection,
    rows: list[dict[str, Any]],
    community: str | None = None,
    *,
    new_entities: bool = False,
    district_communities: Mapping[str, str] | None = None,
) -> None:
    """Stamp many entities at once. Each row: entity, entity_id, op ("upsert"|"delete"),
    version, estate_id, district_id, data (the entity's full pull data; None for delete).
    ``community``: where rows with no place go (default: every community).
    ``new_entities``: none of them is in the log yet (a bulk load: COPY on PostgreSQL).
    ``district_communities``: communities of districts the caller has read already."""
    if not rows:
        return
    # one row per entity (the latest, where it came): the log holds an entity's latest change
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["entity"], str(row["entity_id"]))
        latest.pop(key, None)
        latest[key] = row
    rows = list(latest.values())
    by_community: dict[str, list[dict[str, Any]]] = {}
    known = district_communities or {}
    for row, owners in zip(rows, _owners(conn, rows, community, known), strict=True):
        for owner in owners:
            by_community.setdefault(owner, []).append(row)
    values = []
    # in one order, so two writers spanning the same communities cannot deadlock
    for owner in sorted(by_community):
        owned = by_community[owner]
        first = next_seqs(conn, owner, len(owned))
        values.extend(
            {
                "community_id": owner,
                "entity": r["entity"],
                "entity_id": str(r["entity_id"]),
                "seq": first + i,
                "op": r.get("op", "upsert"),
                "version": r["version"],
                "estate_id": r.get("estate_id"),
                "district_id": r.get("district_id"),
                "data": r.get("data") if r.get("op", "upsert") == "upsert" else None,
            }
            for i, r in enumerate(owned)
        )
    if new_entities:
        insert_rows(conn, changes, values)
        return
    insert_many(conn, changes, values, upsert=(_KEY, _OVERWRITTEN), statement=_sqlite_upsert(conn))


_KEY = ["community_id", "entity", "entity_id"]
_OVERWRITTEN = ["seq", "op", "version", "estate_id", "district_id", "data"]
_upserts: dict[str, Any] = {}


def _sqlite_upsert(conn: Connection) -> Any:
    """The change-log upsert as Core, built once (it is rebuilt for nothing on every write)."""
    name = conn.dialect.name
    if name not in _upserts:
        stmt = insert_on_conflict(conn, changes)
        _upserts[name] = stmt.on_conflict_do_update(
            index_elements=[changes.c[k] for k in _KEY],
            set_={c: stmt.excluded[c] for c in _OVERWRITTEN},
        )
    return _upserts[name]


#: every push asks this: built once
_DISTRICT_COMMUNITIES = select(districts.c.id, districts.c.community_id).where(
    among(districts.c.id)
)


def _owners(
    conn: Connection,
    rows: list[dict[str, Any]],
    community: str | None,
    known: Mapping[str, str],
) -> list[list[str]]:
    """Per row, the communities whose logs carry it (``known``: districts' communities)."""
    district_ids = {r.get("district_id") for r in rows} - {None, STAFF_ONLY} - known.keys()
    estate_only = {r["estate_id"] for r in rows if r.get("estate_id") and not r.get("district_id")}
    of_district = dict(known)
    if district_ids:
        of_district.update(conn.execute(_DISTRICT_COMMUNITIES, {"ids": sorted(district_ids)}).all())
    of_estate = (
        dict(
            conn.execute(
                select(estates.c.id, districts.c.community_id)
                .join(districts, districts.c.id == estates.c.district_id)
                .where(estates.c.id.in_(sorted(estate_only)))
            ).all()
        )
        if estate_only
        else {}
    )
    everywhere: list[str] | None = None
    owners = []
    for r in rows:
        placed = of_estate.get(r.get("estate_id")) or of_district.get(r.get("district_id"))
        if placed is not None:
            owners.append([placed])
        elif community is not None:
            owners.append([community])
        else:
            if everywhere is None:
                everywhere = sequenced_communities(conn)
            owners.append(everywhere)
    return owners


def record_change(
    conn: Connection,
    entity: str,
    entity_id: str,
    *,
    version: int,
    data: dict[str, Any] | None,
    estate_id: str | None = None,
    district_id: str | None = None,
    op: str = "upsert",
    community: str | None = None,
) -> None:
    record_changes(
        conn,
        [
            {
                "entity": entity,
                "entity_id": entity_id,
                "op": op,
                "version": version,
                "data": data,
                "estate_id": estate_id,
                "district_id": district_id,
            }
        ],
        community,
    )
