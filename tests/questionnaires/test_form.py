"""The public form: renders, validates, stores once, and refuses abuse without effect."""

from __future__ import annotations

import logging
import time

import httpx
from sqlalchemy import select

from server.api.form_guard import FormTokens
from server.api.public_form import PublicFormState, form_state
from server.db.changelog import STAFF_ONLY
from server.db.schema import changes, questionnaire_responses
from server.domain.questionnaires import builtin_definitions
from tests.questionnaires.conftest import (
    VALID_RESIDENT_INFO,
    open_form,
    response_count,
    submit,
    token_of,
)


async def test_form_renders_every_question_and_the_estate_name(client, place):
    r = await client.get("/q/resident-info", params={"e": place.estate_id, "h": place.household_id})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    definition = next(d for d in builtin_definitions() if d.slug == "resident-info")
    assert definition.title.zh in r.text
    for q in definition.questions:
        assert q.label.zh in r.text
        assert f'name="{q.key}"' in r.text
    assert place.estate_name in r.text
    assert 'name="viewport"' in r.text


async def test_every_builtin_questionnaire_renders(client, place):
    for definition in builtin_definitions():
        html = await open_form(client, definition.slug, place)
        assert definition.title.zh in html


async def test_pages_load_nothing_from_elsewhere_and_send_security_headers(client, place):
    r = await client.get("/q/elderly-care", params={"e": place.estate_id})
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "form-action 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    lowered = r.text.lower()
    assert "<script" not in lowered and "<link" not in lowered and " src=" not in lowered
    assert "http://" not in lowered and "https://" not in lowered


async def test_english_is_selectable(client, place):
    r = await client.get("/q/elderly-care", params={"e": place.estate_id, "lang": "en"})
    assert "Care needs of older residents" in r.text and 'lang="en"' in r.text


async def test_unknown_questionnaire_estate_or_household_is_a_friendly_404(client, place, engine):
    other_estate_household = None
    with engine.connect() as conn:
        from server.db.schema import households

        other_estate_household = conn.execute(
            select(households.c.id).where(households.c.estate_id != place.estate_id).limit(1)
        ).scalar_one()
    for path, params in [
        ("/q/no-such-form", {}),
        ("/q/resident-info", {"e": "00000000-0000-0000-0000-000000000000"}),
        ("/q/resident-info", {"e": place.estate_id, "h": "00000000-0000-0000-0000-000000000000"}),
        ("/q/resident-info", {"e": place.estate_id, "h": other_estate_household}),
    ]:
        r = await client.get(path, params=params)
        assert r.status_code == 404, (path, params)
        assert "找不到这份问卷" in r.text


async def test_invalid_answers_reshow_the_form_with_messages_and_store_nothing(
    client, place, engine
):
    token = token_of(await open_form(client, "resident-info", place))
    bad = dict(VALID_RESIDENT_INFO)
    bad.update(phone="1234567", name="", people_count="99", address="somewhere", housing="castle")
    r = await submit(client, "resident-info", token, bad)
    assert r.status_code == 200
    assert "请填写 11 位手机号码" in r.text  # bad phone
    assert "此题必填" in r.text  # missing required name
    assert "数值不能大于 20" in r.text  # out of range
    assert "请按“楼栋-单元-室”填写" in r.text  # bad address
    assert "请从选项中选择" in r.text  # not one of the options
    assert "有 5 处需要修改" in r.text
    assert 'value="1234567"' in r.text and 'value="somewhere"' in r.text  # entered values kept
    assert response_count(engine) == 0


