"""The "to review" list of questionnaire answers: labelled answers, masked phones, and the
one-tap actions (open the household, add/update the resident, raise a concern, mark dealt
with), each checked in the real store and its outbox.

Answers arrive on a phone by pull; these tests put them in the store the same way, through
``apply_pull_page`` (head01's small-seed scope has none of its own).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import flet as ft

from app.paths import store_path
from services.protocol import CATEGORY_NAMES
from tests.app.conftest import click, find, one, outbox_rows, texts

PHONE = "13912345678"


def _top(state) -> ft.View:
    return state.page.views[-1]


def _questionnaire(store, slug: str) -> dict:
    return next(q for q in store.questionnaires() if q["slug"] == slug)


def _arrive(store, slug: str, answers: dict, *, household: dict | None, estate_id=None) -> str:
    """A resident's answer reaching the phone in a pull page."""
    rid = str(uuid.uuid4())
    q = _questionnaire(store, slug)
    data = {
        "id": rid,
        "questionnaire_id": q["id"],
        "estate_id": estate_id or (household or {}).get("estate_id"),
        "household_id": (household or {}).get("id"),
        "answers": answers,
        "submitted_at": dt.datetime.now(dt.UTC).isoformat(),
        "status": "new",
        "outcome": None,
    }
    change = {"entity": "questionnaire_response", "id": rid, "op": "upsert", "version": 1}
    store.apply_pull_page([dict(change, data=data)], store.cursor)
    return rid


def _outbox(state) -> list[dict]:
    return outbox_rows(store_path(state.data_dir, state.user["id"]))


def _open_review(state) -> ft.View:
    state.nav.root("concerns")
    state.nav.push("review")
    return _top(state)


def _elderly_answer(store, hh, name="新来的人", age=71):
    return _arrive(
        store,
        "elderly-care",
        {
            "address": hh["address"],
            "name": name,
            "age": age,
            "lives_alone": True,
            "health": next(
                o["value"]
                for q in _questionnaire(store, "elderly-care")["questions"]
                if q["key"] == "health"
                for o in q["options"]
            ),
            "phone": PHONE,
        },
        household=hh,
    )


async def test_answers_show_in_words_with_title_place_and_masked_phone(session, head_state):
    store = head_state.store
    hh = store.households(limit=1)[0]
    rid = _elderly_answer(store, hh)
    q = _questionnaire(store, "elderly-care")
    view = _open_review(head_state)
    card = one(view, f"response-{rid}")
    shown = texts(card)
    assert q["title"]["zh"] in shown
    where = one(card, f"review-where-{rid}").value
    assert hh["estate_name"] in where and hh["address"] in where
    labels = {x["key"]: x["label"]["zh"] for x in q["questions"]}
    assert labels["lives_alone"] in shown and "是" in shown, "yes/no in words"
    health = next(x for x in q["questions"] if x["key"] == "health")
    option = health["options"][0]
    assert option["label"]["zh"] in shown and option["value"] not in shown, "option labels"
    assert "lives_alone" not in shown and "True" not in shown, "no raw keys or values"
    assert "139****5678" in shown and PHONE not in " ".join(shown), "phone masked by default"


async def test_phone_is_revealed_and_callable_only_on_request(session, head_state):
    store = head_state.store
    hh = store.households(limit=1)[0]
    rid = _elderly_answer(store, hh)
    view = _open_review(head_state)
    call = one(view, f"call-{rid}-phone")
    assert not call.visible
    await click(session, one(view, f"reveal-{rid}-phone"))
    assert one(view, f"phone-{rid}-phone").value == PHONE
    assert call.visible and call.url == f"tel:{PHONE}"
    await click(session, one(view, f"reveal-{rid}-phone"))
    assert one(view, f"phone-{rid}-phone").value == "139****5678" and not call.visible


