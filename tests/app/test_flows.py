"""Interaction tests: events dispatched through the real Flet session, data in a real store."""

from __future__ import annotations

import datetime as dt
import json

import flet as ft

from app.paths import store_path
from tests.app.conftest import (
    assert_nothing_unsent,
    click,
    find,
    one,
    outbox_rows,
    server_changes_household,
    sync_finishes,
    texts,
)


def _top(state) -> ft.View:
    return state.page.views[-1]


async def test_visit_form_saves_visit_and_outbox_row_then_shows_it_pending(session, head_state):
    store = head_state.store
    hh = store.households(limit=1)[0]
    before_visits = len(store.visits(hh["id"]))
    head_state.nav.root("households")
    head_state.nav.push("household", household_id=hh["id"])

    # tap 1: record visit
    await click(session, one(_top(head_state), "record-visit"))
    form = _top(head_state)
    assert form.path.endswith("/visit")
    questions = form.data["questions"]
    assert questions, "the checklist's questions are rendered from the pulled checklist"
    checklist = store.checklist()
    assert [q.qkey for q in questions] == [q["key"] for q in checklist["questions"]]

    # answer the number question and a choice question, and type notes
    number = next(q for q in questions if q.qtype == "number")
    number.input.value = "3"
    await click(session, number.input, "change")
    choice = next(q for q in questions if q.qtype == "choice")
    option = choice.question["options"][0]["value"]
    chip_or_segment = find(choice.control, key=f"input-{choice.qkey}-{option}") or [choice.input]
    if isinstance(chip_or_segment[0], ft.SegmentedButton):
        chip_or_segment[0].selected = [option]
        await click(session, chip_or_segment[0], "change")
    else:
        await click(session, chip_or_segment[0], "select", True)
    notes = one(form, "visit-notes")
    notes.value = "老人腿脚不便，希望加装扶手"
    # tap 2: save
    await click(session, one(form, "visit-save"))

    back = _top(head_state)
    assert back.path == f"/household/{hh['id']}", "back on the household page"
    visits = store.visits(hh["id"])
    assert len(visits) == before_visits + 1
    new = visits[0]
    assert new["pending"] is True
    assert new["answers"][number.qkey] == 3
    assert new["answers"][choice.qkey] == option
    assert new["notes"] == "老人腿脚不便，希望加装扶手"
    assert find(back, key=f"visit-pending-{new['id']}"), "the household page shows it pending"
    rows = [
        r
        for r in outbox_rows(store_path(head_state.data_dir, head_state.user["id"]))
        if r["entity_id"] == new["id"]
    ]
    assert len(rows) == 1 and rows[0]["type"] == "visit.record"
    assert head_state.sync.pending >= 1


async def _save_a_visit(session, state, household_id: str) -> ft.View:
    """Record a visit through the form; returns the household page it goes back to."""
    state.nav.root("households")
    state.nav.push("household", household_id=household_id)
    state.nav.push("visit", household_id=household_id)
    form = _top(state)
    await _answer_required(session, form)
    await click(session, one(form, "visit-save"))
    return _top(state)


async def test_a_sync_that_uploads_the_visit_settles_its_tag_in_place(session, head_state):
    """The upload's end hides the pending tag on the page shown, and draws nothing anew:
    rebuilding the page made the phone lay out the whole household again."""
    from services.sync import SyncEngine

    store = head_state.store
    hh = store.households(limit=1, offset=4)[0]
    page = await _save_a_visit(session, head_state, hh["id"])
    [visit] = [v for v in store.visits(hh["id"]) if v["pending"]]
    shown = one(page, f"visit-pending-{visit['id']}")
    assert shown.visible

    engine = SyncEngine(store, head_state.server_url, head_state.token)
    try:
        status = await engine.sync_until_idle(timeout=60)
    finally:
        await engine.stop()
    assert status.last_error is None and not store.visit(visit["id"])["pending"]
    sent = len(session.connection.messages)
    sync_finishes(head_state)

    assert _top(head_state) is page, "the same page, not built again"
    assert one(page, f"visit-pending-{visit['id']}") is shown and not shown.visible
    assert len(str(session.connection.messages[sent:])) < 2000, "a small patch, not a page"


