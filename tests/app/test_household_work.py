"""The household page as a head works it: a member's sheet (flags, vaccination, relation,
phone, add, move out), calling with the reveal recorded, a past visit read back, the routine
visit in two taps, drafts that keep what was typed, and an unanswered question brought into
view. Events go through the real Flet session; data sits in a real store pulled from the
real server."""

from __future__ import annotations

import asyncio
import json

import flet as ft
import pytest

from tests.app.conftest import click, find, one, texts


def _top(state) -> ft.View:
    return state.page.views[-1]


def _household_with(store, *, phone: bool = False, visited: bool = False) -> dict:
    """A household of this head with at least one member (one with a whole number when
    ``phone``; one visit at least when ``visited``)."""
    sql = (
        "SELECT h.id FROM households h JOIN residents r ON r.household_id = h.id"
        + (" AND json_extract(r.data, '$.phone') IS NOT NULL" if phone else "")
        + (" WHERE EXISTS (SELECT 1 FROM visits v WHERE v.household_id = h.id)" if visited else "")
        + " ORDER BY h.address LIMIT 1"
    )
    (hid,) = store.conn.execute(sql).fetchone()
    return store.household(hid)


def _open_household(state, hid: str) -> ft.View:
    state.nav.root("households")
    state.nav.push("household", household_id=hid)
    return _top(state)


def _member_sheet(state) -> tuple[dict, ft.View]:
    """A household's first member, and their page opened."""
    house = _household_with(state.store)
    member = state.store.members(house["id"])[0]
    state.nav.push("member", household_id=house["id"], resident_id=member["id"])
    return member, _top(state)


def _outbox(store) -> list[dict]:
    return store.outbox_batch(100)


def _invokes(session, method: str) -> list[dict]:
    """Method calls the app sent to the (absent) Flutter client, e.g. ``scroll_to``."""
    out = []
    for _action, body in session.connection.messages:
        if isinstance(body, dict) and body.get("name") == method:
            out.append(body)
    return out


# ---- a member's sheet ------------------------------------------------------------------------
async def test_tapping_a_member_opens_their_sheet_and_one_save_sends_one_update(
    session, head_state
):
    store = head_state.store
    house = _household_with(store)
    member = store.members(house["id"])[0]
    page = _open_household(head_state, house["id"])
    await click(session, one(page, f"member-{member['id']}"))
    sheet = _top(head_state)
    assert sheet.path.endswith(f"/member/{member['id']}")
    assert member["name"] in texts(sheet)

    # 独居 and 低保 on, vaccination "full", a relation: one tap each, then save
    await click(session, one(sheet, "member-flags-lives_alone"))
    await click(session, one(sheet, "member-flags-low_income"))
    await click(session, one(sheet, "member-vaccination-full"))
    one(sheet, "member-relation").value = "户主"
    await click(session, one(sheet, "member-save"))

    assert _top(head_state).path == f"/household/{house['id']}", "back on the household"
    after = store.resident(member["id"])
    wanted = set(member["flags"]) | {"lives_alone", "low_income"}
    assert set(after["flags"]) == wanted and after["vaccination"] == "full"
    assert after["relation"] == "户主" and after["pending"] is True
    [m] = [x for x in _outbox(store) if x["entity_id"] == member["id"]]
    assert m["type"] == "resident.update"
    assert set(m["payload"]["fields"]) >= {"flags", "vaccination", "relation"}
    assert "phone" not in m["payload"]["fields"], "an untouched number is not sent"
    tile = one(_top(head_state), f"member-{member['id']}")
    assert head_state.t("flag.low_income") in texts(tile), "the household page shows it"


async def test_a_flag_tapped_twice_is_off_again_and_saving_nothing_sends_nothing(
    session, head_state
):
    store = head_state.store
    member, sheet = _member_sheet(head_state)
    flag = "disabled" if "disabled" not in member["flags"] else "needs_help"
    await click(session, one(sheet, f"member-flags-{flag}"))
    await click(session, one(sheet, f"member-flags-{flag}"))
    await click(session, one(sheet, "member-save"))
    assert _outbox(store) == []


