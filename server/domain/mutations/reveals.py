"""``resident.reveal``: a phone showed a resident's whole number; kept for the office's audit."""

from __future__ import annotations

from sqlalchemy import select

from server.db.schema import phone_reveals, residents
from server.domain.mutations.context import Ctx
from server.domain.timeutil import now_iso
from services.protocol import Mutation, ResidentReveal


def record_reveal(ctx: Ctx, m: Mutation, p: ResidentReveal) -> None:
    # Never refused for scope or a resident removed since: the number was already on the
    # screen, and the audit must hear about it whatever happened to the record after.
    household_id = ctx.conn.execute(
        select(residents.c.household_id).where(residents.c.id == str(p.resident_id))
    ).scalar()
    ctx.conn.execute(
        phone_reveals.insert(),
        {
            "id": str(m.entity_id),
            "resident_id": str(p.resident_id),
            "household_id": household_id,
            "field": p.field,
            "user_id": ctx.principal.id,
            "device_id": ctx.device_id,
            "revealed_at": ctx.created_iso,
            "recorded_at": now_iso(),
        },
    )
