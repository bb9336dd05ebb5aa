"""``conflict.resolve``: staff or a district head decides a merge conflict."""

from __future__ import annotations

from sqlalchemy import select, update

from server.db.schema import changes, conflicts, households, residents
from server.domain.entities import conflict_data, user_name
from server.domain.mutations.context import Ctx, Reject
from server.domain.mutations.records import stage_household, stage_resident
from services.protocol import ConflictResolve, Mutation


def resolve_conflict(ctx: Ctx, m: Mutation, p: ConflictResolve) -> None:
    """Keep the server's value (nothing changes but the conflict) or the client's (written
    to the record as a new version). The record may have been removed meanwhile: then the
    conflict is only closed."""
    if ctx.principal.role not in ("staff", "district_head"):
        raise Reject("forbidden", "only staff and district heads resolve conflicts")
    row = ctx.conn.execute(select(conflicts).where(conflicts.c.id == str(m.entity_id))).first()
    if row is None:
        raise Reject("unknown_conflict", f"conflict {m.entity_id} does not exist")
    conflict = dict(row._mapping)
    # the conflict's place is where its record sat when it was logged
    place = ctx.conn.execute(
        select(changes.c.estate_id, changes.c.district_id).where(
            changes.c.community_id == ctx.principal.community_id,
            changes.c.entity == "conflict",
            changes.c.entity_id == conflict["id"],
        )
    ).first()
    if place is None:  # a conflict never logged cannot be placed in anyone's scope
        raise Reject("unknown_conflict", f"conflict {m.entity_id} is not in the change log")
    ctx.require_scope(place[0], place[1])
    if conflict["status"] != "open":
        raise Reject("invalid_transition", "this conflict is already resolved")

    table = households if conflict["entity"] == "household" else residents
    target = ctx.conn.execute(select(table).where(table.c.id == conflict["entity_id"])).first()
    if p.keep == "client" and target is not None:
        target = dict(target._mapping)
        field = conflict["field"]
        version = target["version"] + 1
        fv = dict(target.get("field_versions") or {})
        fv[field] = version
        values = {field: conflict["client_value"], "version": version, "field_versions": fv}
        target.update(values)
        ctx.conn.execute(update(table).where(table.c.id == target["id"]).values(values))
        (stage_household if table is households else stage_resident)(ctx, target, place)

    resolved = {
        "status": "resolved",
        "resolution": p.keep,
        "resolved_by": ctx.principal.id,
        "resolved_at": ctx.created_iso,
        "version": conflict["version"] + 1,
    }
    conflict.update(resolved)
    ctx.conn.execute(update(conflicts).where(conflicts.c.id == conflict["id"]).values(resolved))
    ctx.sink.add(
        "conflict",
        conflict["id"],
        version=conflict["version"],
        data=conflict_data(conflict, user_name(ctx.conn, conflict["user_id"])),
        estate_id=place[0],
        district_id=place[1],
    )
