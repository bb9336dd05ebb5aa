"""Questionnaires and the visit checklist administered over the API: a changed definition is
a new version phones pull, retiring takes a questionnaire off the public form, and a new
checklist version leaves old visits theirs. Bad definitions are refused and write nothing."""

from __future__ import annotations

import copy

from sqlalchemy import func, select

from server.db.schema import checklists, questionnaires
from tests.server.helpers import ok, visit

API = "/api/v1/admin"

DEFINITION = {
    "slug": "winter-heating",
    "title": {"zh": "冬季供暖", "en": "Winter heating"},
    "questions": [
        {
            "key": "warm_enough",
            "type": "choice",
            "label": {"zh": "家里暖和吗？", "en": "Is your home warm enough?"},
            "options": [
                {"value": "yes", "label": {"zh": "暖和", "en": "Yes"}},
                {"value": "no", "label": {"zh": "不暖和", "en": "No"}},
            ],
        }
    ],
}

CHECKLIST = {
    "title": {"zh": "入户六问", "en": "Six questions"},
    "questions": [
        {
            "key": "household_size",
            "type": "number",
            "label": {"zh": "你家有几口人？", "en": "How many people live here?"},
            "required": True,
            "min": 0,
            "max": 30,
        },
        {
            "key": "heating",
            "type": "choice",
            "label": {"zh": "供暖正常吗？", "en": "Is the heating working?"},
            "options": [
                {"value": "yes", "label": {"zh": "正常", "en": "Yes"}},
                {"value": "no", "label": {"zh": "不正常", "en": "No"}},
            ],
        },
    ],
}


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


async def test_a_questionnaire_is_created_edited_as_a_new_version_and_retired(login, http):
    staff = await login("staff")
    _, cursor = await staff.pull_all()
    url = f"{API}/questionnaires/winter-heating"
    r = await staff.client.put(url, headers=staff.headers, json=DEFINITION)
    assert r.status_code == 200, r.text
    assert (r.json()["outcome"], r.json()["questionnaire"]["version"]) == ("created", 1)
    again = await staff.client.put(url, headers=staff.headers, json=DEFINITION)
    assert again.json()["outcome"] == "unchanged"
    edited = copy.deepcopy(DEFINITION)
    edited["title"]["zh"] = "冬季供暖情况"
    r = await staff.client.put(url, headers=staff.headers, json=edited)
    assert (r.json()["outcome"], r.json()["questionnaire"]["version"]) == ("updated", 2)
    changes, cursor = await staff.pull_all(cursor)
    [change] = [c for c in changes if c["entity"] == "questionnaire"]
    assert change["version"] == 2 and change["data"]["title"]["zh"] == "冬季供暖情况"
    assert (await http.get("/q/winter-heating")).status_code == 200

    r = await staff.client.put(f"{url}/active", headers=staff.headers, json={"active": False})
    assert r.status_code == 200 and r.json()["questionnaire"]["active"] is False
    assert (await http.get("/q/winter-heating")).status_code == 404
    changes, _ = await staff.pull_all(cursor)
    [change] = [c for c in changes if c["entity"] == "questionnaire"]
    assert change["data"]["active"] is False and change["version"] == 3
    listed = (await staff.client.get(f"{API}/questionnaires", headers=staff.headers)).json()
    assert {q["slug"]: q["active"] for q in listed["questionnaires"]}["winter-heating"] is False
    r = await staff.client.put(f"{url}/active", headers=staff.headers, json={"active": True})
    assert r.json()["questionnaire"]["active"] is True
    assert (await http.get("/q/winter-heating")).status_code == 200


async def test_bad_questionnaires_are_refused_and_nothing_is_written(login, engine):
    staff = await login("staff")
    before = _count(engine, questionnaires)
    no_options = copy.deepcopy(DEFINITION)
    no_options["questions"][0]["options"] = []
    twice = copy.deepcopy(DEFINITION)
    twice["questions"].append(twice["questions"][0])
    cases = [
        ("winter-heating", no_options, "needs options"),
        ("winter-heating", twice, "duplicate question keys"),
        ("other-slug", DEFINITION, "differs from the path"),
        ("winter-heating", {**DEFINITION, "questions": []}, "questions"),
        ("winter-heating", {**DEFINITION, "extra": 1}, "extra"),
        ("winter-heating", {**DEFINITION, "active": 0}, "active"),
    ]
    for slug, body, words in cases:
        r = await staff.client.put(f"{API}/questionnaires/{slug}", headers=staff.headers, json=body)
        assert r.status_code == 422 and words in r.json()["detail"], r.text
    r = await staff.client.put(
        f"{API}/questionnaires/nothing-here/active", headers=staff.headers, json={"active": False}
    )
    assert r.status_code == 404
    assert _count(engine, questionnaires) == before


async def test_a_new_checklist_version_reaches_phones_and_old_visits_keep_theirs(login, demo):
    staff, head = await login("staff"), await login("head01")
    _, cursor = await head.pull_all()
    r = await staff.client.post(f"{API}/checklists", headers=staff.headers, json=CHECKLIST)
    assert r.status_code == 201, r.text
    published = r.json()
    assert (published["version"], published["active"]) == (2, True)
    listed = (await staff.client.get(f"{API}/checklists", headers=staff.headers)).json()
    assert [(c["version"], c["active"]) for c in listed["checklists"]] == [(2, True), (1, False)]
    changes, _ = await head.pull_all(cursor)
    got = {c["data"]["version"]: c["data"]["active"] for c in changes if c["entity"] == "checklist"}
    assert got == {1: False, 2: True}

    hh = demo.household_of("head01")
    old = visit(hh, checklist_version=1, answers={"household_size": 3})
    new = visit(hh, checklist_version=2, answers={"household_size": 3, "heating": "no"})
    wrong = visit(hh, checklist_version=2, answers={"household_size": 3, "heating": "maybe"})
    results = await head.push(old, new, wrong)
    assert ok(results) == ["applied", "applied", "rejected"]


async def test_a_bad_checklist_is_refused_and_no_version_is_published(login, engine):
    staff = await login("staff")
    twice = copy.deepcopy(CHECKLIST)
    twice["questions"].append(twice["questions"][0])
    backwards = copy.deepcopy(CHECKLIST)
    backwards["questions"][0]["min"] = 40
    for body, words in [
        (twice, "duplicate question keys"),
        (backwards, "min is greater than max"),
        ({**CHECKLIST, "questions": []}, "questions"),
        ({"questions": CHECKLIST["questions"]}, "title"),
    ]:
        r = await staff.client.post(f"{API}/checklists", headers=staff.headers, json=body)
        assert r.status_code == 422 and words in r.json()["detail"], r.text
    assert _count(engine, checklists) == 1