async def test_valid_submission_is_stored_once_attributed_and_redirects_without_answers(
    client, place, engine
):
    token = token_of(await open_form(client, "resident-info", place))
    r = await submit(client, "resident-info", token, VALID_RESIDENT_INFO)
    assert r.status_code == 303
    location = r.headers["location"]
    assert location == "/q/resident-info/thanks"
    assert "138" not in location and "%" not in location
    thanks = await client.get(location)
    assert thanks.status_code == 200 and "提交成功" in thanks.text
    with engine.connect() as conn:
        rows = conn.execute(select(questionnaire_responses)).all()
        assert len(rows) == 1
        row = rows[0]
        change = conn.execute(
            select(changes).where(
                changes.c.entity == "questionnaire_response", changes.c.entity_id == row.id
            )
        ).one()
    assert row.estate_id == place.estate_id and row.household_id == place.household_id
    assert row.answers == {
        "address": "3-2-401",
        "name": "王秀英",
        "phone": "13812345678",
        "people_count": 3,
        "has_elderly": True,
        "lives_alone": False,
        "housing": "owner",
    }
    assert change.estate_id == place.estate_id and change.district_id == place.district_id
    assert change.data["status"] == "new"


async def test_replayed_form_is_refused_and_not_stored_twice(client, place, engine):
    token = token_of(await open_form(client, "resident-info", place))
    first = await submit(client, "resident-info", token, VALID_RESIDENT_INFO)
    assert first.status_code == 303
    again = await submit(client, "resident-info", token, VALID_RESIDENT_INFO)
    assert again.status_code == 409
    assert "已经提交过了" in again.text
    assert response_count(engine) == 1


async def test_corrected_form_after_an_error_is_still_one_submission(client, place, engine):
    token = token_of(await open_form(client, "resident-info", place))
    bad = dict(VALID_RESIDENT_INFO, phone="12")
    reshown = await submit(client, "resident-info", token, bad)
    second_token = token_of(reshown.text)
    ok = await submit(client, "resident-info", second_token, VALID_RESIDENT_INFO)
    assert ok.status_code == 303
    # the back button resubmits the older page: still the same filling-in
    replay = await submit(client, "resident-info", token, VALID_RESIDENT_INFO)
    assert replay.status_code == 409
    assert response_count(engine) == 1


async def test_forged_or_missing_token_is_refused_without_effect(client, place, engine):
    token = token_of(await open_form(client, "resident-info", place))
    body, mac = token.split(".")
    forged = body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + mac
    for bad in (forged, "", "not-a-token", token + "x"):
        r = await submit(client, "resident-info", bad, VALID_RESIDENT_INFO)
        assert r.status_code == 400, bad
        assert "页面已失效" in r.text
    assert response_count(engine) == 0


async def test_token_for_another_questionnaire_is_refused(client, place, engine):
    token = token_of(await open_form(client, "suggestions", place))
    r = await submit(client, "resident-info", token, VALID_RESIDENT_INFO)
    assert r.status_code == 400
    assert response_count(engine) == 0


async def test_expired_token_reshows_the_form_keeping_the_answers(client, app, place, engine):
    await open_form(client, "resident-info", place)  # makes the app's form state
    state: PublicFormState = app.state.public_form
    from server.domain.questionnaires import get_questionnaire

    with engine.connect() as conn:
        q = get_questionnaire(conn, "resident-info")
    old = state.tokens.issue(
        {
            "questionnaire_id": q.id,
            "version": q.version,
            "estate_id": place.estate_id,
            "household_id": None,
            "rid": "11111111-1111-1111-1111-111111111111",
        },
        now=time.time() - state.tokens.ttl_seconds - 60,
    )
    r = await submit(client, "resident-info", old, VALID_RESIDENT_INFO)
    assert r.status_code == 200
    assert "页面停留时间过长" in r.text
    assert 'value="13812345678"' in r.text
    assert response_count(engine) == 0
    fresh = token_of(r.text)
    assert (await submit(client, "resident-info", fresh, VALID_RESIDENT_INFO)).status_code == 303
    assert response_count(engine) == 1


async def test_oversized_body_is_refused_with_413_and_nothing_stored(client, place, engine):
    token = token_of(await open_form(client, "resident-info", place))
    big = dict(VALID_RESIDENT_INFO, note="长" * 20_000)  # ~180 KB once percent-encoded
    r = await submit(client, "resident-info", token, big)
    assert r.status_code == 413
    assert response_count(engine) == 0


