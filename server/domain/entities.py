"""Pull data of each syncable entity, built from its table row.

Every write to a syncable row stamps the change log with the entity's FULL pull data (personal
fields whole, plus their masked forms); ``server.domain.scope.mask_for`` removes the whole
values at pull time for roles that must not see them. The keys follow
``services.protocol.ENTITY_DATA``. Also: where a row sits in scope (estate, district) for the
change log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, select

from server.db.schema import districts, estates, households, users
from services.protocol import mask_id_number, mask_phone

Row = Mapping[str, Any]

#: Fields only roles needing them (staff) receive whole; the pull removes them for others.
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "resident": ("phone", "id_number"),
    "household": ("contact_phone",),
}


def _m(row: Any) -> Mapping[str, Any]:
    """Builders accept a SQLAlchemy ``Row`` or any mapping with the table's column names."""
    return row._mapping if hasattr(row, "_mapping") else row


def district_data(row: Any) -> dict[str, Any]:
    row = _m(row)
    return {"id": row["id"], "name": row["name"]}


def estate_data(row: Any) -> dict[str, Any]:
    row = _m(row)
    return {
        "id": row["id"],
        "name": row["name"],
        "district_id": row["district_id"],
        "kind": row.get("kind") or "estate",
    }


def household_data(row: Any) -> dict[str, Any]:
    row = _m(row)
    return {
        "id": row["id"],
        "estate_id": row["estate_id"],
        "building": row["building"],
        "unit": row["unit"],
        "room": row["room"],
        "people_count": row.get("people_count"),
        "note": row.get("note") or "",
        "contact_phone": row.get("contact_phone"),
        "contact_phone_masked": mask_phone(row.get("contact_phone")),
        "version": row["version"],
    }


def household_address(building: str | None, unit: str | None, room: str | None) -> str:
    """``("3", "2", "401")`` -> ``"3-2-401"``, empty parts left out (how the office writes a
    household's place in its estate)."""
    return "-".join(part for part in (building, unit, room) if part)


def resident_data(row: Any) -> dict[str, Any]:
    row = _m(row)
    return {
        "id": row["id"],
        "household_id": row["household_id"],
        "name": row["name"],
        "gender": row.get("gender") or "unknown",
        "birth_year": row.get("birth_year"),
        "phone": row.get("phone"),
        "phone_masked": mask_phone(row.get("phone")),
        "id_number": row.get("id_number"),
        "id_number_masked": mask_id_number(row.get("id_number")),
        "relation": row.get("relation") or "",
        "flags": list(row.get("flags") or []),
        "vaccination": row.get("vaccination") or "unknown",
        "note": row.get("note") or "",
        "version": row["version"],
    }


def visit_data(row: Any, user_name: str) -> dict[str, Any]:
    row = _m(row)
    return {
        "id": row["id"],
        "household_id": row["household_id"],
        "user_id": row["user_id"],
        "user_name": user_name,
        "visited_at": row["visited_at"],
        "method": row["method"],
        "people_reached": row["people_reached"],
        "checklist_version": row["checklist_version"],
        "answers": dict(row.get("answers") or {}),
        "notes": row.get("notes") or "",
        "follow_up_date": row.get("follow_up_date"),
        "reached_resident_ids": list(row.get("reached_resident_ids") or []),
    }


def concern_data(row: Any, created_by_name: str, assignee_name: str = "") -> dict[str, Any]:
    row = _m(row)
    return {
        "id": row["id"],
        "household_id": row["household_id"],
        "resident_id": row.get("resident_id"),
        "visit_id": row.get("visit_id"),
        "kind": row["kind"],
        "category": row["category"],
        "description": row["description"],
        "status": row["status"],
        "created_by": row["created_by"],
        "created_by_name": created_by_name,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "version": row.get("version", 1),
        "assignee_id": row.get("assignee_id"),
        "assignee_name": assignee_name if row.get("assignee_id") else "",
        "due_date": row.get("due_date"),
        "resolved_at": row.get("resolved_at"),
        "referred_to": row.get("referred_to"),
        "merged_into": row.get("merged_into"),
        "callback": row.get("callback"),
        "callback_at": row.get("callback_at"),
    }