async def test_a_bad_new_number_is_refused_on_its_field_and_nothing_is_saved(session, head_state):
    store = head_state.store
    member, sheet = _member_sheet(head_state)
    for typed in ("call me", "١٣٩١٢٣٤٥٦٧٨"):  # words; digits no dialer or search reads
        one(sheet, "member-phone-new").value = typed
        await click(session, one(sheet, "member-save"))
        assert _top(head_state) is sheet
        assert one(sheet, "member-phone-new").error == head_state.t("member.bad_phone")
    assert _outbox(store) == []


async def test_a_birth_year_in_digits_no_number_reads_is_refused_on_its_field(session, head_state):
    """ "፩፱፭፩" is four digits to str.isdigit but no number to int(): the save once raised."""
    store = head_state.store
    house = _household_with(store)
    _open_household(head_state, house["id"])
    head_state.nav.push("member", household_id=house["id"])
    sheet = _top(head_state)
    one(sheet, "member-name").value = "钱桂英"
    for typed in ("፩፱፭፩", "¹⁹⁴⁸"):
        one(sheet, "member-birth-year").value = typed
        await click(session, one(sheet, "member-save"))
        assert _top(head_state) is sheet
        assert one(sheet, "member-birth-year").error == head_state.t("resident.bad_birth_year")
    assert _outbox(store) == []
    one(sheet, "member-birth-year").value = "１９４８"  # a Chinese IME's full-width digits
    await click(session, one(sheet, "member-save"))
    [added] = [m for m in store.members(house["id"]) if m["name"] == "钱桂英"]
    assert added["birth_year"] == 1948


async def test_a_new_number_is_stored_as_the_dialer_reads_it(session, head_state):
    """A Chinese IME's full-width digits, spaces and dashes fold away."""
    store = head_state.store
    member, sheet = _member_sheet(head_state)
    one(sheet, "member-phone-new").value = "１３９ 1234-５６７８"
    await click(session, one(sheet, "member-save"))
    [m] = _outbox(store)
    assert m["payload"]["fields"]["phone"] == "13912345678"


async def test_a_member_added_from_the_household_page_appears_pending(session, head_state):
    store = head_state.store
    house = _household_with(store)
    page = _open_household(head_state, house["id"])
    await click(session, one(page, "add-member"))
    sheet = _top(head_state)
    await click(session, one(sheet, "member-save"))  # no name: refused on the field
    assert one(sheet, "member-name").error == head_state.t("resident.need_name")
    one(sheet, "member-name").value = "钱桂英"
    one(sheet, "member-birth-year").value = "1948"
    await click(session, one(sheet, "member-gender-female"))
    await click(session, one(sheet, "member-flags-lives_alone"))
    one(sheet, "member-phone-new").value = "13912345678"
    await click(session, one(sheet, "member-save"))

    back = _top(head_state)
    [added] = [m for m in store.members(house["id"]) if m["name"] == "钱桂英"]
    assert added["pending"] and added["birth_year"] == 1948 and added["gender"] == "female"
    assert added["flags"] == ["lives_alone"] and added["phone_masked"] == "139****5678"
    assert find(back, key=f"member-{added['id']}")
    [m] = [x for x in _outbox(store) if x["entity_id"] == added["id"]]
    assert m["type"] == "resident.create" and m["payload"]["household_id"] == house["id"]


async def test_moving_a_member_out_asks_first_then_takes_them_off_the_household(
    session, head_state
):
    store = head_state.store
    house = _household_with(store)
    member = store.members(house["id"])[0]
    _open_household(head_state, house["id"])
    head_state.nav.push("member", household_id=house["id"], resident_id=member["id"])
    sheet = _top(head_state)
    await click(session, one(sheet, "member-moved-out"))
    dialog = session.page._dialogs.controls[-1]
    assert member["name"] in " ".join(texts(dialog))
    assert _outbox(store) == [], "nothing before the confirmation"
    await click(session, one(dialog, "member-remove-confirm"))

    back = _top(head_state)
    assert back.path == f"/household/{house['id']}"
    assert member["id"] not in [m["id"] for m in store.members(house["id"])]
    assert not find(back, key=f"member-{member['id']}")
    [m] = _outbox(store)
    assert (m["type"], m["entity_id"], m["payload"]["reason"]) == (
        "resident.remove",
        member["id"],
        "moved_out",
    )