async def test_a_saved_visit_uploads_only_after_the_household_page_is_sent(session, head_state):
    """The household page goes to the phone at once; the upload starts a moment later, so
    the phone draws the page without the upload's work and the badge's redraws alongside."""
    import asyncio
    import time

    from app.state import UPLOAD_AFTER_VISIT
    from services.sync import SyncEngine

    session.connection.loop = asyncio.get_running_loop()  # page.run_task works as in the app
    store = head_state.store
    hh = store.households(limit=1, offset=5)[0]
    engine = SyncEngine(store, head_state.server_url, head_state.token)
    head_state.engine = engine
    started: list[float] = []
    unsubscribe = engine.subscribe(lambda s: s.syncing and started.append(time.monotonic()))
    try:
        page = await _save_a_visit(session, head_state, hh["id"])
        saved = time.monotonic()
        assert page.path == f"/household/{hh['id']}", "back on the household page"
        [visit] = [v for v in store.visits(hh["id"]) if v["pending"]]
        assert find(page, key=f"visit-pending-{visit['id']}"), "shown pending meanwhile"
        deadline = saved + 30
        while store.visit(visit["id"])["pending"]:
            assert time.monotonic() < deadline, "the visit was never uploaded"
            await asyncio.sleep(0.05)  # the engine uploads on this event loop
    finally:
        unsubscribe()
        head_state.engine = None
        await engine.stop()
    assert started, "the save asked for an upload"
    assert started[0] - saved >= 0.9 * UPLOAD_AFTER_VISIT, "the upload waited for the page"


async def test_a_sync_that_changes_what_the_household_page_shows_draws_it_again(
    session, head_state
):
    store = head_state.store
    hh = store.households(limit=1, offset=6)[0]
    head_state.nav.root("households")
    head_state.nav.push("household", household_id=hh["id"])
    page = _top(head_state)
    sync_finishes(head_state)
    assert _top(head_state) is page, "nothing changed: nothing drawn"

    server_changes_household(store, hh["id"], 9)
    sync_finishes(head_state)
    assert _top(head_state) is not page
    assert head_state.t("house.people_count", n=9) in texts(_top(head_state))


async def test_a_sync_landing_under_an_open_dialog_keeps_it_and_draws_the_page_under_it(
    session, head_state
):
    """A head shows a questionnaire's QR over the household page when a sync brings a
    change of the household: the page is drawn again under the dialog, in the view the
    client has (a new route would take the dialog away with the old screen)."""
    store = head_state.store
    hh = store.households(limit=1, offset=6)[0]
    head_state.nav.root("households")
    head_state.nav.push("household", household_id=hh["id"])
    page = _top(head_state)
    route = page.route
    await click(session, one(page, "show-qr"))
    picker = session.page._dialogs.controls[-1]
    await click(session, find(picker, cls=ft.ListTile)[0])
    await click(session, picker, "dismiss")  # the client: the picker is gone
    [qr] = session.page._dialogs.controls
    assert qr.key == "qr-dialog" and qr.open

    server_changes_household(store, hh["id"], 9)
    sync_finishes(head_state)
    assert_nothing_unsent(session)
    assert qr.open and qr in session.page._dialogs.controls, "the dialog stays"
    assert _top(head_state) is page and page.route == route, "the client keeps its route"
    assert head_state.t("house.people_count", n=9) in texts(page), "the page is up to date"
    assert head_state.nav.top_view is page

    await click(session, qr.actions[0])  # 关闭
    await click(session, qr, "dismiss")
    assert not session.page._dialogs.controls
    await click(session, one(page, "show-qr"))
    assert session.page._dialogs.controls[-1].key == "qr-pick-dialog", "the new page works"


