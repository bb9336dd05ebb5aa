"""Administration in headless Chromium at 1280×800, as staff: settings → 管理 opens the users
table; a new login created in its dialog reaches the server; the districts and the visit
checklist sections draw, and the audit shows a number a head revealed, the resident masked.
Screenshots under test-output/screenshots/admin-*.png."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid

import httpx
import pytest

from app.i18n import Translator
from tests.e2e.phone import open_administration, open_page, poll, shot, type_into

pytestmark = [pytest.mark.e2e, pytest.mark.flaky(reruns=1)]

T = Translator("zh")
OFFICE = {"width": 1280, "height": 800}


def _reveal_a_number(server) -> None:
    """A head's phone shows a resident's whole number (the audit's one row)."""
    with sqlite3.connect(server.db_path, timeout=30) as c:
        [(resident_id,)] = c.execute(
            "SELECT r.id FROM residents r JOIN households h ON h.id = r.household_id"
            " JOIN user_estates ue ON ue.estate_id = h.estate_id"
            " JOIN users u ON u.id = ue.user_id WHERE u.username = 'head01' LIMIT 1"
        ).fetchall()
    login = httpx.post(
        server.url + "/api/v1/auth/login",
        json={"username": "head01", "password": "demo1234", "device_id": "dev-e2e-reveal"},
        timeout=30,
    ).json()
    mutation = {
        "id": str(uuid.uuid4()),
        "type": "resident.reveal",
        "entity_id": str(uuid.uuid4()),
        "payload": {"resident_id": resident_id, "field": "phone"},
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
    }
    r = httpx.post(
        server.url + "/api/v1/sync/push",
        json={"device_id": "dev-e2e-reveal", "mutations": [mutation]},
        headers={"Authorization": f"Bearer {login['token']}"},
        timeout=30,
    )
    assert r.json()["results"][0]["status"] == "applied", r.text


def test_staff_administer_logins_places_and_the_checklist(stack, browser, shots):
    server, app = stack
    page = open_page(browser, app.url, viewport=OFFICE)
    try:
        open_administration(page, T)
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

        _reveal_a_number(server)
        page.get_by_role("button", name=T("admin.section.reveals")).click()
        page.get_by_text(T("admin.reveals_count", shown=1, n=1)).wait_for(timeout=30000)
        shot(page, shots / "admin-reveals.png")
    finally:
        page.context.close()


def test_staff_edit_a_questionnaire_and_print_its_poster(stack, browser, shots, tmp_path):
    server, app = stack
    page = open_page(browser, app.url, viewport=OFFICE)

    def versions() -> dict[str, int]:
        with sqlite3.connect(server.db_path, timeout=30) as c:
            return dict(c.execute("SELECT slug, version FROM questionnaires").fetchall())

    def keys() -> dict[str, list[str]]:
        with sqlite3.connect(server.db_path, timeout=30) as c:
            rows = c.execute("SELECT slug, questions FROM questionnaires").fetchall()
        return {slug: [q["key"] for q in json.loads(qs)] for slug, qs in rows}

    try:
        open_administration(page, T)
        page.get_by_role("button", name=T("admin.section.questionnaires")).click(timeout=30000)
        page.get_by_role("button", name=T("admin.create_questionnaire")).wait_for(timeout=30000)

        before, before_keys = versions(), keys()
        page.get_by_role("button", name=T("admin.edit")).first.click()
        page.get_by_role("button", name=T("qedit.save")).wait_for(timeout=30000)
        shot(page, shots / "admin-questionnaire-edit.png")
        type_into(page, T("qedit.title_en"), "Edited in the browser")
        # the first question moved down twice (the second move once failed: the cards laid
        # out again were frozen by Flet)
        down = page.get_by_role("button", name=T("qedit.down"))
        down.nth(0).click()
        down.nth(1).click()
        shot(page, shots / "admin-questionnaire-moved.png")
        page.get_by_role("button", name=T("qedit.save")).click()
        page.get_by_role("button", name=T("admin.create_questionnaire")).wait_for(timeout=30000)
        after = versions()
        assert sum(after.values()) == sum(before.values()) + 1, "one new version"
        (edited,) = [slug for slug in after if after[slug] != before.get(slug)]
        was, now = before_keys[edited], keys()[edited]
        assert now == [was[1], was[2], was[0], *was[3:]], (was, now)

        page.get_by_role("button", name=T("admin.poster")).first.click()
        page.get_by_role("button", name=T("poster.download")).wait_for(timeout=30000)
        shot(page, shots / "admin-poster.png")
        with page.expect_download(timeout=60000) as download:
            page.get_by_role("button", name=T("poster.download")).click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        assert path.suffix == ".pdf" and path.read_bytes().startswith(b"%PDF")
    finally:
        page.context.close()
