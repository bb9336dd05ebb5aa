"""The office's read of the phone-number reveals (``phone_reveals``, written by the
``resident.reveal`` mutation): who saw whose whole number, and when, newest first. The
resident is shown masked (surname only) with their estate and address: enough to follow up,
not a list of names and numbers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from server.db.schema import estates, households, phone_reveals, residents, users
from server.domain.entities import household_address
from services.protocol import mask_name


def list_reveals(
    conn: Connection, *, limit: int, offset: int, user_id: str | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """(total, one page of reveals), newest first, optionally of one user only."""
    where = [] if user_id is None else [phone_reveals.c.user_id == user_id]
    total = conn.execute(select(func.count()).select_from(phone_reveals).where(*where)).scalar_one()
    stmt = (
        select(
            phone_reveals.c.id,
            phone_reveals.c.revealed_at,
            phone_reveals.c.recorded_at,
            phone_reveals.c.field,
            phone_reveals.c.resident_id,
            phone_reveals.c.device_id,
            users.c.username,
            users.c.name.label("user_name"),
            residents.c.name.label("resident_name"),
            households.c.building,
            households.c.unit,
            households.c.room,
            estates.c.name.label("estate_name"),
        )
        .join(users, users.c.id == phone_reveals.c.user_id)
        .outerjoin(residents, residents.c.id == phone_reveals.c.resident_id)
        .outerjoin(households, households.c.id == phone_reveals.c.household_id)
        .outerjoin(estates, estates.c.id == households.c.estate_id)
        .where(*where)
        .order_by(phone_reveals.c.revealed_at.desc(), phone_reveals.c.id)
        .limit(limit)
        .offset(offset)
    )
    rows = [
        {
            "id": r.id,
            "revealed_at": r.revealed_at,
            "recorded_at": r.recorded_at,
            "field": r.field,
            "username": r.username,
            "user_name": r.user_name,
            "device_id": r.device_id,
            "resident_id": r.resident_id,
            "resident_masked": mask_name(r.resident_name) or "",
            "estate_name": r.estate_name or "",
            "address": household_address(r.building, r.unit, r.room),
        }
        for r in conn.execute(stmt)
    ]
    return total, rows