async def test_concern_raised_from_an_answer_is_saved_with_the_visit(session, head_state):
    store = head_state.store
    hh = store.households(limit=1, offset=3)[0]
    head_state.nav.root("households")
    head_state.nav.push("household", household_id=hh["id"])
    head_state.nav.push("visit", household_id=hh["id"])
    form = _top(head_state)
    await _answer_required(session, form)
    q = form.data["questions"][-1]
    await click(session, one(form, f"raise-{q.qkey}"))
    dialog = session.page._dialogs.controls[-1]
    one(dialog, "concern-description").value = "楼道灯坏了"
    await click(session, one(dialog, "concern-add"))
    assert len(form.data["concerns"]) == 1
    await click(session, one(form, "visit-save"))
    visit = store.visits(hh["id"])[0]
    concerns = store.concerns(household_id=hh["id"], status="open")
    mine = [c for c in concerns if c["description"] == "楼道灯坏了"]
    assert mine and mine[0]["visit_id"] == visit["id"] and mine[0]["pending"]
    rows = outbox_rows(store_path(head_state.data_dir, head_state.user["id"]))
    by_entity = {r["entity_id"]: r for r in rows}
    assert by_entity[visit["id"]]["type"] == "visit.record"
    concern_row = by_entity[mine[0]["id"]]
    assert concern_row["type"] == "concern.create"
    assert json.loads(concern_row["payload"])["visit_id"] == visit["id"]


async def test_visit_whose_concern_is_refused_saves_nothing(session, head_state):
    """The visit and its concerns are one transaction: a concern the store refuses (here a
    description over the protocol's 4,000 characters) leaves neither visit nor outbox row."""
    store = head_state.store
    hh = store.households(limit=1, offset=4)[0]
    visits_before = len(store.visits(hh["id"]))
    outbox_before = len(outbox_rows(store_path(head_state.data_dir, head_state.user["id"])))
    head_state.nav.root("households")
    head_state.nav.push("household", household_id=hh["id"])
    head_state.nav.push("visit", household_id=hh["id"])
    form = _top(head_state)
    await _answer_required(session, form)
    await click(session, one(form, "visit-raise"))
    dialog = session.page._dialogs.controls[-1]
    one(dialog, "concern-description").value = "长" * 4001
    await click(session, one(dialog, "concern-add"))
    await click(session, one(form, "visit-save"))
    assert _top(head_state) is form and one(form, "visit-message").visible
    assert head_state.t("visit.save_failed", reason=head_state.t("visit.invalid_entry")) in texts(
        form
    )
    assert len(store.visits(hh["id"])) == visits_before
    rows = outbox_rows(store_path(head_state.data_dir, head_state.user["id"]))
    assert len(rows) == outbox_before


async def test_visit_with_bad_people_count_is_refused_and_nothing_saved(session, head_state):
    store = head_state.store
    hh = store.households(limit=1, offset=5)[0]
    before = len(store.visits(hh["id"]))
    pending_before = store.outbox_counts()["pending"]
    head_state.nav.root("households")
    head_state.nav.push("household", household_id=hh["id"])
    head_state.nav.push("visit", household_id=hh["id"])
    form = _top(head_state)
    one(form, "visit-people").value = "abc"
    await click(session, one(form, "visit-save"))
    assert _top(head_state) is form, "stays on the form"
    assert one(form, "visit-message").visible
    assert head_state.t("visit.invalid_people") in texts(form)
    assert len(store.visits(hh["id"])) == before
    assert store.outbox_counts()["pending"] == pending_before


async def test_search_narrows_the_household_list(session, staff_state):
    staff_state.nav.root("households")
    view = _top(staff_state)
    pager = view.data["pager"]
    total = pager.total
    assert total > 50 and pager.loaded == 50, "first page only, not the whole scope"
    some = staff_state.store.households(limit=1, offset=17)[0]
    search = one(view, "hh-search")
    search.value = some["address"]
    await click(session, search, "change")
    assert 0 < pager.total < total
    assert find(view, key=f"hh-{some['id']}")
    # a resident's name finds their household too
    member = staff_state.store.members(some["id"])[0]
    search.value = member["name"]
    await click(session, search, "change")
    assert find(view, key=f"hh-{some['id']}")
    search.value = "不存在的名字乙乙乙"
    await click(session, search, "change")
    assert pager.total == 0 and find(view, key="hh-empty")


