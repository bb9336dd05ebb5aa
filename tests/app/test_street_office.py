"""A 街道 (street office) login gets the office's dashboard of its communities, through the
real Flet session against the real server: the server's figures, drill-down by estate and
head, and nothing that opens concerns, meetings or ledgers (figures only, no personal data)."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid

import flet as ft
import pytest

from server.db.engine import open_engine
from server.domain.accounts import create_user
from tests.app.conftest import PASSWORD, _pull, _state_for, click, find, one


def _street_login(app_server) -> str:
    """A street over the server's one community, and a ``street`` login for it (made as the
    operator makes one: staff may not, a street reads several communities)."""
    with sqlite3.connect(app_server.db_path, timeout=30) as c:
        found = c.execute("SELECT id FROM streets LIMIT 1").fetchone()
        street_id = found[0] if found else str(uuid.uuid4())
        if not found:
            c.execute("INSERT INTO streets (id, name) VALUES (?, ?)", (street_id, "胡巷街道"))
        c.execute("UPDATE communities SET street_id = ?", (street_id,))
    username = f"street{uuid.uuid4().hex[:6]}"
    engine = open_engine(str(app_server.db_path))
    try:
        create_user(engine, username=username, name="街道办", role="street", password=PASSWORD)
    finally:
        engine.dispose()
    return username


@pytest.fixture
def street_state(session, pulled, app_server, tmp_path):
    username = _street_login(app_server)
    path = tmp_path / "street-pulled.sqlite"
    login = asyncio.run(_pull(app_server.url, username, path))
    state = _state_for(session, {"street": (path, login)}, app_server, tmp_path, "street")
    yield state
    state.store.close()


def _top(state) -> ft.View:
    return state.page.views[-1]


async def test_a_street_login_gets_its_communities_figures_read_only(session, street_state):
    t = street_state.t
    street_state.nav.root("home")
    view = _top(street_state)
    assert view.path == "/office"
    await view.data["load"]()
    model = view.data["model"]
    assert model.error is None and model.summary is not None
    assert one(view, "dash-trail").value == t("office.my_street")
    s = model.summary
    assert one(view, "dash-tile-visits").content.controls[1].value == str(s.visits)
    assert find(view, key="dash-weeks") and model.weeks == [
        (w.week_start, w.visits) for w in s.visits_by_week
    ]
    # figures only: nothing opens the concerns behind them, no meetings, no ledgers
    assert not find(view, key="open-meetings")
    assert not find(view, key="dash-ledgers-card") and not find(view, key="ledger-residents")
    for tile in ("dash-tile-concerns", "dash-tile-overdue"):
        assert one(view, tile).on_click is None, tile
    for st in ("open", "resolved"):
        assert one(view, f"dash-status-{st}").on_click is None
    # drilling down to an estate and a head still shows their figures
    estate = s.by_estate[0]
    assert one(view, f"dash-estate-{estate.estate_id}").on_click is not None


async def test_a_street_login_keeps_its_figures_when_drilling_to_an_estate(session, street_state):
    street_state.nav.root("home")
    view = _top(street_state)
    await view.data["load"]()
    estate = view.data["model"].summary.by_estate[0]
    await click(session, one(view, f"dash-estate-{estate.estate_id}"))
    inner = _top(street_state)
    assert inner.path == "/office/place"
    await inner.data["load"]()
    assert inner.data["model"].summary.estate_id == estate.estate_id
    assert not find(inner, key="open-meetings")


async def test_a_street_login_has_no_household_or_concern_tabs(session, street_state):
    t = street_state.t
    street_state.nav.root("home")
    [bar] = find(_top(street_state), key="nav-bar")
    labels = [d.label for d in bar.destinations]
    assert labels == [t("nav.home"), t("nav.sync"), t("nav.settings")]
    # the tab that follows 首页 is 同步 for a street login
    bar.selected_index = 1
    await click(session, bar, "change")
    assert _top(street_state).path == "/sync"
