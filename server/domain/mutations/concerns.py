"""Concerns (訴求): created, moved through the state machine, commented on. Every step is an
append-only ``concern_event`` whose id is the mutation's ``entity_id``."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update

from server.db.schema import concern_events, concerns, residents
from server.domain.due_dates import due_date_for
from server.domain.entities import concern_data, concern_event_data, user_name
from server.domain.mutations.context import Ctx, Reject
from services.protocol import (
    CONCERN_TRANSITIONS,
    ConcernComment,
    ConcernCreate,
    ConcernTransition,
    Mutation,
    transition_allowed,
)

_CREATED_EVENT_NS = uuid.UUID("6f1d8a52-3c1e-4b7a-9d0e-8a7c2f4b1e90")


def created_event_id(concern_id: str) -> str:
    """The id of a concern's "created" event, derived so it is the same on every replay."""
    return str(uuid.uuid5(_CREATED_EVENT_NS, str(concern_id)))


def stage_concern(ctx: Ctx, row, place) -> None:
    ctx.sink.add(
        "concern",
        row["id"],
        version=row["version"],
        data=concern_data(
            row,
            user_name(ctx.conn, row["created_by"]),
            user_name(ctx.conn, row.get("assignee_id")),
        ),
        estate_id=place[0],
        district_id=place[1],
    )


def add_event(ctx: Ctx, event: dict, place) -> None:
    if ctx.conn.execute(
        select(concern_events.c.id).where(concern_events.c.id == event["id"])
    ).first():
        raise Reject("entity_exists", f"concern event {event['id']} already exists")
    ctx.conn.execute(concern_events.insert(), event)
    ctx.sink.add(
        "concern_event",
        event["id"],
        version=1,
        data=concern_event_data(event, ctx.principal.name),
        estate_id=place[0],
        district_id=place[1],
    )


def _check_references(ctx: Ctx, p: ConcernCreate) -> None:
    """The resident and the visit a concern names belong to its household. A visit not (yet)
    on the server is kept by id: it may be a visit refused and resent later."""
    if p.resident_id is not None:
        hh = ctx.conn.execute(
            select(residents.c.household_id).where(residents.c.id == str(p.resident_id))
        ).scalar_one_or_none()
        if hh is None:
            raise Reject("unknown_resident", f"resident_id {p.resident_id} does not exist")
        if hh != str(p.household_id):
            raise Reject(
                "out_of_scope", f"resident_id {p.resident_id} is not in household {p.household_id}"
            )
    if p.visit_id is not None:
        hh = ctx.household_of_visit(str(p.visit_id))
        if hh is not None and hh != str(p.household_id):
            raise Reject("out_of_scope", f"visit_id {p.visit_id} is a visit to another household")


def create_concern(ctx: Ctx, m: Mutation, p: ConcernCreate) -> None:
    concern_id = str(m.entity_id)
    place = ctx.place_of_household(p.household_id)
    _check_references(ctx, p)
    if ctx.conn.execute(select(concerns.c.id).where(concerns.c.id == concern_id)).first():
        raise Reject("entity_exists", f"concern {concern_id} already exists")
    row = {
        "id": concern_id,
        "household_id": str(p.household_id),
        "resident_id": str(p.resident_id) if p.resident_id else None,
        "visit_id": str(p.visit_id) if p.visit_id else None,
        "kind": p.kind,
        "category": p.category,
        "description": p.description,
        "status": "open",
        "created_by": ctx.principal.id,
        "created_at": ctx.created_iso,
        "updated_at": ctx.created_iso,
        "version": 1,
        "due_date": due_date_for(p.category, ctx.created_at, ctx.settings).isoformat(),
    }
    ctx.conn.execute(concerns.insert(), row)
    ctx.sink.add(
        "concern",
        concern_id,
        version=1,
        data=concern_data(row, ctx.principal.name),
        estate_id=place[0],
        district_id=place[1],
    )
    add_event(
        ctx,
        {
            "id": created_event_id(concern_id),
            "concern_id": concern_id,
            "user_id": ctx.principal.id,
            "action": "created",
            "from_status": None,
            "to_status": "open",
            "text": "",
            "created_at": ctx.created_iso,
        },
        place,
    )


def load_concern(ctx: Ctx, concern_id) -> tuple[dict, tuple[str, str]]:
    row = ctx.conn.execute(select(concerns).where(concerns.c.id == str(concern_id))).first()
    if row is None:
        raise Reject("unknown_concern", f"concern {concern_id} does not exist")
    concern = dict(row._mapping)
    return concern, ctx.place_of_household(concern["household_id"])


def transition_concern(ctx: Ctx, m: Mutation, p: ConcernTransition) -> None:
    concern, place = load_concern(ctx, p.concern_id)
    current = concern["status"]
    if p.to_status not in CONCERN_TRANSITIONS.get(current, frozenset()):
        raise Reject("invalid_transition", f"a concern cannot go from {current} to {p.to_status}")
    if not transition_allowed(ctx.principal.role, current, p.to_status):
        raise Reject("forbidden", f"your role may not move a concern to {p.to_status}")
    event = {
        "id": str(m.entity_id),
        "concern_id": concern["id"],
        "user_id": ctx.principal.id,
        "action": "transition",
        "from_status": current,
        "to_status": p.to_status,
        "text": p.note,
        "created_at": ctx.created_iso,
    }
    add_event(ctx, event, place)
    write_concern(ctx, concern, place, status=p.to_status)


def write_concern(ctx: Ctx, concern: dict, place, **values) -> None:
    """Write ``values`` into ``concern`` as its next version and stage it. A move to resolved
    stamps the resolution time; a reopen clears it."""
    status = values.get("status")
    if status == "resolved":
        values["resolved_at"] = ctx.created_iso
    elif status == "open":
        values["resolved_at"] = None
    values.update(updated_at=ctx.created_iso, version=concern["version"] + 1)
    res = ctx.conn.execute(
        update(concerns)
        .where(concerns.c.id == concern["id"], concerns.c.version == concern["version"])
        .values(values)
    )
    if res.rowcount != 1:  # pushes are serialised, so this means a bug, not a race
        raise RuntimeError("concern changed under a serialised push")
    concern.update(values)
    stage_concern(ctx, concern, place)


def comment_concern(ctx: Ctx, m: Mutation, p: ConcernComment) -> None:
    concern, place = load_concern(ctx, p.concern_id)
    add_event(
        ctx,
        {
            "id": str(m.entity_id),
            "concern_id": concern["id"],
            "user_id": ctx.principal.id,
            "action": "comment",
            "from_status": None,
            "to_status": None,
            "text": p.text,
            "created_at": ctx.created_iso,
        },
        place,
    )
