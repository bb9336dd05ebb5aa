"""The office's screens as staff and heads use them, through the real Flet session over stores
pulled from the real server: staff get the dashboard (the server's figures, charts, a clear
offline state with retry), its figures open the concerns behind them and drill down
community → district → estate → head; a neighbour head keeps the phone's home."""

from __future__ import annotations

import asyncio
import datetime as dt

import flet as ft
import flet_charts as fch

from services.reports_client import fetch_summary
from tests.app.conftest import click, find, one, texts


def _top(state) -> ft.View:
    return state.page.views[-1]


async def _loaded(state) -> ft.View:
    view = _top(state)
    await view.data["load"]()
    return view


def _summary(state, first, last, **place):
    return asyncio.get_running_loop().run_in_executor(
        None,
        lambda: asyncio.run(fetch_summary(state.server_url, state.token, first, last, **place)),
    )


async def test_staff_home_is_the_dashboard_with_the_servers_figures(session, staff_state):
    staff_state.nav.root("home")
    view = await _loaded(staff_state)
    assert view.path == "/office"
    model = view.data["model"]
    want = await _summary(staff_state, model.first, model.last)
    assert model.summary == want
    assert one(view, "dash-tile-visits").content.controls[1].value == str(want.visits)
    assert one(view, "dash-tile-overdue").content.controls[1].value == str(want.concerns.overdue)
    pies = int(bool(want.concerns.total)) + int(bool(want.over_60.residents))
    assert find(view, cls=fch.BarChart) and len(find(view, cls=fch.PieChart)) == pies > 0
    weeks = one(view, "dash-weeks")
    assert len(weeks.groups) == len(model.weeks) >= 4
    # the server's weekly series, so every head's visits count, not only those the store holds
    assert model.weeks == [(w.week_start, w.visits) for w in want.visits_by_week]
    assert [g.rods[0].to_y for g in weeks.groups] == [w.visits for w in want.visits_by_week]
    for e in want.by_estate:
        assert find(view, key=f"dash-estate-{e.estate_id}"), e.name
    for h in want.by_head:
        assert find(view, key=f"dash-head-{h.user_id}"), h.name


async def test_a_neighbour_head_keeps_the_phone_home(session, head_state):
    head_state.nav.root("home")
    assert _top(head_state).path == "/home"
    head_state.nav.root("concerns")
    assert _top(head_state).path == "/concerns"


async def test_the_year_overdue_figure_opens_exactly_those_concerns(session, staff_state):
    staff_state.nav.root("home")
    view = _top(staff_state)
    periods = one(view, "dash-period")
    periods.selected = ["year"]
    await click(session, periods, "change", ["year"])
    view = await _loaded(staff_state)
    overdue = view.data["model"].summary.concerns.overdue
    total = view.data["model"].summary.concerns.total
    assert total > 0 and overdue > 0, (total, overdue)

    await click(session, one(view, "dash-tile-overdue"))
    listing = _top(staff_state)
    assert listing.path == "/office/concerns"
    shown = listing.data["pager"].items.controls
    assert len([c for c in shown if str(c.key).startswith("concern-")]) == overdue
    assert one(listing, "office-list-count").value == staff_state.t("office.list_count", n=overdue)
    for c in shown:
        if str(c.key).startswith("concern-"):
            assert find(c, key=f"overdue-{c.key.removeprefix('concern-')}"), "marked overdue"

    staff_state.nav.back()
    view = await _loaded(staff_state)
    assert view.data["model"].period == "year", "back on the dashboard, the period stays"
    await click(session, one(view, "dash-tile-concerns"))
    assert one(_top(staff_state), "office-list-count").value == staff_state.t(
        "office.list_count", n=total
    )