# ---- calling ---------------------------------------------------------------------------------
async def test_call_shows_the_whole_number_opens_the_dialer_and_records_the_reveal(
    session, head_state
):
    store = head_state.store
    house = _household_with(store, phone=True)
    member = next(m for m in store.members(house["id"]) if m.get("phone"))
    opened: list[str] = []

    async def dialer(url: str) -> None:
        opened.append(url)

    head_state.open_url = dialer
    head_state.nav.push("member", household_id=house["id"], resident_id=member["id"])
    sheet = _top(head_state)
    shown = one(sheet, "member-phone")
    assert shown.value == member["phone_masked"] != member["phone"], "masked until called"
    assert _outbox(store) == []

    await click(session, one(sheet, "member-call"))
    digits = "".join(ch for ch in member["phone"] if ch.isdigit() or ch == "+")
    assert opened == [f"tel:{digits}"]
    assert one(sheet, "member-phone").value == member["phone"]
    [m] = _outbox(store)
    assert m["type"] == "resident.reveal" and m["payload"]["resident_id"] == member["id"]
    assert head_state.sync.pending == 1, "the record uploads like any other entry"


async def test_a_dialer_that_does_not_open_says_so_with_the_number(session, head_state):
    store = head_state.store
    house = _household_with(store, phone=True)
    member = next(m for m in store.members(house["id"]) if m.get("phone"))

    async def broken(url: str) -> None:
        raise RuntimeError("no dialer on this device")

    head_state.open_url = broken
    head_state.nav.push("member", household_id=house["id"], resident_id=member["id"])
    await click(session, one(_top(head_state), "member-call"))
    snack = session.page._dialogs.controls[-1]
    assert texts(snack) == [head_state.t("member.call_failed", phone=member["phone"])]


# ---- past visits -----------------------------------------------------------------------------
async def test_the_household_page_shows_the_last_visit_and_a_past_visit_opens_read_only(
    session, head_state
):
    store = head_state.store
    house = _household_with(store)
    vid = store.record_visit(
        house["id"],
        method="phone",
        people_reached=2,
        answers={"household_size": 4, "difficulties": "腿脚不便，上下楼难"},
        notes="想装扶手",
        concerns=[{"kind": "request", "category": "housing", "description": "楼道加装扶手"}],
    )
    page = _open_household(head_state, house["id"])
    last = one(page, "last-visit")
    shown = texts(last)
    assert "腿脚不便，上下楼难" in shown and "你家有几口人？" in shown and "4" in shown
    assert any(head_state.t("method.phone") in s for s in shown)

    await click(session, one(page, f"visit-{vid}"))
    view = _top(head_state)
    assert view.path == f"/visit/{vid}"
    shown = texts(view)
    assert "生活上有什么困难吗？" in shown and "腿脚不便，上下楼难" in shown
    assert "想装扶手" in shown and "楼道加装扶手" in shown
    assert not find(view, cls=ft.TextField), "read only"


# ---- the routine visit -----------------------------------------------------------------------
async def test_a_routine_visit_is_record_then_save_with_the_registered_people_count(
    session, head_state
):
    store = head_state.store
    house = _household_with(store)
    page = _open_household(head_state, house["id"])
    await click(session, one(page, "record-visit"))  # tap 1
    form = _top(head_state)
    size = next(q for q in form.data["questions"] if q.qkey == "household_size")
    registered = house["people_count"] or len(store.members(house["id"]))
    assert size.input.value == str(registered), "prefilled from the register"
    await click(session, one(form, "visit-save"))  # tap 2

    assert _top(head_state).path == f"/household/{house['id']}"
    visit = store.visits(house["id"])[0]
    assert visit["answers"]["household_size"] == registered
    assert [m["type"] for m in _outbox(store)] == ["visit.record"], "the register is unchanged"


