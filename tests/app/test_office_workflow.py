"""The concern workflow's screens through the real Flet session over stores pulled from the
real server: a review meeting built from the agenda, gone through with a decision per
concern and closed with minutes; assigning with a due date (a bad date changes nothing);
the call-back (不满意 reopens); a neighbour head reads the outcome but cannot act."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt

import flet as ft
import pytest

from services.reports_client import fetch_assignees
from services.sync import SyncEngine
from tests.app.conftest import _pull, _state_for, click, find, one, texts
from tests.services.serverproc import ServerProcess, seed_small


def _top(state) -> ft.View:
    return state.page.views[-1]


def _dialog(session) -> ft.AlertDialog:
    return session.page._dialogs.controls[-1]


def _types(store) -> list[str]:
    return [m["type"] for m in store.outbox_batch(1000)]


async def test_a_meeting_from_agenda_to_minutes(session, staff_state):
    store, t = staff_state.store, staff_state.t
    today = staff_state.today()
    waiting = store.office_concerns(today=today, status=["open", "in_review"], limit=200)
    assert len(waiting) >= 2, "the demo has concerns to review"
    staff_state.nav.root("home")
    staff_state.nav.push("meetings")
    await click(session, one(_top(staff_state), "meeting-new"))
    new = _top(staff_state)
    assert set(new.data["picked"]) == {c["id"] for c in waiting}
    await click(session, one(new, f"agenda-pick-{waiting[-1]['id']}"), "change", "false")
    new.data["picked"][waiting[-1]["id"]] = False  # the checkbox's own value, as the client sets it
    await click(session, one(new, "meeting-open"))

    meeting_view = _top(staff_state)
    assert meeting_view.path.startswith("/meeting/")
    meeting_id = meeting_view.path.removeprefix("/meeting/")
    meeting = store.meeting(meeting_id)
    agenda = [i["concern_id"] for i in meeting["items"]]
    assert agenda == [c["id"] for c in waiting[:-1]]
    first = agenda[0]

    await click(session, one(meeting_view, f"decide-{first}-refer"))
    dialog = _dialog(session)
    await click(session, one(dialog, "decide-dialog-save"))
    assert one(dialog, "decide-department").error == t("meeting.need_department")
    assert "meeting.decide" not in _types(store), "nothing written without a department"
    one(dialog, "decide-department").value = "街道城管科"
    await click(session, one(dialog, "decide-dialog-save"))
    assert not dialog.open, "the dialog closes once the decision is written"
    await click(session, dialog, "dismiss")  # the client reports it gone: the screen redraws

    meeting_view = _top(staff_state)
    assert one(meeting_view, f"decided-{first}").value == t(
        "meeting.did_refer", department="街道城管科"
    )
    assert store.concern(first)["status"] == "referred"
    assert one(meeting_view, "meeting-progress").value.endswith(
        t("meeting.line", date="", decided=1, total=len(agenda)).split(" · ", 1)[1]
    )
    minutes = one(meeting_view, "meeting-minutes")
    assert "街道城管科" in minutes.value, "the minutes start from the decisions"
    minutes.value = "一件转办城管科。"
    await click(session, one(meeting_view, "meeting-close"))
    closed = store.meeting(meeting_id)
    assert (closed["status"], closed["minutes"], closed["pending"]) == (
        "closed",
        "一件转办城管科。",
        True,
    )
    assert not find(_top(staff_state), key="meeting-close")
    assert _types(store)[-3:] == ["meeting.open", "meeting.decide", "meeting.close"]


async def test_minutes_typed_before_a_decision_stay_when_its_dialog_closes(session, staff_state):
    staff_state.nav.root("home")
    staff_state.nav.push("meetings")
    await click(session, one(_top(staff_state), "meeting-new"))
    await click(session, one(_top(staff_state), "meeting-open"))
    meeting_id = _top(staff_state).path.removeprefix("/meeting/")
    first = staff_state.store.meeting(meeting_id)["items"][0]["concern_id"]
    one(_top(staff_state), "meeting-minutes").value = "先记下：居民到场三人。"  # being typed

    await click(session, one(_top(staff_state), f"decide-{first}-resolve"))
    dialog = _dialog(session)
    await click(session, one(dialog, "decide-dialog-save"))
    await click(session, dialog, "dismiss")  # the screen redraws with the decision

    assert one(_top(staff_state), f"decided-{first}"), "the decision shows"
    assert one(_top(staff_state), "meeting-minutes").value == "先记下：居民到场三人。"


@pytest.fixture
def own_server(tmp_path):
    """A server for one test whose uploads would change what the shared one serves others."""
    db = tmp_path / "server.db"
    seed_small(db)
    proc = ServerProcess(db).start()
    yield proc
    proc.stop()


@contextlib.asynccontextmanager
async def _staff_in_a_new_meeting(session, own_server, tmp_path):
    """Staff signed in against ``own_server`` with a live sync engine, on a meeting just
    opened (not uploaded yet): yields (the app state, the engine)."""
    pulled = tmp_path / "pulled.sqlite"
    staff_state = _state_for(
        session,
        {"staff": (pulled, await _pull(own_server.url, "staff", pulled))},
        own_server,
        tmp_path,
        "staff",
    )
    engine = SyncEngine(staff_state.store, own_server.url, staff_state.token)
    unsubscribe = engine.subscribe(staff_state._on_status)
    try:
        staff_state.nav.root("home")
        staff_state.nav.push("meetings")
        await click(session, one(_top(staff_state), "meeting-new"))
        await click(session, one(_top(staff_state), "meeting-open"))
        yield staff_state, engine
    finally:
        unsubscribe()
        await engine.stop()
        staff_state.store.close()


async def test_a_decision_shows_when_the_dialog_closes_between_its_upload_and_the_pull(
    session, own_server, tmp_path
):
    """The dialog can close between the decision's acknowledgement and the pull that brings
    it back: the screen once drew the meeting's previous server copy (undecided) there. It
    shows the decision then, and after the pull."""
    async with _staff_in_a_new_meeting(session, own_server, tmp_path) as (staff_state, engine):
        store, t = staff_state.store, staff_state.t
        meeting_id = _top(staff_state).path.removeprefix("/meeting/")
        assert (await engine.sync_now()).last_error is None
        assert not store.meeting(meeting_id)["pending"], "the meeting is the server's now"
        first = store.meeting(meeting_id)["items"][0]["concern_id"]

        await click(session, one(_top(staff_state), f"decide-{first}-resolve"))
        dialog = _dialog(session)
        await click(session, one(dialog, "decide-dialog-save"))
        await engine._push_all()  # uploaded and acknowledged; the pull has not run yet
        await click(session, dialog, "dismiss")
        assert one(_top(staff_state), f"decided-{first}").value == t("meeting.did_resolve")
        one(_top(staff_state), "meeting-minutes").value = "第一件已解决。"  # being typed

        assert (await engine.sync_now()).last_error is None
        assert one(_top(staff_state), f"decided-{first}").value == t("meeting.did_resolve")
        assert one(_top(staff_state), "meeting-minutes").value == "第一件已解决。"
        assert store.meeting(meeting_id)["items"][0]["decision"] == "resolve"


async def test_a_sync_landing_while_a_decision_is_typed_keeps_the_dialog_and_what_was_typed(
    session, own_server, tmp_path
):
    """The secretary is typing a referral's department when the meeting's upload comes back
    from the server: the meeting is drawn again under the dialog (no longer pending), the
    dialog stays with the department typed, and saving it records the decision."""
    async with _staff_in_a_new_meeting(session, own_server, tmp_path) as (staff_state, engine):
        store, t = staff_state.store, staff_state.t
        meeting_view = _top(staff_state)
        meeting_id = meeting_view.path.removeprefix("/meeting/")
        assert store.meeting(meeting_id)["pending"]
        assert t("common.pending") in texts(meeting_view)
        route = meeting_view.route
        first = store.meeting(meeting_id)["items"][0]["concern_id"]
        await click(session, one(meeting_view, f"decide-{first}-refer"))
        dialog = _dialog(session)
        one(dialog, "decide-department").value = "街道城管科"  # being typed

        assert (await engine.sync_now()).last_error is None
        assert not store.meeting(meeting_id)["pending"], "the meeting is the server's now"
        assert dialog.open and session.page._dialogs.controls == [dialog], "the dialog stays"
        assert one(dialog, "decide-department").value == "街道城管科"
        assert _top(staff_state) is meeting_view and meeting_view.route == route
        assert t("common.pending") not in texts(meeting_view), "the screen under it is current"

        await click(session, one(dialog, "decide-dialog-save"))
        await click(session, dialog, "dismiss")
        assert one(_top(staff_state), f"decided-{first}").value == t(
            "meeting.did_refer", department="街道城管科"
        )


async def test_assigning_checks_the_due_date_and_shows_the_new_assignee(session, staff_state):
    store, t = staff_state.store, staff_state.t
    concern = store.office_concerns(today=staff_state.today(), status=["open", "in_review"])[0]
    staff_state.nav.root("home")
    staff_state.nav.push("concern", concern_id=concern["id"])
    await click(session, one(_top(staff_state), "concern-assign"))
    dialog = _dialog(session)
    one(dialog, "assign-due").value = "2020-01-01"
    await click(session, one(dialog, "assign-dialog-save"))
    assert one(dialog, "assign-due").error == t("office.due_past")
    assert "concern.assign" not in _types(store)

    due = staff_state.today() + dt.timedelta(days=3)
    assert one(dialog, "assign-who").value == concern.get("assignee_id", staff_state.user["id"])
    one(dialog, "assign-who").value = staff_state.user["id"]
    one(dialog, "assign-due").value = due.isoformat()
    await click(session, one(dialog, "assign-dialog-save"))
    assert not dialog.open
    await click(session, dialog, "dismiss")
    after = store.concern(concern["id"])
    assert (after["assignee_id"], after["due_date"]) == (staff_state.user["id"], due.isoformat())
    line = one(_top(staff_state), "concern-due-line").value
    assert staff_state.user["name"] in line and due.isoformat() in line
    assert _types(store)[-1] == "concern.assign"


async def test_the_assignee_picker_offers_the_servers_people_for_the_concerns_district(
    session, staff_state
):
    store = staff_state.store
    staff_state.nav.root("home")
    await _top(staff_state).data["load"]()  # online: the dashboard keeps the server's list
    people = await _server_assignees(staff_state)
    heads = [p for p in people if p["role"] == "district_head"]
    assert len(heads) >= 2 and any(p["role"] == "staff" for p in people)

    concern = store.office_concerns(today=staff_state.today(), status=["open", "in_review"])[0]
    district = store.concern_district(concern["id"])
    want = {p["id"] for p in people if p["role"] == "staff" or p["district_id"] == district}
    staff_state.nav.push("concern", concern_id=concern["id"])
    await click(session, one(_top(staff_state), "concern-assign"))
    offered = {o.key for o in one(_dialog(session), "assign-who").options}
    assert offered == want, "staff, and this district's head: whom concern.assign accepts"
    assert {h["id"] for h in heads if h["district_id"] != district}.isdisjoint(offered)


async def _server_assignees(state) -> list[dict]:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        None, lambda: asyncio.run(fetch_assignees(state.server_url, state.token))
    )


async def test_a_dissatisfied_call_back_reopens_the_concern(session, staff_state):
    store, t = staff_state.store, staff_state.t
    concern = store.office_concerns(today=staff_state.today(), status="resolved")[0]
    staff_state.nav.root("home")
    staff_state.nav.push("concern", concern_id=concern["id"])
    page = _top(staff_state)
    assert {f"callback-{o}" for o in ("satisfied", "basically_satisfied", "dissatisfied")} <= {
        c.key for c in find(page, cls=ft.FilledTonalButton)
    }
    await click(session, one(page, "callback-dissatisfied"))
    after = store.concern(concern["id"])
    assert (after["status"], after["callback"]) == ("open", "dissatisfied")
    page = _top(staff_state)
    assert one(page, "concern-callback-line").value == t(
        "office.callback_line", outcome=t("callback.dissatisfied")
    )
    assert not find(page, key="callback-satisfied"), "no second call-back until resolved again"
    assert find(page, key="concern-assign")
    assert _types(store)[-1] == "concern.callback"


async def test_a_satisfied_call_back_keeps_it_resolved_and_asks_no_more(session, staff_state):
    store, t = staff_state.store, staff_state.t
    concern = store.office_concerns(today=staff_state.today(), status="resolved")[0]
    staff_state.nav.root("home")
    staff_state.nav.push("concern", concern_id=concern["id"])
    await click(session, one(_top(staff_state), "callback-satisfied"))
    after = store.concern(concern["id"])
    assert (after["status"], after["callback"]) == ("resolved", "satisfied")
    assert not find(_top(staff_state), key="callback-dissatisfied")
    assert _types(store)[-1] == "concern.callback"
    told = t("event.with", what=t("event.callback"), how=t("callback.satisfied"))
    assert told in texts(_top(staff_state)), "the history says what the resident answered"


async def test_a_neighbour_head_reads_the_outcome_but_cannot_act(session, head_state):
    store, t = head_state.store, head_state.t
    concern = store.concerns(limit=1)[0]
    with store._tx() as conn:  # as a pull would bring it: resolved, called back
        from services.rows import put_rows

        data = dict(concern, status="resolved", callback="satisfied", assignee_name="陈建国")
        for k in ("pending", "version", "address", "estate_name"):
            data.pop(k, None)
        put_rows(conn, "concerns", [(concern["id"], 9, data, None, 0)])
    head_state.nav.root("home")
    head_state.nav.push("concern", concern_id=concern["id"])
    page = _top(head_state)
    assert t("office.callback_line", outcome=t("callback.satisfied")) in texts(page)
    assert t("office.assigned_to", name="陈建国") in one(page, "concern-due-line").value
    assert not find(page, key="concern-assign") and not find(page, key="callback-satisfied")