def concern_event_data(row: Any, user_name: str) -> dict[str, Any]:
    row = _m(row)
    return {
        "id": row["id"],
        "concern_id": row["concern_id"],
        "user_id": row.get("user_id"),
        "user_name": user_name,
        "action": row["action"],
        "from_status": row.get("from_status"),
        "to_status": row.get("to_status"),
        "text": row.get("text") or "",
        "created_at": row["created_at"],
        "detail": row.get("detail"),
    }


def review_meeting_data(row: Any, items: list[Any], created_by_name: str) -> dict[str, Any]:
    """A review meeting with its agenda items (in agenda order) and their decisions."""
    row = _m(row)
    return {
        "id": row["id"],
        "title": row["title"],
        "district_id": row.get("district_id"),
        "held_at": row["held_at"],
        "status": row["status"],
        "minutes": row.get("minutes") or "",
        "created_by": row["created_by"],
        "created_by_name": created_by_name,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "items": [
            {
                "concern_id": item["concern_id"],
                "position": item["position"],
                "decision": item.get("decision"),
                "department": item.get("department"),
                "assignee_id": item.get("assignee_id"),
                "due_date": item.get("due_date"),
                "merged_into": item.get("merged_into"),
                "note": item.get("note") or "",
                "decided_by": item.get("decided_by"),
                "decided_at": item.get("decided_at"),
            }
            for item in sorted((_m(i) for i in items), key=lambda i: i["position"])
        ],
        "version": row["version"],
    }


def checklist_data(row: Any) -> dict[str, Any]:
    row = _m(row)
    return {
        "id": row["id"],
        "version": row["version"],
        "title": dict(row["title"]),
        "questions": list(row["questions"]),
        "active": bool(row["active"]),
    }


def questionnaire_data(row: Any) -> dict[str, Any]:
    row = _m(row)
    return {
        "id": row["id"],
        "slug": row["slug"],
        "version": row["version"],
        "title": row["title"],
        "intro": row["intro"],
        "questions": row["questions"],
        "active": bool(row["active"]),
    }


def questionnaire_response_data(row: Any) -> dict[str, Any]:
    row = _m(row)
    return {
        "id": row["id"],
        "questionnaire_id": row["questionnaire_id"],
        "questionnaire_version": row.get("questionnaire_version"),
        "estate_id": row.get("estate_id"),
        "household_id": row.get("household_id"),
        "answers": dict(row.get("answers") or {}),
        "submitted_at": row["submitted_at"],
        "status": row.get("status") or "new",
        "outcome": row.get("outcome"),
    }


def conflict_data(row: Any, user_name: str) -> dict[str, Any]:
    row = _m(row)
    return {
        "id": row["id"],
        "entity": row["entity"],
        "entity_id": row["entity_id"],
        "field": row["field"],
        "server_value": row.get("server_value"),
        "client_value": row.get("client_value"),
        "user_id": row["user_id"],
        "user_name": user_name,
        "created_at": row["created_at"],
        "status": row.get("status") or "open",
        "resolution": row.get("resolution"),
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


# ---- where rows sit in scope ----------------------------------------------------------------


_HOUSEHOLD_PLACE = (
    select(households.c.estate_id, estates.c.district_id)
    .join(estates, estates.c.id == households.c.estate_id)
    .where(households.c.id == bindparam("household_id"))
)


def household_place(conn: Connection, household_id: str) -> tuple[str, str] | None:
    """(estate_id, district_id) of a household, or None if it does not exist."""
    row = conn.execute(_HOUSEHOLD_PLACE, {"household_id": str(household_id)}).first()
    return (row[0], row[1]) if row else None


def estate_district(conn: Connection, estate_id: str) -> str | None:
    return conn.execute(
        select(estates.c.district_id).where(estates.c.id == str(estate_id))
    ).scalar_one_or_none()


def user_name(conn: Connection, user_id: str | None) -> str:
    if user_id is None:
        return ""
    return (
        conn.execute(select(users.c.name).where(users.c.id == user_id)).scalar_one_or_none() or ""
    )


def district_exists(conn: Connection, district_id: str) -> bool:
    return (
        conn.execute(select(districts.c.id).where(districts.c.id == district_id)).first()
        is not None
    )
