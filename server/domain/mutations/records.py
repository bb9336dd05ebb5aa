"""Shared records (household, resident): merged edits, additions, removals, and the
conflicts an edit can leave."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Table, delete, select, update

from server.db.schema import conflicts, households, residents
from server.domain.entities import conflict_data, household_data, resident_data
from server.domain.merge import merge_fields
from server.domain.mutations.context import Ctx, Reject
from services.protocol import (
    HouseholdUpdate,
    Mutation,
    ResidentCreate,
    ResidentRemove,
    ResidentUpdate,
)

_NOT_NULL = {
    "household": {"note"},
    "resident": {"name", "gender", "relation", "flags", "vaccination", "note"},
}
_CONFLICT_NS = uuid.UUID("0b7f4c1e-5a2d-4f0e-9c3b-1d6e8a9f2c47")


def stage_household(ctx: Ctx, row: dict, place) -> None:
    ctx.sink.add(
        "household",
        row["id"],
        version=row["version"],
        data=household_data(row),
        estate_id=place[0],
        district_id=place[1],
    )


def stage_resident(ctx: Ctx, row: dict, place) -> None:
    ctx.sink.add(
        "resident",
        row["id"],
        version=row["version"],
        data=resident_data(row),
        estate_id=place[0],
        district_id=place[1],
    )


def _client_fields(entity: str, fields) -> dict[str, Any]:
    values = {name: getattr(fields, name) for name in fields.model_fields_set}
    for name, value in values.items():
        if value is None and name in _NOT_NULL[entity]:
            raise Reject("invalid_payload", f"fields.{name}: may not be null")
    return values


def _merge(
    ctx: Ctx, m: Mutation, entity: str, table: Table, row: dict, base: int, fields, place
) -> dict:
    """Merge into ``row`` in place, write it and its conflicts; returns the row."""
    if base > row["version"]:
        raise Reject(
            "invalid_payload",
            f"base_version: {base} is newer than the server's version {row['version']}",
        )
    result = merge_fields(
        row, row.get("field_versions") or {}, base, _client_fields(entity, fields)
    )
    if result.applied:
        row.update(result.applied, version=result.new_version, field_versions=result.field_versions)
        ctx.conn.execute(
            update(table)
            .where(table.c.id == row["id"])
            .values(**result.applied, version=row["version"], field_versions=row["field_versions"])
        )
    for field, (server_value, client_value) in result.conflicts.items():
        conflict = {
            # one conflict per mutation and field, so a replay can never double it
            "id": str(uuid.uuid5(_CONFLICT_NS, f"{m.id}:{field}")),
            "entity": entity,
            "entity_id": row["id"],
            "field": field,
            "server_value": server_value,
            "client_value": client_value,
            "mutation_id": str(m.id),
            "user_id": ctx.principal.id,
            "created_at": ctx.created_iso,
            "status": "open",
            "resolution": None,
            "version": 1,
        }
        ctx.conn.execute(conflicts.insert(), conflict)
        ctx.sink.add(
            "conflict",
            conflict["id"],
            version=1,
            data=conflict_data(conflict, ctx.principal.name),
            estate_id=place[0],
            district_id=place[1],
        )
    return row


def _load(ctx: Ctx, table: Table, entity_id: str, code: str, what: str) -> dict:
    row = ctx.conn.execute(select(table).where(table.c.id == entity_id)).first()
    if row is None:
        raise Reject(code, f"{what} {entity_id} does not exist")
    return dict(row._mapping)


def update_household(ctx: Ctx, m: Mutation, p: HouseholdUpdate) -> None:
    row = _load(ctx, households, str(m.entity_id), "unknown_household", "household")
    place = ctx.place_of_household(row["id"])
    before = row["version"]
    _merge(ctx, m, "household", households, row, p.base_version, p.fields, place)
    if row["version"] != before:
        stage_household(ctx, row, place)


def update_resident(ctx: Ctx, m: Mutation, p: ResidentUpdate) -> None:
    row = _load(ctx, residents, str(m.entity_id), "unknown_resident", "resident")
    place = ctx.place_of_household(row["household_id"])
    before = row["version"]
    _merge(ctx, m, "resident", residents, row, p.base_version, p.fields, place)
    if row["version"] != before:
        stage_resident(ctx, row, place)


def create_resident(ctx: Ctx, m: Mutation, p: ResidentCreate) -> None:
    resident_id = str(m.entity_id)
    place = ctx.place_of_household(p.household_id)
    if ctx.conn.execute(select(residents.c.id).where(residents.c.id == resident_id)).first():
        raise Reject("entity_exists", f"resident {resident_id} already exists")
    row = p.model_dump(mode="json")
    row.update(id=resident_id, version=1, field_versions={})
    ctx.conn.execute(residents.insert(), row)
    stage_resident(ctx, row, place)


def remove_resident(ctx: Ctx, m: Mutation, p: ResidentRemove) -> None:
    row = _load(ctx, residents, str(m.entity_id), "unknown_resident", "resident")
    place = ctx.place_of_household(row["household_id"])
    ctx.conn.execute(delete(residents).where(residents.c.id == row["id"]))
    ctx.sink.add(
        "resident",
        row["id"],
        version=row["version"] + 1,
        data=None,
        estate_id=place[0],
        district_id=place[1],
        op="delete",
    )