async def test_a_different_people_count_updates_the_register_with_the_visit(session, head_state):
    store = head_state.store
    house = _household_with(store)
    head_state.nav.push("visit", household_id=house["id"])
    form = _top(head_state)
    size = next(q for q in form.data["questions"] if q.qkey == "household_size")
    new_count = (house["people_count"] or 0) + 1
    size.input.value = str(new_count)
    await click(session, size.input, "change")
    await click(session, one(form, "visit-save"))
    assert store.household(house["id"])["people_count"] == new_count
    assert [m["type"] for m in _outbox(store)] == ["visit.record", "household.update"]


async def test_an_unanswered_question_is_marked_and_scrolled_into_view(session, head_state):
    store = head_state.store
    house = _household_with(store)
    head_state.nav.push("visit", household_id=house["id"])
    form = _top(head_state)
    size = next(q for q in form.data["questions"] if q.qkey == "household_size")
    size.input.value = ""
    await click(session, size.input, "change")
    await click(session, one(form, "visit-save"))

    assert _top(head_state) is form and store.visits(house["id"]) == [
        v for v in store.visits(house["id"]) if not v["pending"]
    ]
    assert size.control.border.top.color == ft.Colors.ERROR, "the question is marked"
    scrolling = form.data["scrolling"]  # sent without holding up the save handler
    for _ in range(100):  # let the scroll task run up to its call to the client
        if _invokes(session, "scroll_to"):
            break
        await asyncio.sleep(0)
    [scroll] = _invokes(session, "scroll_to")
    assert scroll["control_id"] == form._i and scroll["args"]["scroll_key"] == "q-household_size"
    session.handle_invoke_method_results(form._i, scroll["call_id"], None, None)  # the client
    await scrolling
    assert one(form, "visit-message").value == head_state.t(
        "visit.required_missing", label=size.label
    )


# ---- drafts ----------------------------------------------------------------------------------
async def test_leaving_a_filled_visit_keeps_a_draft_that_reopening_continues(session, head_state):
    store = head_state.store
    house = _household_with(store)
    page = _open_household(head_state, house["id"])
    assert not find(page, key="house-draft")
    await click(session, one(page, "record-visit"))
    form = _top(head_state)
    notes = one(form, "visit-notes")
    notes.value = "老人腿脚不便"
    await click(session, notes, "change")
    hard = next(q for q in form.data["questions"] if q.qkey == "difficulties")
    hard.input.value = "上下楼难"
    await click(session, hard.input, "change")
    # a concern typed and then cancelled stays too
    await click(session, one(form, "visit-raise"))
    dialog = session.page._dialogs.controls[-1]
    one(dialog, "concern-description").value = "楼道灯坏了"
    await click(session, one(dialog, "concern-cancel"))
    await click(session, dialog, "dismiss")  # the phone reports the dialog gone

    await click(session, one(form, "back"))  # leave without saving
    page = _top(head_state)
    assert page.path == f"/household/{house['id']}"
    assert find(page, key="house-draft"), "the household says a draft waits"
    listed = next(h for h in store.households(limit=500) if h["id"] == house["id"])
    assert listed["draft"] is True, "and so does its tile in the list"
    assert one(page, "record-visit").content == head_state.t("house.continue_draft")
    assert _outbox(store) == [], "a draft never uploads"

    await click(session, one(page, "record-visit"))
    again = _top(head_state)
    assert find(again, key="draft-restored")
    assert one(again, "visit-notes").value == "老人腿脚不便"
    hard = next(q for q in again.data["questions"] if q.qkey == "difficulties")
    assert hard.input.value == "上下楼难"
    await click(session, one(again, "visit-raise"))
    dialog = session.page._dialogs.controls[-1]
    assert one(dialog, "concern-description").value == "楼道灯坏了"
    await click(session, one(dialog, "concern-add"))
    await click(session, one(again, "visit-save"))

    assert store.draft("visit", house["id"]) is None, "saving clears it"
    page = _top(head_state)
    assert not find(page, key="house-draft")
    visit = store.visits(house["id"])[0]
    assert visit["notes"] == "老人腿脚不便" and visit["answers"]["difficulties"] == "上下楼难"
    assert [c["description"] for c in store.concerns(visit_id=visit["id"])] == ["楼道灯坏了"]