async def test_open_household_from_an_answer(session, head_state):
    store = head_state.store
    hh = store.households(limit=1, offset=1)[0]
    rid = _elderly_answer(store, hh)
    view = _open_review(head_state)
    await click(session, one(view, f"review-open-{rid}"))
    assert _top(head_state).path == f"/household/{hh['id']}"


async def test_answer_with_only_an_address_finds_its_household(session, head_state):
    store = head_state.store
    hh = store.households(limit=1, offset=2)[0]
    rid = _arrive(
        store,
        "parking",
        {"address": hh["address"], "cars": 1},
        household=None,
        estate_id=hh["estate_id"],
    )
    view = _open_review(head_state)
    await click(session, one(view, f"review-open-{rid}"))
    assert _top(head_state).path == f"/household/{hh['id']}"


async def test_add_resident_from_an_answer_prefilled_then_marked_reviewed(session, head_state):
    store = head_state.store
    hh = store.households(limit=1, offset=3)[0]
    rid = _elderly_answer(store, hh, name="新来的人", age=71)
    view = _open_review(head_state)
    assert one(view, f"review-resident-{rid}").content == head_state.t("review.add_resident")
    await click(session, one(view, f"review-resident-{rid}"))
    dialog = session.page._dialogs.controls[-1]
    assert one(dialog, "resident-name").value == "新来的人"
    assert one(dialog, "resident-birth-year").value == str(dt.date.today().year - 71)
    phone = one(dialog, "resident-phone")
    assert phone.value == PHONE and phone.password, "entered hidden"
    assert one(dialog, "resident-lives-alone").value is True
    await click(session, one(dialog, "resident-save"))

    added = [m for m in store.members(hh["id"]) if m["name"] == "新来的人"]
    assert len(added) == 1 and added[0]["pending"]
    assert added[0]["phone_masked"] == "139****5678" and "lives_alone" in added[0]["flags"]
    rows = {r["entity_id"]: r for r in _outbox(head_state)}
    create = json.loads(rows[added[0]["id"]]["payload"])
    assert rows[added[0]["id"]]["type"] == "resident.create" and create["phone"] == PHONE
    review = rows[rid]
    assert review["type"] == "questionnaire.review"
    assert json.loads(review["payload"])["outcome"] == "resident_updated"
    assert all(r["id"] != rid for r in store.responses_to_review())
    assert not find(_top(head_state), key=f"response-{rid}"), "off the list"


async def test_update_resident_of_the_same_name(session, head_state):
    store = head_state.store
    hh = store.households(limit=1, offset=4)[0]
    member = store.members(hh["id"])[0]
    age = (member["age"] or 50) + 1
    rid = _elderly_answer(store, hh, name=member["name"], age=age)
    view = _open_review(head_state)
    button = one(view, f"review-resident-{rid}")
    assert button.content == head_state.t("review.update_resident", name=member["name"])
    await click(session, button)
    dialog = session.page._dialogs.controls[-1]
    assert dialog.data["member"]["id"] == member["id"]
    await click(session, one(dialog, "resident-save"))
    updated = store.resident(member["id"])
    assert updated["birth_year"] == dt.date.today().year - age and updated["pending"]
    assert len([m for m in store.members(hh["id"]) if m["name"] == member["name"]]) == 1
    rows = [r for r in _outbox(head_state) if r["entity_id"] == member["id"]]
    assert [r["type"] for r in rows] == ["resident.update"]
    fields = json.loads(rows[0]["payload"])["fields"]
    assert fields["birth_year"] == dt.date.today().year - age and "name" not in fields


