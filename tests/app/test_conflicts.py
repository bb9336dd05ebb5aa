"""The conflicts screen: reached from the sync screen by staff and district heads only,
each conflict in words, and a decision written to the store's outbox that takes the conflict
off the open list."""

from __future__ import annotations

import json
import uuid

import flet as ft

from app.i18n import CATALOGUE
from app.paths import store_path
from app.screens.conflicts import CONFLICT_FIELDS
from tests.app.conftest import click, find, one, outbox_rows, texts


def _top(state) -> ft.View:
    return state.page.views[-1]


def _pull_conflict(store, entity: str, entity_id: str, field: str, server, client) -> str:
    """Give the store one open conflict the way the server's pull delivers it."""
    cid = str(uuid.uuid4())
    data = {
        "id": cid,
        "entity": entity,
        "entity_id": entity_id,
        "field": field,
        "server_value": server,
        "client_value": client,
        "user_id": str(uuid.uuid4()),
        "user_name": "李建国",
        "created_at": "2026-11-24T01:30:00Z",
        "status": "open",
        "resolution": None,
    }
    store.apply_pull_page(
        [{"entity": "conflict", "id": cid, "op": "upsert", "version": 1, "data": data}],
        store.cursor or "c",
    )
    return cid


async def test_staff_keeps_the_phone_value_and_the_conflict_leaves_the_list(session, staff_state):
    store, t = staff_state.store, staff_state.t
    house = store.households(limit=1)[0]
    cid = _pull_conflict(store, "household", house["id"], "people_count", 3, 5)
    pending_before = staff_state.sync.pending

    staff_state.nav.root("sync")
    row = one(_top(staff_state), "sync-conflicts")
    assert t("conflict.open_n", n=1) in texts(row)
    await click(session, row)
    page = _top(staff_state)
    assert page.path == "/conflicts"
    card = one(page, f"conflict-{cid}")
    words = texts(card)
    assert f"{house['estate_name']} {house['address']}" in words
    assert t("conflict.field", field=t("conflict.field.household.people_count")) in words
    assert one(card, f"conflict-server-{cid}").value == "3"
    assert one(card, f"conflict-client-{cid}").value == "5"
    assert any("李建国" in w for w in words)

    await click(session, one(card, f"keep-client-{cid}"))
    [row] = [
        r
        for r in outbox_rows(store_path(staff_state.data_dir, staff_state.user["id"]))
        if r["entity_id"] == cid
    ]
    assert row["type"] == "conflict.resolve" and json.loads(row["payload"]) == {"keep": "client"}
    assert store.conflicts() == []
    assert not find(_top(staff_state), key=f"conflict-{cid}")
    assert find(_top(staff_state), key="conflicts-empty")
    assert staff_state.sync.pending == pending_before + 1
    staff_state.nav.back()
    assert not find(_top(staff_state), key="sync-conflicts")


async def test_resident_conflict_shows_the_name_and_masked_numbers(session, staff_state):
    store, t = staff_state.store, staff_state.t
    house = next(h for h in store.households(limit=50) if store.members(h["id"]))
    resident = store.members(house["id"])[0]
    cid = _pull_conflict(store, "resident", resident["id"], "phone", "13812345678", "13900001111")
    staff_state.nav.root("conflicts")
    card = one(_top(staff_state), f"conflict-{cid}")
    assert one(card, f"conflict-where-{cid}").value.startswith(resident["name"])
    assert t("conflict.field", field=t("conflict.field.resident.phone")) in texts(card)
    assert one(card, f"conflict-server-{cid}").value == "138****5678"
    assert one(card, f"conflict-client-{cid}").value == "139****1111"
    await click(session, one(card, f"keep-server-{cid}"))
    [done] = store.conflicts(status="resolved", entity_id=resident["id"])
    assert done["resolution"] == "server" and done["pending"]


async def test_neighbour_head_sees_no_conflict_row(session, head_state):
    store = head_state.store
    house = store.households(limit=1)[0]
    _pull_conflict(store, "household", house["id"], "note", "a", "b")
    head_state.nav.root("sync")
    assert not find(_top(head_state), key="sync-conflicts")


def test_every_conflict_field_has_words_in_both_languages():
    keys = {f"conflict.field.{e}.{f}" for e, fields in CONFLICT_FIELDS.items() for f in fields}
    missing = sorted(k for k in keys if k not in CATALOGUE or set(CATALOGUE[k]) < {"zh", "en"})
    assert not missing, missing
