"""The office's steps on a concern: ``concern.assign`` (who follows it up, by when) and
``concern.callback`` (the resident's verdict after a resolution; dissatisfied reopens).

Only district heads (in their district) and staff; each step is a concern event whose id is
the mutation's ``entity_id``, with what it set in the event's ``detail``."""

from __future__ import annotations

from sqlalchemy import select

from server.db.schema import districts, users
from server.domain.mutations.concerns import add_event, load_concern, write_concern
from server.domain.mutations.context import Ctx, Reject
from services.protocol import (
    REOPENING_OUTCOME,
    UNFINISHED_STATUSES,
    ConcernAssign,
    ConcernCallback,
    Mutation,
    runs_concern_workflow,
)


def require_office(ctx: Ctx, what: str) -> None:
    if not runs_concern_workflow(ctx.principal.role):
        raise Reject("forbidden", f"only district heads and staff {what}")


def check_assignee(ctx: Ctx, assignee_id, district_id: str | None) -> str:
    """The id of an active staff member of the community ``district_id`` lies in, or of the
    district head of ``district_id``."""
    row = ctx.conn.execute(
        select(users.c.role, users.c.district_id, users.c.community_id).where(
            users.c.id == str(assignee_id), users.c.active.is_(True)
        )
    ).first()
    community = ctx.conn.execute(
        select(districts.c.community_id).where(districts.c.id == district_id)
    ).scalar_one_or_none()
    if row is None or not (
        (row.role == "staff" and row.community_id == community)
        or (row.role == "district_head" and row.district_id == district_id)
    ):
        raise Reject(
            "unknown_user",
            f"assignee_id {assignee_id} is not an active staff member or this district's head",
        )
    return str(assignee_id)


def event(ctx: Ctx, m: Mutation, concern: dict, action: str, text: str, **detail) -> dict:
    """A workflow event row (``from_status`` / ``to_status`` given in ``detail`` when the
    step moves the concern)."""
    from_status = detail.pop("from_status", None)
    to_status = detail.pop("to_status", None)
    return {
        "id": str(m.entity_id),
        "concern_id": concern["id"],
        "user_id": ctx.principal.id,
        "action": action,
        "from_status": from_status,
        "to_status": to_status,
        "text": text,
        "created_at": ctx.created_iso,
        "detail": {k: v for k, v in detail.items() if v is not None},
    }


def assign_concern(ctx: Ctx, m: Mutation, p: ConcernAssign) -> None:
    require_office(ctx, "assign concerns")
    concern, place = load_concern(ctx, p.concern_id)
    if concern["status"] not in UNFINISHED_STATUSES:
        raise Reject(
            "invalid_transition", f"a {concern['status']} concern is not assigned any more"
        )
    values = {}
    if p.assignee_id is not None:
        values["assignee_id"] = check_assignee(ctx, p.assignee_id, place[1])
    if p.due_date is not None:
        values["due_date"] = p.due_date.isoformat()
    add_event(ctx, event(ctx, m, concern, "assign", p.note, **values), place)
    write_concern(ctx, concern, place, **values)


def callback_concern(ctx: Ctx, m: Mutation, p: ConcernCallback) -> None:
    require_office(ctx, "record call-backs")
    concern, place = load_concern(ctx, p.concern_id)
    if concern["status"] != "resolved":
        raise Reject(
            "invalid_transition",
            f"a call-back follows a resolution; this one is {concern['status']}",
        )
    values = {"callback": p.outcome, "callback_at": ctx.created_iso}
    moves = {}
    if p.outcome == REOPENING_OUTCOME:
        values["status"] = "open"
        moves = {"from_status": "resolved", "to_status": "open"}
    add_event(ctx, event(ctx, m, concern, "callback", p.note, outcome=p.outcome, **moves), place)
    write_concern(ctx, concern, place, **values)
