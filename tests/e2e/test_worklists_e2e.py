"""head01 plans a round from the home screen in Chromium at 412x915: the worklists with their
counts (every tap target on screen at least 48x48 px), the follow-up list, a vaccination recorded from the 60+ list with one tap while the
signal is gone (the person leaves the list at once), the record reaching the server when the
signal is back; then the same screens in English and at 特大 text. Screenshots under
test-output/screenshots/ (worklist-*.png)."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3

import pytest

from app.i18n import Translator
from services import worklists
from tests.e2e.phone import dump_semantics, open_page, phone_store, poll, shot, type_into

pytestmark = [pytest.mark.e2e, pytest.mark.flaky(reruns=1)]

T = Translator("zh")
EN = Translator("en")


def _home_row(page, t, kind: str):
    return page.get_by_role("button", name=re.compile(f"^{re.escape(t(f'work.{kind}'))}"))


#: tappable semantics nodes smaller than 48x48 px, among those between the app bar and the
#: bottom bar (Flutter clips a node's rectangle to the scrolling area: one cut by an edge
#: reports only its visible part)
_SMALL_TARGETS = """els => els
  .filter(e => ['button', 'tab', 'checkbox', 'switch', 'radio', 'link'].includes(
      e.getAttribute('role')))
  .map(e => [e.getAttribute('aria-label') || e.innerText.slice(0, 30),
             e.getBoundingClientRect()])
  .filter(([, r]) => r.width > 0 && r.top > 64 && r.bottom < window.innerHeight - 96)
  .filter(([, r]) => r.width < 47.5 || r.height < 47.5)
  .map(([name, r]) => [name, Math.round(r.width), Math.round(r.height)])"""


def _assert_targets_48(page, screen: str) -> None:
    page.wait_for_timeout(500)  # the frame after the last tap
    small = page.eval_on_selector_all("flt-semantics", _SMALL_TARGETS)
    assert not small, f"{screen}: tap targets under 48 px: {small}"


def _first_unvaccinated(store_file) -> dict:
    with sqlite3.connect(store_file) as c:
        return worklists.rows(c, "unvaccinated", dt.date.today(), offset=0, limit=1)[0]


def _count(store_file, kind: str) -> int:
    with sqlite3.connect(store_file) as c:
        return worklists.count(c, kind, dt.date.today())


def test_head_works_the_lists_offline_and_back(fresh_stack, browser, shots):
    server, app = fresh_stack
    page = open_page(browser, app.url)
    try:
        page.get_by_role("textbox", name=T("login.username")).wait_for(timeout=30000)
        shot(page, shots / "worklist-login-zh.png")
        type_into(page, T("login.username"), "head01")
        type_into(page, T("login.password"), "demo1234")
        page.get_by_role("button", name=T("login.submit")).click()
        page.get_by_role("button", name=T("pin.skip")).click(timeout=30000)
        page.get_by_text(T("work.title")).wait_for(timeout=60000)
        store_file = phone_store(app.data_dir)
        follow_ups = _count(store_file, "follow_ups")
        _home_row(page, T, "follow_ups").wait_for(timeout=30000)
        shot(page, shots / "worklist-home-zh.png")
        _assert_targets_48(page, "home")

        # the follow-up list, in walking order
        _home_row(page, T, "follow_ups").click()
        page.get_by_text(T("work.count", n=follow_ups)).wait_for(timeout=15000)
        shot(page, shots / "worklist-follow-ups-zh.png")
        page.get_by_role("button", name=T("nav.back")).first.click()

        # the 60+ list: the signal goes, one tap records 已全程接种
        before = _count(store_file, "unvaccinated")
        person = _first_unvaccinated(store_file)
        _home_row(page, T, "unvaccinated").click()
        page.get_by_text(T("work.count", n=before)).wait_for(timeout=15000)
        shot(page, shots / "worklist-unvaccinated-zh.png")
        _assert_targets_48(page, "60+ list")
        server.stop()
        page.get_by_role("button", name=T("vacc.full")).first.click()
        page.get_by_text(T("work.count", n=before - 1)).wait_for(timeout=15000)
        page.get_by_text(person["name"]).first.wait_for(state="detached", timeout=15000)
        shot(page, shots / "worklist-recorded-offline-zh.png")
        with sqlite3.connect(store_file) as c:
            (vacc,) = c.execute(
                "SELECT json_extract(data, '$.vaccination') FROM residents WHERE id = ?",
                (person["id"],),
            ).fetchone()
            waiting = c.execute(
                "SELECT count(*) FROM outbox WHERE type = 'resident.update' AND entity_id = ?",
                (person["id"],),
            ).fetchone()[0]
        assert vacc == "full" and waiting == 1

        # signal back: the record reaches the server in the background
        server.start()

        def on_server():
            with sqlite3.connect(server.db_path, timeout=30) as c:
                row = c.execute(
                    "SELECT vaccination FROM residents WHERE id = ?", (person["id"],)
                ).fetchone()
            return row and row[0] == "full"

        poll(on_server, 60, "the vaccination on the server")

        def acknowledged():
            with sqlite3.connect(store_file) as c:
                return c.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0

        poll(acknowledged, 30, "the phone's outbox to empty")
        page.get_by_role("button", name=T("nav.back")).first.click()
        page.get_by_text(T("work.title")).wait_for(timeout=15000)

        # 特大 text, chosen in settings: the home screen and a list still fit
        page.get_by_role("tab", name=T("nav.settings")).click()
        page.get_by_role("button", name=T("settings.text_xlarge")).click()
        page.get_by_text(T("settings.text_sample")).wait_for(timeout=15000)
        shot(page, shots / "worklist-settings-xlarge.png")
        page.get_by_role("tab", name=T("nav.home")).click()
        _home_row(page, T, "unvaccinated").wait_for(timeout=15000)
        shot(page, shots / "worklist-home-xlarge.png")
        _home_row(page, T, "unvaccinated").click()
        page.get_by_text(T("work.count", n=before - 1)).wait_for(timeout=15000)
        shot(page, shots / "worklist-unvaccinated-xlarge.png")
        # a person's household and the visit form at 特大: nothing runs off the screen
        page.get_by_role("button", name=T("work.open_household")).first.click()
        page.get_by_role("button", name=T("house.record_visit")).first.click(timeout=15000)
        page.get_by_role("button", name=T("visit.save")).wait_for(timeout=15000)
        shot(page, shots / "worklist-visit-form-xlarge.png")
        _assert_targets_48(page, "visit form at 特大")
        page.get_by_role("button", name=T("nav.back")).first.click()
        page.get_by_role("button", name=T("house.record_visit")).first.wait_for(timeout=15000)
        shot(page, shots / "worklist-household-xlarge.png")
        page.get_by_role("button", name=T("nav.back")).first.click()
        page.get_by_text(T("work.count", n=before - 1)).wait_for(timeout=15000)
        page.get_by_role("button", name=T("nav.back")).first.click()

        # English, standard size
        page.get_by_role("tab", name=T("nav.settings")).click()
        page.get_by_role("button", name=T("settings.text_standard")).click()
        page.get_by_role("button", name="English").click()
        page.get_by_role("tab", name=EN("nav.home"), exact=True).click()
        _home_row(page, EN, "unvaccinated").wait_for(timeout=15000)
        shot(page, shots / "worklist-home-en.png")
        _home_row(page, EN, "unvaccinated").click()
        page.get_by_text(EN("work.count", n=before - 1)).wait_for(timeout=15000)
        shot(page, shots / "worklist-unvaccinated-en.png")
    except Exception:
        shot(page, shots / "worklist-failure.png")
        dump_semantics(page, shots / "worklist-failure-semantics.json")
        raise
