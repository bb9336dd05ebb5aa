"""Administration in headless Chromium at 1280×800, as staff: settings → 管理 opens the users
table; a new login created in its dialog reaches the server; the districts and the visit
checklist sections draw. Screenshots under test-output/screenshots/admin-*.png."""

from __future__ import annotations

import sqlite3

import pytest

from app.i18n import Translator
from tests.e2e.phone import open_page, poll, shot, type_into

pytestmark = [pytest.mark.e2e, pytest.mark.flaky(reruns=1)]

T = Translator("zh")
OFFICE = {"width": 1280, "height": 800}


def test_staff_administer_logins_places_and_the_checklist(stack, browser, shots):
    server, app = stack
    page = open_page(browser, app.url, viewport=OFFICE)
    try:
        page.get_by_role("textbox", name=T("login.username")).wait_for(timeout=30000)
        type_into(page, T("login.username"), "staff")
        type_into(page, T("login.password"), "demo1234")
        page.get_by_role("button", name=T("login.submit")).click()
        page.get_by_role("button", name=T("pin.skip")).click(timeout=30000)
        page.get_by_role("tab", name=T("nav.settings")).click(timeout=60000)
        page.get_by_text(T("admin.open")).click(timeout=30000)
        page.get_by_text("head01").first.wait_for(timeout=30000)
        shot(page, shots / "admin-users.png")

        page.get_by_role("button", name=T("admin.create_user")).click()
        type_into(page, T("admin.username"), "head77")
        type_into(page, T("admin.name"), "新楼长")
        type_into(page, T("admin.password"), "secret-777")
        page.get_by_role("button", name=T("admin.ok")).click()
        page.get_by_text(T("admin.user_created", who="新楼长")).wait_for(timeout=30000)

        def on_server():
            with sqlite3.connect(server.db_path, timeout=30) as c:
                return c.execute(
                    "SELECT role, active FROM users WHERE username = 'head77'"
                ).fetchall()

        assert poll(on_server, 30, "the new login on the server") == [("head", 1)]

        page.get_by_role("button", name=T("admin.section.places")).click()
        page.get_by_role("button", name=T("admin.create_district")).wait_for(timeout=30000)
        shot(page, shots / "admin-places.png")
        page.get_by_role("button", name=T("admin.section.questionnaires")).click()
        page.get_by_text(T("admin.questionnaires_note")).wait_for(timeout=30000)
        shot(page, shots / "admin-questionnaires.png")
        page.get_by_role("button", name=T("admin.section.checklist")).click()
        page.get_by_role("button", name=T("admin.publish")).wait_for(timeout=30000)
        shot(page, shots / "admin-checklist.png")
    finally:
        page.context.close()