async def test_a_concern_dialog_closed_by_tapping_outside_keeps_its_text(session, head_state):
    store = head_state.store
    house = _household_with(store)
    head_state.nav.push("visit", household_id=house["id"])
    form = _top(head_state)
    await click(session, one(form, "visit-raise"))
    dialog = session.page._dialogs.controls[-1]
    one(dialog, "concern-description").value = "电梯经常坏"
    await click(session, dialog, "dismiss")  # tapped outside: the phone closes it
    kept = store.draft("visit", house["id"])["concern_draft"]
    assert kept["description"] == "电梯经常坏"


async def test_a_visit_opened_and_left_untouched_leaves_no_draft(session, head_state):
    store = head_state.store
    house = _household_with(store)
    head_state.nav.push("visit", household_id=house["id"])
    form = _top(head_state)
    notes = one(form, "visit-notes")
    notes.value = "x"
    await click(session, notes, "change")
    notes.value = ""
    await click(session, notes, "change")  # typed and taken back: the form is as it opened
    assert store.draft("visit", house["id"]) is None


async def test_discarding_a_draft_opens_the_form_fresh(session, head_state):
    store = head_state.store
    house = _household_with(store)
    store.save_draft(
        "visit", house["id"], {"notes": "旧的", "method": "phone"}, household_id=house["id"]
    )
    head_state.nav.push("visit", household_id=house["id"])
    form = _top(head_state)
    assert one(form, "visit-notes").value == "旧的"
    assert one(form, "visit-method").selected == ["phone"]
    await click(session, one(form, "draft-discard"))
    fresh = _top(head_state)
    assert fresh is not form and one(fresh, "visit-notes").value == ""
    assert store.draft("visit", house["id"]) is None
    assert json.dumps(store.household(house["id"])["draft"]) == "false"


# ---- every new screen, both languages --------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_household_member_and_visit_screens_build_with_no_raw_keys_or_whole_numbers(
    head_state, lang
):
    from app.i18n import CATALOGUE, Translator

    head_state.t = Translator(lang)
    store = head_state.store
    house = _household_with(store, phone=True)
    store.record_visit(house["id"], method="in_person", people_reached=1, answers={})
    store.save_draft("visit", house["id"], {"notes": "x"}, household_id=house["id"])
    members = store.members(house["id"])
    whole = [m["phone"] for m in members if m.get("phone")]
    assert whole
    screens = [("household", {"household_id": house["id"]})]
    screens += [("member", {"household_id": house["id"], "resident_id": m["id"]}) for m in members]
    screens += [
        ("member", {"household_id": house["id"]}),
        ("past_visit", {"visit_id": store.visits(house["id"])[0]["id"]}),
        ("visit", {"household_id": house["id"]}),
    ]
    head_state.nav.root("households")
    for name, params in screens:
        head_state.nav.push(name, **params)
        shown = texts(_top(head_state))
        assert shown, name
        assert not [s for s in shown if s in CATALOGUE], (name, "raw catalogue key")
        assert not [n for n in whole if any(n in s for s in shown)], (name, "a whole number")


def test_unknown_member_and_visit_say_not_found(head_state):
    nobody = "00000000-0000-0000-0000-000000000000"
    head_state.nav.root("households")
    head_state.nav.push("member", household_id=nobody, resident_id=nobody)
    assert head_state.t("error.not_found") in texts(_top(head_state))
    head_state.nav.push("past_visit", visit_id=nobody)
    assert head_state.t("error.not_found") in texts(_top(head_state))