async def test_drilling_down_community_district_estate_head(session, staff_state):
    staff_state.nav.root("home")
    view = await _loaded(staff_state)
    district = staff_state.store.districts()[0]
    await click(session, one(view, f"dash-district-{district['id']}"))
    view = await _loaded(staff_state)
    model = view.data["model"]
    assert model.place.district_id == district["id"] and model.summary.district_id == district["id"]
    assert district["name"] in one(view, "dash-trail").value
    estate = model.summary.by_estate[0]
    assert {e.district_id for e in model.summary.by_estate} == {district["id"]}

    await click(session, one(view, f"dash-estate-{estate.estate_id}"))
    view = await _loaded(staff_state)
    model = view.data["model"]
    assert model.summary.estate_id == estate.estate_id
    assert one(view, "dash-tile-visits").content.controls[1].value == str(estate.visits)
    head = model.summary.by_head[0]

    await click(session, one(view, f"dash-head-{head.user_id}"))
    view = await _loaded(staff_state)
    assert view.data["model"].head == head
    assert one(view, "dash-tile-visits").content.controls[1].value == str(head.visits)
    assert one(view, "dash-trail").value.endswith(f"{estate.name} › {head.name}")
    weeks = view.data["model"].weeks
    assert sum(n for _, n in weeks) == head.visits, "the head's own visits, week by week"

    for _ in range(3):
        staff_state.nav.back()
    assert _top(staff_state).path == "/office"


async def test_no_connection_says_so_and_retry_reads_again(session, staff_state):
    real = staff_state.server_url
    staff_state.server_url = "http://127.0.0.1:9"  # nothing listens there
    staff_state.nav.root("home")
    view = await _loaded(staff_state)
    error = one(view, "dash-error")
    assert staff_state.t("office.err.offline") in texts(error)
    assert not find(view, key="dash-tiles")
    staff_state.server_url = real
    # the retry runs as a task on the session's loop, as in the app
    session.connection.loop = asyncio.get_running_loop()
    await click(session, find(error, cls=ft.FilledTonalButton)[0])
    model = view.data["model"]
    deadline = asyncio.get_running_loop().time() + 30
    while not find(view, key="dash-tiles") and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)  # polling the task the button started
    assert model.summary is not None and model.error is None
    assert find(view, key="dash-tiles") and not find(view, key="dash-error")


async def test_a_chosen_period_is_checked_before_it_is_read(session, staff_state):
    staff_state.nav.root("home")
    view = await _loaded(staff_state)
    model = view.data["model"]
    periods = one(view, "dash-period")
    periods.selected = ["custom"]
    await click(session, periods, "change", ["custom"])
    one(view, "dash-from").value = "2026-13-01"
    one(view, "dash-to").value = "2026-01-31"
    view.data["apply_custom"]()
    assert one(view, "dash-from").error == staff_state.t("office.bad_date")
    one(view, "dash-from").value = "2026-02-01"
    view.data["apply_custom"]()
    assert one(view, "dash-to").error == staff_state.t("office.bad_period")
    assert model.first != dt.date(2026, 2, 1), "nothing read for a bad period"
    one(view, "dash-to").value = " 2026-03-31 "
    view.data["apply_custom"]()
    await view.data["load"]()
    assert (model.summary.from_, model.summary.to) == (dt.date(2026, 2, 1), dt.date(2026, 3, 31))


async def test_office_text_is_never_under_14_px(session, staff_state):
    from app.theme import MIN_TEXT

    staff_state.nav.root("home")
    screens = [await _loaded(staff_state)]
    staff_state.nav.root("concerns")
    screens.append(_top(staff_state))
    staff_state.nav.push("meeting_new")
    screens.append(_top(staff_state))
    for view in screens:
        small = [t.size for t in find(view, cls=ft.Text) if t.size and t.size < MIN_TEXT]
        assert not small, f"{view.path}: {small}"


async def test_a_period_over_two_years_is_not_drawn_week_by_week(session, staff_state):
    last = staff_state.today()
    staff_state.nav.root("home", period="custom", first=last.replace(year=last.year - 3), last=last)
    view = await _loaded(staff_state)
    assert view.data["model"].weeks is None and view.data["model"].summary is not None
    assert not find(view, key="dash-weeks")
    assert staff_state.t("office.weeks_too_long") in texts(view)
