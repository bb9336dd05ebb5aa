"""What the person sees in Chromium at 412x915, where Python's view of the screen once said
all was well: a failed sign-in ends with its message and a button that works again, and the
office's coverage rows (staff's home is the dashboard) are row-sized, every estate reachable
by scrolling, and the last one drills down to that estate."""

from __future__ import annotations

import re
import sqlite3

import pytest

from app.i18n import Translator
from tests.e2e.phone import dump_semantics, open_page, poll, shot, type_into

pytestmark = [pytest.mark.e2e, pytest.mark.flaky(reruns=1)]

T = Translator("zh")
#: How long a failed sign-in may take to show its message and free the button.
SETTLES_WITHIN = 6.0


def _login_page(browser, app):
    page = open_page(browser, app.url)
    page.get_by_role("textbox", name=T("login.username")).wait_for(timeout=30000)
    return page


def _fails_with(page, message: str) -> None:
    """Tap 登录; the message shows and the button is enabled again within SETTLES_WITHIN."""
    submit = page.get_by_role("button", name=T("login.submit"))
    submit.click()
    page.get_by_text(message).wait_for(timeout=SETTLES_WITHIN * 1000)
    poll(submit.is_enabled, SETTLES_WITHIN, "the sign-in button to be usable again")


def test_failed_sign_in_says_why_and_the_button_works_again(stack, browser, shots):
    server, app = stack
    page = _login_page(browser, app)
    type_into(page, T("login.username"), "head01")
    type_into(page, T("login.password"), "not-the-password")
    _fails_with(page, T("login.err.bad_credentials"))
    shot(page, shots / "login-wrong-password.png")

    server.stop()  # no signal: the server cannot be reached
    try:
        type_into(page, T("login.password"), "demo1234")
        _fails_with(page, T("login.err.network"))
        shot(page, shots / "login-unreachable.png")
    finally:
        server.start()

    # the same button, tapped again once the server is back, signs in
    page.get_by_role("button", name=T("login.submit")).click()
    page.get_by_role("button", name=T("pin.skip")).wait_for(timeout=30000)


def _estate_names(db_path) -> list[str]:
    with sqlite3.connect(db_path) as c:
        return [r[0] for r in c.execute("SELECT name FROM estates ORDER BY name")]


def test_staff_see_every_estate_row_sized_and_reach_the_last(stack, browser, shots):
    server, app = stack
    names = _estate_names(server.db_path)
    assert len(names) > 5, "the small seed has enough estates to need scrolling"
    page = _login_page(browser, app)
    type_into(page, T("login.username"), "staff")
    type_into(page, T("login.password"), "demo1234")
    page.get_by_role("button", name=T("login.submit")).click()
    page.get_by_role("button", name=T("pin.skip")).click(timeout=30000)
    page.get_by_text(T("office.by_estate")).wait_for(timeout=60000)
    shot(page, shots / "home-staff.png")
    # Flutter keeps only what is near the screen in its semantics tree: scroll down like a
    # thumb until every estate's row has been seen, noting each row's height on the way (a
    # row cut by the screen's edge reports only its visible part, so keep the tallest seen)
    rows = {n: page.get_by_role("button", name=re.compile(f"^{re.escape(n)}\\s")) for n in names}
    tallest = dict.fromkeys(names, 0.0)
    viewport = page.viewport_size["height"]
    for _ in range(60):
        for name, row in rows.items():
            box = row.first.bounding_box() if row.count() else None
            if box:
                tallest[name] = max(tallest[name], box["height"])
        if all(tallest.values()):
            break
        page.mouse.move(206, viewport / 2)
        page.mouse.wheel(0, 300)
        page.wait_for_timeout(150)
    else:
        dump_semantics(page, shots / "home-staff-semantics.json")
        missing = [n for n, h in tallest.items() if not h]
        raise AssertionError(f"estate rows never scrolled into view: {missing}")
    shot(page, shots / "home-staff-scrolled.png")
    odd = {n: h for n, h in tallest.items() if not 40 <= h <= 120}
    assert not odd, f"estate rows not row-sized (px): {odd}"
    shown = [(rows[n].first.bounding_box(), n) for n in names if rows[n].count()]
    _, name = max((box["y"], n) for box, n in shown if box)
    rows[name].first.click()
    page.get_by_text(f"{T('office.community')} › {name}").wait_for(timeout=30000)
