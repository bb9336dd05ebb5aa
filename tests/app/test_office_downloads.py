"""The office's download buttons, through the real Flet session against the real server: the
dashboard's ledgers of the period and place shown, the concern list's ledger of the figure it
was opened from, a meeting's minutes once the server has the meeting. The file's bytes reach
the save hook (the browser's download is beyond a view test; the e2e walk takes it); a failed
download says why and saves nothing."""

from __future__ import annotations

import io
import sqlite3
import zipfile

import flet as ft
import openpyxl

from services.sync import SyncEngine
from tests.app.conftest import click, find, one


def _top(state) -> ft.View:
    return state.page.views[-1]


def _recorder(state) -> list[tuple[str, bytes]]:
    saved: list[tuple[str, bytes]] = []

    async def save(name: str, content: bytes) -> None:
        saved.append((name, content))

    state.save_bytes = save
    return saved


def _toast(session) -> ft.SnackBar:
    toast = session.page._dialogs.controls[-1]
    assert isinstance(toast, ft.SnackBar)
    return toast


def _header(content: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [c.value for c in next(book.active.iter_rows(max_row=1))]


async def test_the_dashboards_ledgers_download_the_period_and_place_shown(session, staff_state):
    saved = _recorder(staff_state)
    staff_state.nav.root("home")
    view = _top(staff_state)
    await view.data["load"]()
    model = view.data["model"]
    span = f"{model.first:%Y%m%d}-{model.last:%Y%m%d}"
    for kind in ("visits", "concerns", "residents", "responses"):
        await click(session, one(view, f"ledger-{kind}"))
        name, content = saved[-1]
        want = f"{kind}.xlsx" if kind == "residents" else f"{kind}-{span}.xlsx"
        assert name == want, kind
        assert zipfile.is_zipfile(io.BytesIO(content)) and _header(content), kind
        assert _toast(session).content.value == staff_state.t("download.done", name=want)
        assert not one(view, f"ledger-{kind}").disabled, "the button is ready for another"
    assert len(saved) == 4


async def test_whole_numbers_need_a_reason_and_the_server_audits_it(
    session, staff_state, app_server
):
    t = staff_state.t
    saved = _recorder(staff_state)
    staff_state.nav.root("home")
    view = _top(staff_state)
    await view.data["load"]()
    whole, reason = one(view, "ledger-whole"), one(view, "ledger-reason")
    assert not reason.visible
    whole.value = True
    await click(session, whole, "change", "true")
    assert reason.visible
    await click(session, one(view, "ledger-residents"))
    assert reason.error == t("download.need_reason") and saved == [], "nothing asked for"

    why = "年度花名册核对"
    reason.value = why
    await click(session, reason, "change", why)
    await click(session, one(view, "ledger-residents"))
    book = openpyxl.load_workbook(io.BytesIO(saved[-1][1]), read_only=True)
    header = [c.value for c in next(book.active.iter_rows(max_row=1))]
    phones = [r[header.index("手机号")] for r in book.active.iter_rows(min_row=2, values_only=True)]
    assert any(p and "*" not in p for p in phones), "whole numbers"
    with sqlite3.connect(app_server.db_path) as c:
        audit = c.execute(
            "SELECT kind, full_values, reason, operator FROM ledger_exports"
            " ORDER BY exported_at DESC LIMIT 1"
        ).fetchone()
    assert audit == ("residents", 1, why, "staff")


async def test_a_district_head_is_not_offered_whole_numbers(session, staff_state):
    staff_state.user = dict(staff_state.user, role="district_head")
    staff_state.nav.root("home")
    view = _top(staff_state)
    await view.data["load"]()
    assert find(view, key="ledger-residents") and not find(view, key="ledger-whole")


async def test_an_estates_ledger_holds_that_estate_only(session, staff_state):
    saved = _recorder(staff_state)
    staff_state.nav.root("home")
    await _top(staff_state).data["load"]()
    estates = _top(staff_state).data["model"].summary.by_estate
    some = max(estates, key=lambda e: e.households)
    await click(session, one(_top(staff_state), f"dash-estate-{some.estate_id}"))
    estate_view = _top(staff_state)
    await estate_view.data["load"]()
    await click(session, one(estate_view, "ledger-residents"))
    book = openpyxl.load_workbook(io.BytesIO(saved[-1][1]), read_only=True)
    rows = list(book.active.iter_rows(min_row=2, values_only=True))
    assert rows and {r[1] for r in rows} == {some.name}, "the 小区 column: that estate only"


async def test_the_concern_list_opened_from_a_figure_downloads_that_periods_ledger(
    session, staff_state
):
    saved = _recorder(staff_state)
    staff_state.nav.root("home")
    dash = _top(staff_state)
    await dash.data["load"]()
    model = dash.data["model"]
    await click(session, one(dash, "dash-tile-concerns"))
    listing = _top(staff_state)
    assert listing.path == "/office/concerns"
    await click(session, one(listing, "office-list-download"))
    assert saved[-1][0] == f"concerns-{model.first:%Y%m%d}-{model.last:%Y%m%d}.xlsx"


async def test_a_download_that_cannot_reach_the_server_says_so_and_saves_nothing(
    session, staff_state
):
    saved = _recorder(staff_state)
    staff_state.nav.root("concerns")
    listing = _top(staff_state)
    staff_state.server_url = "http://127.0.0.1:9"  # nothing listens there
    await click(session, one(listing, "office-list-download"))
    assert saved == []
    toast = _toast(session)
    assert toast.content.value == staff_state.t("download.err.offline")
    assert toast.bgcolor == ft.Colors.ERROR


async def test_a_meetings_minutes_download_once_the_server_has_the_meeting(session, staff_state):
    saved = _recorder(staff_state)
    store = staff_state.store
    waiting = store.office_concerns(today=staff_state.today(), status=["open", "in_review"])
    meeting_id = store.open_meeting("下载纪要的会", [waiting[0]["id"]])
    staff_state.nav.root("home")
    staff_state.nav.push("meeting", meeting_id=meeting_id)
    assert not find(_top(staff_state), key="meeting-minutes-download"), "not on the server yet"

    engine = SyncEngine(store, staff_state.server_url, staff_state.token)
    await engine.sync_now()
    assert not store.meeting(meeting_id)["pending"]
    staff_state.nav.refresh()
    await click(session, one(_top(staff_state), "meeting-minutes-download"))
    name, content = saved[-1]
    assert name.endswith(".md") and "下载纪要的会" in content.decode()
