"""Questionnaire responses: written by the public form, reviewed from the phones.

``apply_questionnaire_response`` is the one way a response enters the database (the public
form calls it inside its write transaction); ``review_response`` is the ``questionnaire.
review`` mutation. A response belongs to one community: its estate's, or for one without an
estate the community its poster names (the database's only community when it names none). A
response with an estate sits in that estate's scope; one without is visible to its
community's staff only (``STAFF_ONLY``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, update

from server.db.changelog import STAFF_ONLY, record_change
from server.db.schema import (
    communities,
    districts,
    estates,
    households,
    questionnaire_responses,
    questionnaires,
)
from server.domain.communities import CommunityError, sole_community
from server.domain.entities import estate_district, questionnaire_response_data
from server.domain.mutations.context import Ctx, Reject
from server.domain.timeutil import now_iso
from services.protocol import Mutation, QuestionnaireReview


def response_place(conn: Connection, estate_id: str | None) -> tuple[str | None, str]:
    if estate_id is None:
        return None, STAFF_ONLY
    return estate_id, estate_district(conn, estate_id) or STAFF_ONLY


def apply_questionnaire_response(
    conn: Connection,
    *,
    response_id: str,
    questionnaire_id: str,
    answers: dict[str, Any],
    estate_id: str | None = None,
    household_id: str | None = None,
    community_id: str | None = None,
    submitted_at: str | None = None,
) -> dict[str, Any]:
    """Store one response and stamp its community's change log; returns its pull data.
    ``community_id``: whose answer it is when it names no estate or household (the database's
    only community if not given).

    Raises ``Reject`` with ``unknown_questionnaire`` (missing or inactive questionnaire),
    ``unknown_household`` (household not found or not in ``estate_id``), ``unknown_community``
    (no estate, and no community given or several to choose from) or ``entity_exists``.
    Answers are taken as given: validating them against the questions is the caller's.
    """
    q = conn.execute(
        select(questionnaires.c.version, questionnaires.c.active).where(
            questionnaires.c.id == str(questionnaire_id)
        )
    ).first()
    if q is None or not q.active:
        raise Reject("unknown_questionnaire", f"questionnaire {questionnaire_id} is not open")
    if household_id is not None:
        hh_estate = conn.execute(
            select(households.c.estate_id).where(households.c.id == str(household_id))
        ).scalar_one_or_none()
        if hh_estate is None or (estate_id is not None and hh_estate != str(estate_id)):
            raise Reject("unknown_household", f"household {household_id} is not in this estate")
        estate_id = hh_estate
    if conn.execute(
        select(questionnaire_responses.c.id).where(questionnaire_responses.c.id == str(response_id))
    ).first():
        raise Reject("entity_exists", f"response {response_id} already exists")
    owner = response_community(conn, str(estate_id) if estate_id else None, community_id)
    row = {
        "id": str(response_id),
        "questionnaire_id": str(questionnaire_id),
        "questionnaire_version": q.version,
        "estate_id": str(estate_id) if estate_id else None,
        "household_id": str(household_id) if household_id else None,
        "community_id": owner,
        "answers": answers,
        "submitted_at": submitted_at or now_iso(),
        "status": "new",
        "outcome": None,
        "version": 1,
    }
    conn.execute(questionnaire_responses.insert(), row)
    data = questionnaire_response_data(row)
    place = response_place(conn, row["estate_id"])
    record_change(
        conn,
        "questionnaire_response",
        row["id"],
        version=1,
        data=data,
        estate_id=place[0],
        district_id=place[1],
        community=owner,
    )
    return data


def response_community(conn: Connection, estate_id: str | None, community_id: str | None) -> str:
    """The community an answer belongs to (``Reject`` ``unknown_community`` if none fits)."""
    if estate_id is not None:
        owner = conn.execute(
            select(districts.c.community_id)
            .join(estates, estates.c.district_id == districts.c.id)
            .where(estates.c.id == estate_id)
        ).scalar_one_or_none()
    elif community_id is not None:
        owner = conn.execute(
            select(communities.c.id).where(communities.c.id == str(community_id))
        ).scalar_one_or_none()
    else:
        try:
            owner = sole_community(conn)
        except CommunityError:
            owner = None
    if owner is None:
        raise Reject("unknown_community", "the answer's poster names no community of this server")
    return owner


def review_response(ctx: Ctx, m: Mutation, p: QuestionnaireReview) -> None:
    row = ctx.conn.execute(
        select(questionnaire_responses).where(questionnaire_responses.c.id == str(m.entity_id))
    ).first()
    if row is None:
        raise Reject("unknown_response", f"response {m.entity_id} does not exist")
    resp = dict(row._mapping)
    if resp["community_id"] != ctx.principal.community_id:
        raise Reject("out_of_scope", "this answer belongs to another community")
    place = response_place(ctx.conn, resp["estate_id"])
    ctx.require_scope(*place)
    values = {
        "status": "reviewed",
        "outcome": p.outcome,
        "reviewed_by": ctx.principal.id,
        "reviewed_at": ctx.created_iso,
        "version": resp["version"] + 1,
    }
    resp.update(values)
    ctx.conn.execute(
        update(questionnaire_responses)
        .where(questionnaire_responses.c.id == resp["id"])
        .values(values)
    )
    ctx.sink.add(
        "questionnaire_response",
        resp["id"],
        version=resp["version"],
        data=questionnaire_response_data(resp),
        estate_id=place[0],
        district_id=place[1],
    )
