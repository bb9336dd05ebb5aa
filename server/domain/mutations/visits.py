"""``visit.record``: an append-only fact about a home visit."""

from __future__ import annotations

from sqlalchemy import select

from server.db.schema import residents
from server.domain.entities import visit_data
from server.domain.mutations.context import Ctx, Reject
from server.domain.timeutil import iso
from services.protocol import Mutation, VisitRecord


def record_visit(ctx: Ctx, m: Mutation, p: VisitRecord) -> None:
    visit_id = str(m.entity_id)
    household_id = str(p.household_id)
    estate_id, district_id = ctx.place_of_household(household_id)
    if not ctx.checklist_exists(p.checklist_version):
        raise Reject(
            "unknown_checklist", f"checklist_version {p.checklist_version} was never published"
        )
    if ctx.visit_exists(visit_id):
        raise Reject("entity_exists", f"visit {visit_id} already exists")
    _check_reached(ctx, p)
    row = {
        "id": visit_id,
        "household_id": household_id,
        "user_id": ctx.principal.id,
        "visited_at": iso(p.visited_at),
        "method": p.method,
        "people_reached": p.people_reached,
        "checklist_version": p.checklist_version,
        "answers": p.answers,
        "notes": p.notes,
        "follow_up_date": p.follow_up_date.isoformat() if p.follow_up_date else None,
        "reached_resident_ids": [str(r) for r in p.reached_resident_ids],
        "created_at": ctx.created_iso,
    }
    ctx.add_visit(row)  # the only write, so far or at the push's end (Ctx.defer_visits)
    ctx.sink.add(
        "visit",
        visit_id,
        version=1,
        data=visit_data(row, ctx.principal.name),
        estate_id=estate_id,
        district_id=district_id,
    )


def _check_reached(ctx: Ctx, p: VisitRecord) -> None:
    """Every resident reached lives in the visited household. An id the register does not
    hold (a resident removed since, or added on a phone and not yet accepted) is kept: the
    visit is a fact about the past and must not be lost for it."""
    ids = sorted({str(r) for r in p.reached_resident_ids})
    if not ids:
        return
    elsewhere = ctx.conn.execute(
        select(residents.c.id).where(
            residents.c.id.in_(ids), residents.c.household_id != str(p.household_id)
        )
    ).first()
    if elsewhere is not None:
        raise Reject(
            "out_of_scope",
            f"reached_resident_ids: resident {elsewhere.id} is not in household {p.household_id}",
        )