async def test_oversized_body_without_declared_length_is_refused(client, place, engine):
    token = token_of(await open_form(client, "resident-info", place))

    async def chunks():
        yield f"_token={token}&note=".encode()
        for _ in range(100):
            yield b"x" * 1024

    r = await client.post(
        "/q/resident-info",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 413
    assert response_count(engine) == 0


async def test_flood_is_refused_with_429_and_no_extra_rows(client, place, engine):
    answers = {"topic": "service", "content": "多开展老年活动"}
    statuses = []
    for _ in range(12):
        token = token_of(await open_form(client, "suggestions", place))
        statuses.append((await submit(client, "suggestions", token, answers)).status_code)
    assert statuses[:10] == [303] * 10
    assert statuses[10:] == [429, 429]
    assert response_count(engine) == 10
    r = await submit(client, "suggestions", token, answers)
    assert r.status_code == 429 and "提交太频繁" in r.text and int(r.headers["retry-after"]) > 0


async def test_other_content_types_are_refused(client, place, engine):
    token = token_of(await open_form(client, "resident-info", place))
    r = await client.post("/q/resident-info", json={"_token": token, **VALID_RESIDENT_INFO})
    assert r.status_code == 415
    assert response_count(engine) == 0


async def test_html_in_an_answer_is_shown_as_text(client, place, engine):
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>"'
    token = token_of(await open_form(client, "resident-info", place))
    # an error elsewhere makes the page show the typed text back
    r = await submit(
        client, "resident-info", token, dict(VALID_RESIDENT_INFO, name=evil, phone="1")
    )
    assert r.status_code == 200
    assert "<script>alert(1)" not in r.text and "<img src=x" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    ok = await submit(
        client, "resident-info", token_of(r.text), dict(VALID_RESIDENT_INFO, note=evil)
    )
    assert ok.status_code == 303
    thanks = await client.get(ok.headers["location"])
    assert "<script" not in thanks.text
    with engine.connect() as conn:
        stored = conn.execute(select(questionnaire_responses.c.answers)).scalar_one()
    assert stored["note"] == evil  # kept verbatim as data; escaping is the display's job


async def test_answer_without_an_estate_is_for_staff_only(client, engine):
    token = token_of(await open_form(client, "suggestions"))
    r = await submit(client, "suggestions", token, {"topic": "other", "content": "路灯太暗"})
    assert r.status_code == 303
    with engine.connect() as conn:
        change = conn.execute(
            select(changes).where(changes.c.entity == "questionnaire_response")
        ).one()
    assert change.estate_id is None and change.district_id == STAFF_ONLY


async def test_tampered_query_cannot_move_an_answer_to_another_estate(client, place, engine):
    token = token_of(await open_form(client, "suggestions", place, household=False))
    data = httpx.QueryParams([("_token", token), ("topic", "other"), ("content", "x")])
    r = await client.post(
        "/q/suggestions?e=00000000-0000-0000-0000-000000000000",
        content=str(data).encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 303
    with engine.connect() as conn:
        assert conn.execute(select(questionnaire_responses.c.estate_id)).scalar_one() == (
            place.estate_id
        )


async def test_answers_never_reach_the_logs(client, place, caplog):
    caplog.set_level(logging.DEBUG)
    token = token_of(await open_form(client, "resident-info", place))
    await submit(client, "resident-info", token, dict(VALID_RESIDENT_INFO, phone="1"))
    await submit(client, "resident-info", token, VALID_RESIDENT_INFO)
    text = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    assert "13812345678" not in text and "王秀英" not in text


def test_form_state_is_made_once_per_app(app):
    class _Req:
        def __init__(self, app):
            self.app = app

    first = form_state(_Req(app))
    assert form_state(_Req(app)) is first
    assert isinstance(first.tokens, FormTokens)


async def test_an_answer_no_store_can_hold_is_reshown_and_nothing_stored(client, place, engine):
    for field, value, message in [
        ("note", "a\x00b", "无法保存"),
        ("name", "王\x00", "无法保存"),
        ("people_count", "1e999", "请填写数字"),
        ("people_count", "nan", "请填写数字"),
    ]:
        token = token_of(await open_form(client, "resident-info", place))
        r = await submit(client, "resident-info", token, {**VALID_RESIDENT_INFO, field: value})
        assert r.status_code == 200 and message in r.text, (field, value)
    assert response_count(engine) == 0
