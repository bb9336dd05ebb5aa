"""The screen stack as the Flutter client sees it: one view under one route whose content
changes (the client animates every route change for 300 ms, redrawing the whole screen each
frame), and the system back gesture going back one screen through the view's pop check."""

from __future__ import annotations

import asyncio

from tests.app.conftest import handler_errors


def _invokes(session, method: str) -> list[dict]:
    return [
        body
        for _action, body in session.connection.messages
        if isinstance(body, dict) and body.get("name") == method
    ]


def test_every_screen_is_shown_as_the_one_view_under_one_route(session, head_state):
    page, nav = head_state.page, head_state.nav
    hh = head_state.store.households(limit=1)[0]
    shown = []
    nav.root("households")
    shown.append(page.views[:])
    nav.push("household", household_id=hh["id"])
    shown.append(page.views[:])
    nav.push("visit", household_id=hh["id"])
    shown.append(page.views[:])
    nav.back()
    shown.append(page.views[:])

    assert [len(views) for views in shown] == [1, 1, 1, 1]
    assert [views[0].path for views in shown] == [
        "/households",
        f"/household/{hh['id']}",
        f"/household/{hh['id']}/visit",
        f"/household/{hh['id']}",
    ]
    assert {views[0].route for views in shown} == {"/"}, "the client's route never changes"
    assert [views[0].can_pop for views in shown] == [True, False, False, False], (
        "Flutter pops (leaves the app) only from the first screen"
    )
    sent = str(session.connection.messages)
    assert "/household/" not in sent, "the screen's path stays in Python"


async def test_the_back_gesture_goes_back_one_screen(session, head_state):
    """Flutter asks the view (it refuses its own pop while a screen lies under it); the app
    answers 'no' to the client's pop and goes back itself."""
    nav = head_state.nav
    hh = head_state.store.households(limit=1)[0]
    nav.root("households")
    nav.push("household", household_id=hh["id"])
    nav.push("visit", household_id=hh["id"])
    form = head_state.page.views[-1]

    with handler_errors() as raised:
        gesture = asyncio.ensure_future(session.dispatch_event(form._i, "confirm_pop", None))
        for _ in range(100):  # let the handler run up to its answer to the client
            if _invokes(session, "confirm_pop"):
                break
            await asyncio.sleep(0)
        [answer] = _invokes(session, "confirm_pop")
        assert answer["control_id"] == form._i and answer["args"] == {"should_pop": False}
        session.handle_invoke_method_results(form._i, answer["call_id"], None, None)
        await gesture
    assert not raised, raised

    assert nav.current == "household" and head_state.page.views[-1].path == (
        f"/household/{hh['id']}"
    )
    assert [e.name for e in nav.stack] == ["households", "household"]


async def test_a_screen_changed_under_a_closing_dialog_takes_it_away_with_a_new_route(
    session, head_state
):
    """Flutter closes a dialog with the route it was opened over: going back from a
    confirmation (the dialog closing) changes the client's route, so the dialog goes with
    the old screen; a toast is no dialog and changes nothing."""
    import flet as ft

    page, nav = head_state.page, head_state.nav
    hh = head_state.store.households(limit=1)[0]
    nav.root("households")
    nav.push("household", household_id=hh["id"])
    head_state.toast("saved")
    nav.push("visit", household_id=hh["id"])
    assert page.views[-1].route == "/", "a toast is up: the route stays"

    sure = ft.AlertDialog(title=ft.Text("sure?"))
    page.show_dialog(sure)
    page.pop_dialog()  # closing: the client reports its end later
    nav.back()
    moved = page.views[-1].route
    assert moved != "/" and page.views[-1].path == f"/household/{hh['id']}"

    await session.dispatch_event(sure._i, "dismiss", None)  # the client: it is gone
    assert sure not in page._dialogs.controls
    nav.push("visit", household_id=hh["id"])
    assert page.views[-1].route == moved, "no dialog: the route stays the new one"


class _Announcer:
    """Stands in for Flet's SemanticsService, which only a real client answers."""

    def __init__(self) -> None:
        self.said: list[str] = []

    async def announce_message(self, message: str) -> None:
        self.said.append(message)


async def test_a_new_screen_under_the_same_route_is_announced_by_its_title(
    session, head_state, monkeypatch
):
    """A screen reader announces a new route's title by itself; new content under the same
    route it does not notice, so the app says the title. A redraw of the same screen is
    not announced."""
    nav = head_state.nav
    nav.announcer = announcer = _Announcer()
    # the test session's page has no loop of its own to run tasks on: this test's loop runs them
    monkeypatch.setattr(
        head_state.page, "run_task", lambda fn, *args: asyncio.ensure_future(fn(*args))
    )
    hh = head_state.store.households(limit=1)[0]
    nav.root("households")
    nav.push("household", household_id=hh["id"])
    title = head_state.page.views[-1].appbar.title.value
    nav.refresh()
    nav.push("visit", household_id=hh["id"])
    nav.back()
    for _ in range(100):  # the announcements run as tasks
        if len(announcer.said) >= 4:
            break
        await asyncio.sleep(0)

    assert announcer.said[0] == head_state.t("hh.title")
    assert announcer.said[1] == title
    assert announcer.said[3] == title, "going back says where the head is again"
    assert len(announcer.said) == 4, "the redraw said nothing"