async def test_filters_and_load_more(session, staff_state):
    staff_state.nav.root("households")
    view = _top(staff_state)
    pager = view.data["pager"]
    all_total = pager.total
    await click(session, one(view, "hh-list-more"))
    assert pager.loaded == 100
    chip = one(view, "hh-chip-aged_60")
    await click(session, chip, "select", True)
    assert chip.selected and 0 < pager.total < all_total
    estate = staff_state.store.estates()[0]
    dd = one(view, "hh-estate")
    dd.value = estate["id"]
    await click(session, dd, "select", estate["id"])
    assert pager.total == staff_state.store.count_households(estate_id=estate["id"], aged_60=True)
    assert one(view, "hh-building").options, "buildings of the chosen estate offered"


async def test_resident_search_mode_finds_by_name(session, head_state):
    head_state.nav.root("households")
    view = _top(head_state)
    hh = head_state.store.households(limit=1)[0]
    member = head_state.store.members(hh["id"])[0]
    mode = one(view, "hh-mode")
    mode.selected = ["residents"]
    await click(session, mode, "change")
    search = one(view, "hh-search")
    search.value = member["name"]
    await click(session, search, "change")
    assert find(view, key=f"res-{member['id']}")


async def _answer_required(session, form) -> None:
    for q in form.data["questions"]:
        if q.question.get("required") and q.qtype == "number":
            q.input.value = "2"
            await click(session, q.input, "change")


async def test_required_question_blocks_saving_until_answered(session, head_state):
    store = head_state.store
    hh = store.households(limit=1, offset=2)[0]
    before = len(store.visits(hh["id"]))
    head_state.nav.root("households")
    head_state.nav.push("household", household_id=hh["id"])
    head_state.nav.push("visit", household_id=hh["id"])
    form = _top(head_state)
    for q in form.data["questions"]:  # the prefilled people count, taken back
        if q.question.get("required") and q.qtype == "number":
            q.input.value = ""
            await click(session, q.input, "change")
    await click(session, one(form, "visit-save"))
    assert _top(head_state) is form and one(form, "visit-message").visible
    assert len(store.visits(hh["id"])) == before
    await _answer_required(session, form)
    await click(session, one(form, "visit-save"))
    assert len(store.visits(hh["id"])) == before + 1


def _reject_first_pending(store, code="unknown_household", message="household not found"):
    batch = store.outbox_batch(10)
    assert batch
    store.mark_results(
        [{"id": batch[0]["id"], "status": "rejected", "error": {"code": code, "message": message}}]
    )
    return batch[0]


async def test_rejected_item_edit_and_resend(session, head_state):
    store = head_state.store
    hh = store.households(limit=1)[0]
    store.record_visit(hh["id"], method="phone", people_reached=1, answers={}, notes="旧备注")
    item = _reject_first_pending(store)
    head_state.refresh_counts()
    head_state.nav.root("sync")
    view = _top(head_state)
    assert find(view, key=f"rejected-{item['id']}")
    assert head_state.t("reject.unknown_household") + "（unknown_household）" in texts(view)
    summary = one(view, f"rejected-summary-{item['id']}").value
    assert hh["address"] in summary and "旧备注" in summary, "says what the entry was about"
    assert "household not found" not in texts(view), "the server's developer words stay out"
    await click(session, one(view, f"resend-{item['id']}"))
    dialog = session.page._dialogs.controls[-1]
    one(dialog, "edit-notes").value = "改过的备注"
    await click(session, one(dialog, "resend-confirm"))
    assert store.rejected() == []
    again = [m for m in store.outbox_batch(10) if m["id"] == item["id"]]
    assert again and again[0]["payload"]["notes"] == "改过的备注"
    assert not find(_top(head_state), key=f"rejected-{item['id']}")


async def test_rejected_item_discard_after_confirm(session, head_state):
    store = head_state.store
    hh = store.households(limit=1)[0]
    visit_id = store.record_visit(hh["id"], method="in_person", people_reached=2, answers={})
    item = _reject_first_pending(store, code="out_of_scope", message="not yours")
    head_state.refresh_counts()
    head_state.nav.root("sync")
    view = _top(head_state)
    await click(session, one(view, f"discard-{item['id']}"))
    assert store.rejected(), "nothing is discarded before the confirmation"
    dialog = session.page._dialogs.controls[-1]
    await click(session, one(dialog, "discard-confirm"))
    assert store.rejected() == []
    assert all(v["id"] != visit_id for v in store.visits(hh["id"])), "the local row goes too"
    assert head_state.t("sync.no_rejected") in texts(_top(head_state))


