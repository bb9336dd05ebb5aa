"""Review meetings (研判会): ``meeting.open`` with an agenda, ``meeting.decide`` one concern
at a time, ``meeting.close`` with the minutes.

A meeting covers one district (a district head's meetings are always their own district's)
or, for staff, the whole community; it is pulled as one ``review_meeting`` entity with its
agenda items, placed in its district (the whole community's: staff only). Opening moves the
agenda's open concerns to in review. A decision moves its concern straight from open or in
review to its outcome and is recorded on the concern as a ``decision`` event and on the
agenda item; an item is decided once, and nothing is decided after the meeting is closed.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select, update

from server.db.changelog import STAFF_ONLY
from server.db.schema import concerns, districts, estates, households, review_items, review_meetings
from server.domain.entities import review_meeting_data, user_name
from server.domain.mutations.concerns import add_event, load_concern, write_concern
from server.domain.mutations.context import Ctx, Reject
from server.domain.mutations.workflow import (
    check_assignee,
    event,
    require_office,
)
from server.domain.timeutil import iso
from services.protocol import (
    UNFINISHED_STATUSES,
    MeetingClose,
    MeetingDecide,
    MeetingOpen,
    Mutation,
)

_AGENDA_EVENT_NS = uuid.UUID("2b7c4f0e-9d61-4a8e-b3f5-0c1d2e3f4a5b")

#: decision -> the status it leaves the concern in
_OUTCOME = {"resolve": "resolved", "refer": "referred", "assign": "in_review", "merge": "closed"}


def _place(district_id: str | None) -> tuple[None, str]:
    return None, district_id or STAFF_ONLY


def _stage(ctx: Ctx, meeting: dict) -> None:
    items = ctx.conn.execute(
        select(review_items).where(review_items.c.meeting_id == meeting["id"])
    ).all()
    ctx.sink.add(
        "review_meeting",
        meeting["id"],
        version=meeting["version"],
        data=review_meeting_data(meeting, items, user_name(ctx.conn, meeting["created_by"])),
        estate_id=None,
        district_id=_place(meeting["district_id"])[1],
    )


def _load(ctx: Ctx, meeting_id) -> dict:
    row = ctx.conn.execute(
        select(review_meetings).where(review_meetings.c.id == str(meeting_id))
    ).first()
    if row is None:
        raise Reject("unknown_meeting", f"meeting {meeting_id} does not exist")
    meeting = dict(row._mapping)
    ctx.require_scope(*_place(meeting["district_id"]))
    return meeting


def _touch(ctx: Ctx, meeting: dict, **values) -> None:
    values.update(updated_at=ctx.created_iso, version=meeting["version"] + 1)
    ctx.conn.execute(
        update(review_meetings).where(review_meetings.c.id == meeting["id"]).values(values)
    )
    meeting.update(values)
    _stage(ctx, meeting)


def open_meeting(ctx: Ctx, m: Mutation, p: MeetingOpen) -> None:
    require_office(ctx, "hold review meetings")
    meeting_id = str(m.entity_id)
    if ctx.conn.execute(
        select(review_meetings.c.id).where(review_meetings.c.id == meeting_id)
    ).first():
        raise Reject("entity_exists", f"meeting {meeting_id} already exists")
    district = str(p.district_id) if p.district_id else None
    if ctx.principal.role == "district_head":
        district = district or ctx.principal.district_id
    if (
        district is not None
        and not ctx.conn.execute(select(districts.c.id).where(districts.c.id == district)).first()
    ):
        raise Reject("invalid_payload", f"district_id: district {district} does not exist")
    ctx.require_scope(*_place(district))

    ids = [str(c) for c in p.agenda]
    found = {
        row.id: row
        for row in ctx.conn.execute(
            select(concerns.c.id, concerns.c.status, households.c.estate_id, estates.c.district_id)
            .join(households, households.c.id == concerns.c.household_id)
            .join(estates, estates.c.id == households.c.estate_id)
            .where(concerns.c.id.in_(ids))
        )
    }
    for concern_id in ids:
        row = found.get(concern_id)
        if row is None:
            raise Reject("unknown_concern", f"agenda: concern {concern_id} does not exist")
        if district is not None and row.district_id != district:
            raise Reject("out_of_scope", f"agenda: concern {concern_id} is not in this district")
        ctx.require_scope(row.estate_id, row.district_id)
        if row.status not in UNFINISHED_STATUSES:
            raise Reject(
                "invalid_transition", f"agenda: concern {concern_id} is {row.status}, not open"
            )

    meeting = {
        "id": meeting_id,
        "title": p.title,
        "district_id": district,
        "held_at": iso(p.held_at),
        "status": "open",
        "minutes": "",
        "created_by": ctx.principal.id,
        "created_at": ctx.created_iso,
        "updated_at": ctx.created_iso,
        "version": 1,
    }
    ctx.conn.execute(review_meetings.insert(), meeting)
    ctx.conn.execute(
        review_items.insert(),
        [
            {"meeting_id": meeting_id, "concern_id": c, "position": i, "note": ""}
            for i, c in enumerate(ids)
        ],
    )
    for concern_id in ids:
        if found[concern_id].status != "open":
            continue
        concern, place = load_concern(ctx, concern_id)
        add_event(
            ctx,
            {
                # derived, so a replayed meeting can never take a concern in twice
                "id": str(uuid.uuid5(_AGENDA_EVENT_NS, f"{meeting_id}:{concern_id}")),
                "concern_id": concern_id,
                "user_id": ctx.principal.id,
                "action": "transition",
                "from_status": "open",
                "to_status": "in_review",
                "text": p.title,
                "created_at": ctx.created_iso,
                "detail": {"meeting_id": meeting_id},
            },
            place,
        )
        write_concern(ctx, concern, place, status="in_review")
    _stage(ctx, meeting)


def decide(ctx: Ctx, m: Mutation, p: MeetingDecide) -> None:
    require_office(ctx, "decide at review meetings")
    meeting = _load(ctx, p.meeting_id)
    if meeting["status"] != "open":
        raise Reject("invalid_transition", "this meeting is closed")
    item = ctx.conn.execute(
        select(review_items).where(
            review_items.c.meeting_id == meeting["id"],
            review_items.c.concern_id == str(p.concern_id),
        )
    ).first()
    if item is None:
        raise Reject("unknown_concern", f"concern {p.concern_id} is not on this meeting's agenda")
    if item.decision is not None:
        raise Reject("invalid_transition", "this concern was already decided at this meeting")
    concern, place = load_concern(ctx, p.concern_id)
    current = concern["status"]
    if current not in UNFINISHED_STATUSES:
        raise Reject("invalid_transition", f"the concern is {current} now")

    values: dict = {}
    if p.decision == "refer":
        values["referred_to"] = p.department
    elif p.decision == "assign":
        values["assignee_id"] = check_assignee(ctx, p.assignee_id, place[1])
        values["due_date"] = p.due_date.isoformat()
    elif p.decision == "merge":
        target, _ = load_concern(ctx, p.merge_into)
        if target["merged_into"] is not None:
            raise Reject(
                "invalid_transition",
                f"merge_into: concern {target['id']} is itself merged into {target['merged_into']}",
            )
        has_duplicates = ctx.conn.execute(
            select(concerns.c.id).where(concerns.c.merged_into == concern["id"]).limit(1)
        ).first()
        if has_duplicates:
            raise Reject(
                "invalid_transition",
                "other concerns are merged into this one; merge them into the target instead",
            )
        values["merged_into"] = target["id"]
    to_status = _OUTCOME[p.decision]
    moves = {"from_status": current, "to_status": to_status} if to_status != current else {}
    add_event(
        ctx,
        event(
            ctx,
            m,
            concern,
            "decision",
            p.note,
            meeting_id=meeting["id"],
            decision=p.decision,
            **values,
            **moves,
        ),
        place,
    )
    write_concern(ctx, concern, place, status=to_status, **values)
    ctx.conn.execute(
        update(review_items)
        .where(
            review_items.c.meeting_id == meeting["id"],
            review_items.c.concern_id == concern["id"],
        )
        .values(
            decision=p.decision,
            department=p.department,
            assignee_id=values.get("assignee_id"),
            due_date=values.get("due_date"),
            merged_into=values.get("merged_into"),
            note=p.note,
            decided_by=ctx.principal.id,
            decided_at=ctx.created_iso,
        )
    )
    _touch(ctx, meeting)


def close_meeting(ctx: Ctx, m: Mutation, p: MeetingClose) -> None:
    require_office(ctx, "close review meetings")
    meeting = _load(ctx, m.entity_id)
    if meeting["status"] != "open":
        raise Reject("invalid_transition", "this meeting is already closed")
    _touch(ctx, meeting, status="closed", minutes=p.minutes)
