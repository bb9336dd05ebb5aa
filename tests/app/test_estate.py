"""The estate page (from the home screen's estate card): its households, and the estate's
questionnaire QR; and lists that refresh after a sync without losing the person's place."""

from __future__ import annotations

import io

import flet as ft
import zxingcpp
from PIL import Image

from services.qr import questionnaire_url
from tests.app.conftest import (
    click,
    find,
    one,
    server_changes_household,
    sync_finishes,
    texts,
)


def _top(state) -> ft.View:
    return state.page.views[-1]


def _decode(image: ft.Image) -> list[str]:
    return [b.text for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(image.src)))]


async def _show_qr(session, state, view, button_key: str, slug: str) -> ft.AlertDialog:
    await click(session, one(view, button_key))
    picker = session.page._dialogs.controls[-1]
    assert picker.key == "qr-pick-dialog"
    await click(session, one(picker, f"qr-pick-{slug}"))
    dialog = session.page._dialogs.controls[-1]
    assert dialog.key == "qr-dialog"
    return dialog


async def test_estate_card_opens_the_estates_households(session, head_state):
    store = head_state.store
    estate = store.estates()[0]
    head_state.nav.root("home")
    await click(session, one(_top(head_state), f"estate-{estate['id']}"))
    view = _top(head_state)
    assert view.path == f"/estate/{estate['id']}"
    assert estate["name"] in texts(view)
    pager = view.data["pager"]
    assert pager.total == store.count_households(estate_id=estate["id"]) > 0
    shown = {c.key.removeprefix("hh-") for c in pager.items.controls}
    ids = {h["id"] for h in store.households(estate_id=estate["id"], limit=1000)}
    assert shown and shown <= ids, "only this estate's households"
    building = store.buildings(estate["id"])[0]
    dd = one(view, "estate-building")
    dd.value = building
    await click(session, dd, "select", building)
    assert pager.total == store.count_households(estate_id=estate["id"], building=building)


async def test_estate_qr_carries_the_estate_and_no_household(session, head_state):
    store = head_state.store
    estate = store.estates()[0]
    slug = store.questionnaires()[0]["slug"]
    head_state.nav.root("home")
    head_state.nav.push("estate", estate_id=estate["id"])
    dialog = await _show_qr(session, head_state, _top(head_state), "estate-qr", slug)
    url = questionnaire_url(head_state.server_url, slug, estate["id"], None)
    assert dialog.data["url"] == url and "h=" not in url
    assert _decode(one(dialog, "qr-card-image")) == [url]


async def test_household_qr_carries_estate_and_household(session, head_state):
    store = head_state.store
    hh = store.households(limit=1)[0]
    slug = store.questionnaires()[0]["slug"]
    head_state.nav.root("households")
    head_state.nav.push("household", household_id=hh["id"])
    dialog = await _show_qr(session, head_state, _top(head_state), "show-qr", slug)
    url = questionnaire_url(head_state.server_url, slug, hh["estate_id"], hh["id"])
    assert _decode(one(dialog, "qr-card-image")) == [url]


async def test_household_list_keeps_loaded_pages_and_tiles_after_a_sync(session, staff_state):
    store = staff_state.store
    staff_state.nav.root("households")
    view = _top(staff_state)
    pager = view.data["pager"]
    await click(session, one(view, "hh-list-more"))
    assert pager.loaded == 100
    rows = store.households(limit=100)
    before = {r["id"]: pager.tile_of(r["id"]) for r in rows}
    changed = rows[70]
    server_changes_household(store, changed["id"], 42)
    sync_finishes(staff_state)

    assert pager.loaded == 100, "still the two pages the person had scrolled through"
    assert [c.key for c in pager.items.controls] == [f"hh-{r['id']}" for r in rows]
    same = [rid for rid in before if rid != changed["id"]]
    assert all(pager.tile_of(rid) is before[rid] for rid in same), "unchanged tiles kept"
    assert pager.tile_of(changed["id"]) is not before[changed["id"]]
    assert one(view, "hh-list-more").visible == (pager.total > 100)


async def test_estate_list_refreshes_in_place_after_a_sync(session, head_state):
    store = head_state.store
    estate = store.estates()[0]
    head_state.nav.root("home")
    head_state.nav.push("estate", estate_id=estate["id"])
    view = _top(head_state)
    pager = view.data["pager"]
    first = store.households(estate_id=estate["id"], limit=1)[0]
    untouched = pager.items.controls[1]
    store.update_household(first["id"], people_count=9)
    sync_finishes(head_state)
    tile = pager.tile_of(first["id"])
    assert head_state.t("common.pending") in texts(tile), "the change shows on its tile"
    assert pager.items.controls[1] is untouched
    assert find(view, key=f"hh-{first['id']}")


def test_estate_page_in_english_shows_no_raw_keys(head_state):
    from app.i18n import CATALOGUE, Translator

    head_state.t = Translator("en")
    estate = head_state.store.estates()[0]
    head_state.nav.root("home")
    head_state.nav.push("estate", estate_id=estate["id"])
    shown = texts(_top(head_state))
    assert one(_top(head_state), "estate-qr").content == "Show questionnaire QR"
    assert not [s for s in shown if s in CATALOGUE]