async def test_head_may_comment_but_not_review_a_concern(session, head_state):
    store = head_state.store
    c = store.concerns(limit=1)[0]
    head_state.nav.root("concerns")
    head_state.nav.push("concern", concern_id=c["id"])
    view = _top(head_state)
    # reviewing belongs to district heads and staff; a head may only reopen a finished one
    expected = ["open"] if c["status"] in ("resolved", "referred", "closed") else []
    assert view.data["allowed"] == expected
    one(view, "concern-comment").value = "已电话联系物业"
    await click(session, one(view, "concern-send"))
    events = store.concern_events(c["id"])
    assert events[-1]["text"] == "已电话联系物业" and events[-1]["pending"]


async def test_staff_may_take_a_concern_into_review(session, staff_state):
    store = staff_state.store
    c = store.concerns(status="open", limit=1)[0]
    staff_state.nav.root("concerns")
    staff_state.nav.push("concern", concern_id=c["id"])
    view = _top(staff_state)
    assert view.data["allowed"] == ["in_review"]
    await click(session, one(view, "move-in_review"))
    assert store.concern(c["id"])["status"] == "in_review"


async def test_language_switch_rebuilds_in_english(session, head_state):
    head_state.nav.root("settings")
    seg = one(_top(head_state), "settings-lang")
    seg.selected = ["en"]
    await click(session, seg, "change")
    assert head_state.lang == "en"
    assert "Settings" in texts(_top(head_state))
    assert json.dumps(await head_state.prefs.get("xl.lang")) == '"en"'


async def test_household_list_finds_a_phone_tail_and_names_the_resident(session, head_state):
    """The hint promises the phone's last digits: they work in the households mode too,
    and the tile says which member was found."""
    store = head_state.store
    hid, name, tail = store.conn.execute(
        "SELECT household_id, name, phone_tail FROM residents"
        " WHERE phone_tail != '' AND household_id IS NOT NULL LIMIT 1"
    ).fetchone()
    head_state.nav.root("households")
    view = head_state.page.views[-1]
    search = one(view, "hh-search")
    search.value = tail
    await click(session, search, "change")
    tile = one(view, f"hh-{hid}")
    assert head_state.t("hh.found", name=name) in texts(tile)
    assert view.data["filters"].mode == "households"


async def test_concerns_list_shows_the_status_chosen(session, head_state):
    """The status filter is a row of chips that wraps (five segments ran off the screen at a
    large text size); tapping one lists that status's concerns only."""
    store = head_state.store
    resolved = {c["id"] for c in store.concerns(status="resolved", limit=1000)}
    assert resolved, "the seed has resolved concerns"
    head_state.nav.root("concerns")
    view = _top(head_state)
    assert one(view, "concern-status").wrap
    await click(session, one(view, "concern-status-resolved"))
    shown = {
        c.key.removeprefix("concern-")
        for c in find(view, cls=ft.Container)
        if (c.key or "").startswith("concern-") and not c.key.startswith("concern-status")
    }
    shown.discard("empty")
    assert shown and shown <= resolved


async def test_a_follow_up_chosen_in_the_form_is_saved_with_the_visit(session, head_state):
    """The follow-up choice is a row of chips (four segments broke "In a / week" mid-phrase);
    the chosen one sets the visit's follow-up date."""
    store = head_state.store
    hh = store.households(limit=1, offset=6)[0]
    head_state.nav.root("households")
    head_state.nav.push("visit", household_id=hh["id"])
    form = _top(head_state)
    await _answer_required(session, form)
    assert one(form, "visit-follow").wrap
    await click(session, one(form, "visit-follow-7"))
    await click(session, one(form, "visit-save"))
    visit = store.visits(hh["id"])[0]
    assert visit["follow_up_date"] == (head_state.today() + dt.timedelta(days=7)).isoformat()
