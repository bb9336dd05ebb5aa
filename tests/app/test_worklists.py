"""The home screen's worklists as a head uses them: counts on the home screen that match the
store, each list opening in walking order, a vaccination recorded from the list in one tap
(the person leaves the list, the count drops, the change waits in the outbox), and the lists
following a sync. Events go through the real Flet session over a store pulled from the real
server."""

from __future__ import annotations

import flet as ft

from services.worklists import WORKLISTS
from tests.app.conftest import click, find, one, texts


def _top(state) -> ft.View:
    return state.page.views[-1]


def _natural(address: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in address.split("-"))


def test_home_shows_every_worklist_with_the_store_count(session, head_state):
    counts = head_state.store.worklist_counts(head_state.today())
    head_state.nav.root("home")
    home = _top(head_state)
    for kind in WORKLISTS:
        assert one(home, f"work-count-{kind}").value == str(counts[kind]), kind
    assert head_state.t("work.title") in texts(home)
    assert counts["unvaccinated"] > 0 and counts["never_visited"] > 0, "the demo has work"


async def test_each_list_opens_from_home_in_walking_order(session, head_state):
    store = head_state.store
    for kind in WORKLISTS:
        head_state.nav.root("home")
        await click(session, one(_top(head_state), f"home-work-{kind}"))
        page = _top(head_state)
        assert page.path == f"/worklist/{kind}"
        n = store.worklist_counts(head_state.today())[kind]
        assert one(page, "work-count").value == head_state.t("work.count", n=n)
        rows = store.worklist(kind, head_state.today(), limit=50)
        shown = [c.key for c in one(page, "work-list").controls]
        assert shown == [f"work-{r['id']}" for r in rows] or (n == 0 and not rows)
        order = [(r["estate_name"], _natural(r["address"])) for r in rows]
        assert order == sorted(order), f"{kind} is in walking order"


async def test_recording_a_vaccination_from_the_list_takes_one_tap(session, head_state):
    store, t = head_state.store, head_state.t
    head_state.nav.root("home")
    before = store.worklist_counts(head_state.today())["unvaccinated"]
    await click(session, one(_top(head_state), "home-work-unvaccinated"))
    page = _top(head_state)
    first = store.worklist("unvaccinated", head_state.today(), limit=1)[0]

    await click(session, one(page, f"work-vacc-{first['id']}-full"))

    after = store.resident(first["id"])
    assert after["vaccination"] == "full" and after["pending"] is True
    [m] = [m for m in store.outbox_batch(100) if m["entity_id"] == first["id"]]
    assert m["type"] == "resident.update" and m["payload"]["fields"] == {"vaccination": "full"}
    assert not find(page, key=f"work-{first['id']}"), "off the list at once"
    assert one(page, "work-count").value == t("work.count", n=before - 1)
    assert head_state.sync.pending >= 1, "the badge counts it as waiting to upload"

    head_state.nav.back()
    assert one(_top(head_state), "work-count-unvaccinated").value == str(before - 1)


def _unvaccinated_list_with_an_unknown_status(head_state) -> dict:
    """Open the 未接种 worklist; returns a row on it whose status nobody has recorded."""
    row = next(
        r
        for r in head_state.store.worklist("unvaccinated", head_state.today(), limit=200)
        if r["vaccination"] == "unknown"
    )
    head_state.nav.root("home")
    head_state.nav.push("worklist", kind="unvaccinated")
    return row


async def test_answering_not_vaccinated_keeps_the_person_on_the_list(session, head_state):
    store = head_state.store
    row = _unvaccinated_list_with_an_unknown_status(head_state)
    await click(session, one(_top(head_state), f"work-vacc-{row['id']}-none"))
    assert store.resident(row["id"])["vaccination"] == "none"
    tile = one(_top(head_state), f"work-{row['id']}")
    assert one(tile, f"work-vacc-{row['id']}-none") is not None
    chips = {c.key: c for c in find(tile, cls=ft.Container) if c.key and "-vacc-" in str(c.key)}
    assert chips[f"work-vacc-{row['id']}-none"].content.controls[0].visible, "shown chosen"


async def test_a_status_corrected_on_the_redrawn_row_is_recorded(session, head_state):
    """A recorded status draws the person's row again; a second tap on the new row (the
    head corrects it) once failed: Flet had frozen the row, and the chips changed in place."""
    store = head_state.store
    row = _unvaccinated_list_with_an_unknown_status(head_state)
    await click(session, one(_top(head_state), f"work-vacc-{row['id']}-none"))
    await click(session, one(_top(head_state), f"work-vacc-{row['id']}-partial"))
    assert store.resident(row["id"])["vaccination"] == "partial"
    assert not find(_top(head_state), key=f"work-{row['id']}"), "vaccinated: off the list"


async def test_a_follow_up_set_in_a_visit_is_listed_and_opens_the_household(session, head_state):
    import datetime as dt

    store = head_state.store
    [hid] = [r["id"] for r in store.worklist("never_visited", head_state.today(), limit=1)]
    store.record_visit(
        hid,
        method="in_person",
        people_reached=1,
        answers={"household_size": 2},
        follow_up_date=head_state.today() + dt.timedelta(days=7),
    )
    head_state.nav.root("home")
    head_state.nav.push("worklist", kind="follow_ups")
    page = _top(head_state)
    tile = one(page, f"work-{hid}")
    due = (head_state.today() + dt.timedelta(days=7)).isoformat()
    assert head_state.t("work.due_on", date=due) in texts(tile)
    await click(session, tile)
    assert _top(head_state).path == f"/household/{hid}"


def test_lists_follow_a_sync(session, head_state):
    """A pull that changes the data (here: another phone's vaccination record arriving)
    refreshes the open list and its count when the sync finishes."""
    store = head_state.store
    head_state.nav.root("home")
    head_state.nav.push("worklist", kind="unvaccinated")
    page = _top(head_state)
    first = store.worklist("unvaccinated", head_state.today(), limit=1)[0]
    row = store.resident(first["id"])
    data = {k: v for k, v in row.items() if k not in ("age", "pending", "version")}
    data["vaccination"] = "booster"
    change = {
        "entity": "resident",
        "id": row["id"],
        "op": "upsert",
        "version": row["version"] + 1,
        "data": data,
    }
    store.apply_pull_page([change], "after-other-phone")
    head_state.sync.syncing = True
    head_state._on_status(type("S", (), {"syncing": False, "online": True})())
    assert not find(page, key=f"work-{first['id']}")
