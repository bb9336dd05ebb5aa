"""``questionnaire.review`` from the phones, on responses the public form stored through
``apply_questionnaire_response``; where responses sit in scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.db.engine import write_tx
from server.db.schema import questionnaires
from server.domain.mutations.context import Reject
from server.domain.responses import apply_questionnaire_response
from tests.server.helpers import mutation, ok, uid


def store_response(engine, *, estate_id=None, household_id=None) -> str:
    with engine.connect() as conn:
        qid = (
            conn.execute(select(questionnaires.c.id).where(questionnaires.c.active.is_(True)))
            .scalars()
            .first()
        )
    rid = uid()
    with write_tx(engine) as conn:
        apply_questionnaire_response(
            conn,
            response_id=rid,
            questionnaire_id=qid,
            answers={"name": "张三"},
            estate_id=estate_id,
            household_id=household_id,
        )
    return rid


async def test_head_reviews_a_response_from_its_estate(login, demo, engine):
    head = await login("head01")
    hh = demo.household_of("head01")
    rid = store_response(engine, household_id=hh)
    state = await head.state()
    assert state[("questionnaire_response", rid)]["data"]["status"] == "new"
    review = mutation("questionnaire.review", {"outcome": "no_action", "note": "已核实"}, rid)
    assert ok(await head.push(review)) == ["applied"]
    data = (await head.state())[("questionnaire_response", rid)]["data"]
    assert (data["status"], data["outcome"], data["household_id"]) == ("reviewed", "no_action", hh)


async def test_responses_outside_scope_are_neither_pulled_nor_reviewable(login, demo, engine):
    head, staff = await login("head01"), await login("staff")
    other = store_response(engine, household_id=demo.household_outside("head01"))
    nowhere = store_response(engine)  # no estate: staff only
    head_state, staff_state = await head.state(), await staff.state()
    for rid in (other, nowhere):
        assert ("questionnaire_response", rid) not in head_state
        assert ("questionnaire_response", rid) in staff_state
        [r] = await head.push(mutation("questionnaire.review", {"outcome": "no_action"}, rid))
        assert r["error"]["code"] == "out_of_scope"
    [r] = await head.push(mutation("questionnaire.review", {"outcome": "no_action"}, uid()))
    assert r["error"]["code"] == "unknown_response"
    assert ok(
        await staff.push(mutation("questionnaire.review", {"outcome": "concern_raised"}, nowhere))
    ) == ["applied"]


async def test_apply_response_refuses_unknown_questionnaire_and_replays(engine, demo):
    with write_tx(engine) as conn, pytest.raises(Reject) as exc:
        apply_questionnaire_response(conn, response_id=uid(), questionnaire_id=uid(), answers={})
    assert exc.value.code == "unknown_questionnaire"
    rid = store_response(engine, household_id=demo.household_of("head01"))
    with engine.connect() as conn:
        qid = (
            conn.execute(select(questionnaires.c.id).where(questionnaires.c.active.is_(True)))
            .scalars()
            .first()
        )
    with write_tx(engine) as conn, pytest.raises(Reject) as exc:
        apply_questionnaire_response(conn, response_id=rid, questionnaire_id=qid, answers={})
    assert exc.value.code == "entity_exists"