async def test_raise_concern_from_an_answer_prefilled_without_the_whole_phone(session, head_state):
    store = head_state.store
    hh = store.households(limit=1, offset=5)[0]
    q = _questionnaire(store, "safety-hazards")
    kind = next(x for x in q["questions"] if x["key"] == "kind")["options"][0]
    rid = _arrive(
        store,
        "safety-hazards",
        {"location": "3号楼楼道", "kind": kind["value"], "urgent": True, "phone": PHONE},
        household=hh,
    )
    view = _open_review(head_state)
    await click(session, one(view, f"review-concern-{rid}"))
    dialog = session.page._dialogs.controls[-1]
    description = one(dialog, "concern-description").value
    assert q["title"]["zh"] in description and kind["label"]["zh"] in description
    assert "139****5678" in description and PHONE not in description
    assert one(dialog, "concern-category").value == CATEGORY_NAMES["safety"]
    await click(session, one(dialog, "concern-add"))

    raised = [c for c in store.concerns(household_id=hh["id"]) if c["description"] == description]
    assert len(raised) == 1 and raised[0]["pending"]
    rows = {r["entity_id"]: r for r in _outbox(head_state)}
    assert rows[raised[0]["id"]]["type"] == "concern.create"
    assert json.loads(rows[rid]["payload"])["outcome"] == "concern_raised"


async def test_a_concern_typed_and_cancelled_waits_as_a_draft_until_raised(session, head_state):
    store = head_state.store
    hh = store.households(limit=1, offset=7)[0]
    rid = _arrive(store, "suggestions", {"content": "希望多装路灯"}, household=hh)
    view = _open_review(head_state)
    await click(session, one(view, f"review-concern-{rid}"))
    dialog = session.page._dialogs.controls[-1]
    one(dialog, "concern-description").value = "希望小区多装几盏路灯，晚上太黑"
    await click(session, one(dialog, "concern-cancel"))
    await click(session, dialog, "dismiss")  # the phone reports the dialog gone
    assert store.household(hh["id"])["draft"] is True
    assert _outbox(head_state) == [], "a draft never uploads"

    await click(session, one(view, f"review-concern-{rid}"))
    dialog = session.page._dialogs.controls[-1]
    assert one(dialog, "concern-description").value == "希望小区多装几盏路灯，晚上太黑"
    await click(session, one(dialog, "concern-add"))
    assert store.draft("concern", rid) is None and store.household(hh["id"])["draft"] is False
    assert [c["description"] for c in store.concerns(household_id=hh["id"])].count(
        "希望小区多装几盏路灯，晚上太黑"
    ) == 1


async def test_mark_reviewed_takes_the_answer_off_the_list(session, head_state):
    store = head_state.store
    hh = store.households(limit=1, offset=6)[0]
    keep = _elderly_answer(store, hh, name="甲")
    rid = _elderly_answer(store, hh, name="乙")
    view = _open_review(head_state)
    assert view.data["pager"].total == 2
    await click(session, one(view, f"review-done-{rid}"))
    assert [r["id"] for r in store.responses_to_review()] == [keep]
    rows = [r for r in _outbox(head_state) if r["entity_id"] == rid]
    assert rows[0]["type"] == "questionnaire.review"
    assert json.loads(rows[0]["payload"])["outcome"] == "no_action"
    assert not find(view, key=f"response-{rid}") and find(view, key=f"response-{keep}")
    assert view.data["pager"].total == 1


async def test_empty_review_list_says_so(session, head_state):
    view = _open_review(head_state)
    assert find(view, key="review-empty")


async def test_home_leads_to_the_answers_waiting(session, head_state):
    store = head_state.store
    hh = store.households(limit=1)[0]
    _elderly_answer(store, hh)
    head_state.nav.root("home")
    await click(session, one(_top(head_state), "home-review"))
    assert _top(head_state).path == "/review"


async def test_answers_in_english_use_the_questionnaires_english_labels(session, head_state):
    from app.i18n import Translator

    store = head_state.store
    hh = store.households(limit=1)[0]
    rid = _elderly_answer(store, hh)
    q = _questionnaire(store, "elderly-care")
    head_state.t = Translator("en")
    card = one(_open_review(head_state), f"response-{rid}")
    shown = texts(card)
    assert q["title"]["en"] in shown
    label = next(x for x in q["questions"] if x["key"] == "lives_alone")["label"]["en"]
    assert label in shown and "Yes" in shown
    assert one(card, f"review-done-{rid}").content == "Mark dealt with"
