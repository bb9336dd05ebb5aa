"""Database row -> pulled ``data``: one builder per syncable entity.

Every writer (the seed, the register import, the push handlers) stamps the change log with
the entity's FULL pull data, built here, so the shape matches ``services.protocol.ENTITY_DATA``
in one place. "Full" means unmasked: residents carry ``phone`` / ``id_number`` whole next to
their masked forms, and the pull removes the whole ones for roles that must not see them.

Builders accept a SQLAlchemy ``Row`` or any mapping with the table's column names.
``change_row`` wraps a built ``data`` into the dict ``server.db.changelog.record_changes``
takes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.protocol import mask_id_number, mask_phone

#: Fields of a resident that only roles needing them (staff) receive whole.
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {"resident": ("phone", "id_number")}


def _m(row: Any) -> Mapping[str, Any]:
    return row._mapping if hasattr(row, "_mapping") else row


def district_data(row: Any) -> dict[str, Any]:
    r = _m(row)
    return {"id": r["id"], "name": r["name"]}


def estate_data(row: Any) -> dict[str, Any]:
    r = _m(row)
    return {
        "id": r["id"],
        "name": r["name"],
        "district_id": r["district_id"],
        "kind": r.get("kind") or "estate",
    }


def household_data(row: Any) -> dict[str, Any]:
    r = _m(row)
    return {
        "id": r["id"],
        "estate_id": r["estate_id"],
        "building": r["building"],
        "unit": r["unit"],
        "room": r["room"],
        "people_count": r.get("people_count"),
        "note": r.get("note") or "",
        "contact_phone_masked": mask_phone(r.get("contact_phone")),
        "version": r["version"],
    }


def resident_data(row: Any) -> dict[str, Any]:
    """Full data: ``phone``/``id_number`` whole (see PERSONAL_FIELDS) plus masked forms."""
    r = _m(row)
    phone = r.get("phone")
    id_number = r.get("id_number")
    return {
        "id": r["id"],
        "household_id": r["household_id"],
        "name": r["name"],
        "gender": r.get("gender") or "unknown",
        "birth_year": r.get("birth_year"),
        "phone_masked": mask_phone(phone),
        "id_number_masked": mask_id_number(id_number),
        "phone": phone or None,
        "id_number": id_number or None,
        "relation": r.get("relation") or "",
        "flags": list(r.get("flags") or []),
        "vaccination": r.get("vaccination") or "unknown",
        "note": r.get("note") or "",
        "version": r["version"],
    }


def visit_data(row: Any, user_name: str) -> dict[str, Any]:
    r = _m(row)
    return {
        "id": r["id"],
        "household_id": r["household_id"],
        "user_id": r["user_id"],
        "user_name": user_name,
        "visited_at": r["visited_at"],
        "method": r["method"],
        "people_reached": r["people_reached"],
        "checklist_version": r["checklist_version"],
        "answers": dict(r.get("answers") or {}),
        "notes": r.get("notes") or "",
        "follow_up_date": r.get("follow_up_date"),
    }


def concern_data(row: Any, created_by_name: str) -> dict[str, Any]:
    r = _m(row)
    return {
        "id": r["id"],
        "household_id": r["household_id"],
        "resident_id": r.get("resident_id"),
        "visit_id": r.get("visit_id"),
        "kind": r["kind"],
        "category": r["category"],
        "description": r["description"],
        "status": r["status"],
        "created_by": r["created_by"],
        "created_by_name": created_by_name,
        "created_at": r["created_at"],
        "updated_at": r["updated_at"],
    }


def concern_event_data(row: Any, user_name: str) -> dict[str, Any]:
    r = _m(row)
    return {
        "id": r["id"],
        "concern_id": r["concern_id"],
        "user_id": r.get("user_id"),
        "user_name": user_name,
        "action": r["action"],
        "from_status": r.get("from_status"),
        "to_status": r.get("to_status"),
        "text": r.get("text") or "",
        "created_at": r["created_at"],
    }


def checklist_data(row: Any) -> dict[str, Any]:
    r = _m(row)
    return {
        "id": r["id"],
        "version": r["version"],
        "title": dict(r["title"]),
        "questions": list(r["questions"]),
        "active": bool(r["active"]),
    }


def change_row(
    entity: str,
    data: dict[str, Any],
    *,
    version: int,
    estate_id: str | None,
    district_id: str | None,
    op: str = "upsert",
) -> dict[str, Any]:
    """The dict ``record_changes`` takes for one upserted (or deleted) entity."""
    return {
        "entity": entity,
        "entity_id": data["id"],
        "op": op,
        "version": version,
        "estate_id": estate_id,
        "district_id": district_id,
        "data": data if op == "upsert" else None,
    }
