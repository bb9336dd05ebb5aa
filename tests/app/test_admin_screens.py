"""The staff's administration screen against the real server: the users table with create,
disable and the server's reason for a refusal; districts and estates; questionnaires with
their state; the checklist published as a new version. Only staff find it in settings."""

from __future__ import annotations

import json
import uuid

import flet as ft

from tests.app.conftest import find, one, texts


def _top(state) -> ft.View:
    return state.page.views[-1]


async def _admin(state, section: str = "users") -> ft.View:
    state.nav.push("admin", section=section)
    view = _top(state)
    await view.data["load"]()
    view.data["show"]()
    return view


async def test_only_staff_find_administration_in_settings(session, staff_state, head_state):
    staff_state.nav.root("settings")
    assert one(_top(staff_state), "settings-admin").visible
    head_state.nav.root("settings")
    assert not one(_top(head_state), "settings-admin").visible


async def test_staff_create_a_user_disable_them_and_see_a_refusal_explained(session, staff_state):
    view = await _admin(staff_state)
    model = view.data["model"]
    assert view.path == "/office/admin"
    assert find(view, key="admin-user-staff") and find(view, key="admin-user-head01")
    username = f"new{uuid.uuid4().hex[:8]}"
    assert await model.create_user(username, "新楼长", "head", "secret-123")
    view.data["show"]()
    row = one(view, f"admin-user-{username}")
    assert "新楼长" in texts(row) and staff_state.t("admin.active") in texts(row)
    assert one(view, "admin-notice").value == staff_state.t("admin.user_created", who="新楼长")

    assert await model.set_user_active(username, False)
    view.data["show"]()
    assert staff_state.t("admin.disabled") in texts(one(view, f"admin-user-{username}"))
    assert one(view, f"admin-active-{username}").content == staff_state.t("admin.enable")

    assert not await model.create_user(username, "重名", "head", "secret-123")
    view.data["show"]()
    notice = one(view, "admin-notice").value
    assert notice.startswith(staff_state.t("admin.refused", why="")) and "already exists" in notice
    assert len([u for u in model.users if u["username"] == username]) == 1


async def test_places_questionnaires_and_a_refused_rename(session, staff_state):
    view = await _admin(staff_state, "places")
    model = view.data["model"]
    first, second = model.districts[0], model.districts[1]
    assert find(view, key=f"admin-district-{first['id']}")
    for e in first["estates"]:
        assert find(view, key=f"admin-estate-{e['id']}")
    assert not await model.rename_district(first["id"], second["name"])
    view.data["show"]()
    assert "already exists" in one(view, "admin-notice").value
    await model.load()
    assert model.districts[0]["name"] == first["name"]

    view = await _admin(staff_state, "questionnaires")
    qs = view.data["model"].questionnaires
    assert qs and all(find(view, key=f"admin-q-{q['slug']}") for q in qs)
    assert one(view, f"admin-q-{qs[0]['slug']}").value is qs[0]["active"]


async def test_the_checklist_is_published_as_a_new_version(session, staff_state):
    view = await _admin(staff_state, "checklist")
    model = view.data["model"]
    active = next(c for c in model.checklists if c["active"])
    for q in active["questions"]:
        assert one(view, f"admin-question-{q['key']}").value == q["label"]["zh"]
    title = {**active["title"], "zh": active["title"]["zh"] + "（新）"}
    assert await model.publish_checklist(title, active["questions"])
    view.data["show"]()
    newest = next(c for c in model.checklists if c["active"])
    assert newest["version"] == active["version"] + 1
    assert one(view, "admin-checklist-title").value == title["zh"]
    shown = one(view, "admin-checklist-versions").value
    assert staff_state.t("admin.version_n", n=active["version"]) in shown


async def test_the_reveal_audit_lists_who_saw_a_number_with_the_resident_masked(
    session, staff_state
):
    import datetime as dt

    import httpx

    (resident_id, data) = staff_state.store.conn.execute(
        "SELECT id, data FROM residents LIMIT 1"
    ).fetchone()
    name = json.loads(data)["name"]
    reveal = {
        "id": str(uuid.uuid4()),
        "type": "resident.reveal",
        "entity_id": str(uuid.uuid4()),
        "payload": {"resident_id": resident_id, "field": "phone"},
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
    }
    async with httpx.AsyncClient() as client:
        r = await client.post(
            staff_state.server_url.rstrip("/") + "/api/v1/sync/push",
            json={"device_id": "dev-admin-test", "mutations": [reveal]},
            headers={"Authorization": f"Bearer {staff_state.token}"},
        )
    assert r.json()["results"][0]["status"] == "applied", r.text

    view = await _admin(staff_state, "reveals")
    model = view.data["model"]
    assert model.reveals_total >= 1
    row = one(view, f"admin-reveal-{reveal['entity_id']}")
    shown = texts(row)
    assert name[0] + "*" * (len(name) - 1) in shown and name not in shown
    assert one(view, "admin-reveals-count").value == staff_state.t(
        "admin.reveals_count", shown=len(model.reveals), n=model.reveals_total
    )
