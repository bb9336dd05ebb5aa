"""The head's worklists in a real phone store: who is on each list, in walking order, with
counts taken in SQL that agree with the lists, and a recorded vaccination taking a person off
the 60+ list at once (offline, queued for upload)."""

from __future__ import annotations

import datetime as dt

import pytest

from services.protocol import utc_iso
from services.worklists import WORKLISTS
from tests.services.pages import USER, change, household, resident, uid

TODAY = dt.date(2026, 11, 29)


def visit(household_id: str, days_ago: int, follow_up: dt.date | None = None) -> dict:
    when = dt.datetime(2026, 11, 29, 10, tzinfo=dt.UTC) - dt.timedelta(days=days_ago)
    return {
        "id": uid(),
        "household_id": household_id,
        "user_id": USER["id"],
        "user_name": USER["name"],
        "visited_at": utc_iso(when),
        "method": "in_person",
        "people_reached": 1,
        "checklist_version": 1,
        "answers": {},
        "notes": "",
        "follow_up_date": follow_up.isoformat() if follow_up else None,
    }


def pull(store, *changes) -> None:
    store.apply_pull_page(list(changes), uid())


def ids(rows) -> list[str]:
    return [r["id"] for r in rows]


def test_follow_ups_due_within_a_week_or_past_are_listed_by_building(store, community):
    c = community
    overdue = visit(c.h3["id"], 20, TODAY - dt.timedelta(days=2))  # building 10
    due = visit(c.h1["id"], 10, TODAY + dt.timedelta(days=3))  # building 3
    later = visit(c.h2["id"], 5, TODAY + dt.timedelta(days=20))  # beyond the week
    replaced = visit(c.h4["id"], 30, TODAY - dt.timedelta(days=10))
    done = visit(c.h4["id"], 1)  # the follow-up happened: no date asked any more
    pull(store, *(change("visit", v) for v in (overdue, due, later, replaced, done)))

    rows = store.worklist("follow_ups", TODAY)
    assert ids(rows) == [c.h1["id"], c.h3["id"]], "building 3 before building 10"
    assert [r["overdue"] for r in rows] == [False, True]
    assert rows[1]["follow_up_date"] == overdue["follow_up_date"]
    counts = store.worklist_counts(TODAY)
    assert counts["follow_ups"] == 2 and counts["follow_ups_overdue"] == 1


def test_over_60s_with_no_or_unknown_vaccination_and_recording_takes_them_off(store, community):
    c = community
    rows = store.worklist("unvaccinated", TODAY)
    # born 1950 and 1940 are over 60; 1980 and 1990 are not
    assert ids(rows) == [c.zhangwei["id"], c.lizhang["id"]]
    assert rows[0]["age"] == TODAY.year - 1950 and rows[0]["vaccination"] == "unknown"

    store.update_resident(c.zhangwei["id"], vaccination="none")
    assert store.worklist_counts(TODAY)["unvaccinated"] == 2, "asked: still not vaccinated"
    store.update_resident(c.zhangwei["id"], vaccination="full")
    assert ids(store.worklist("unvaccinated", TODAY)) == [c.lizhang["id"]]
    assert store.worklist_counts(TODAY)["unvaccinated"] == 1
    [m] = [m for m in store.outbox_batch(10) if m["payload"]["fields"] == {"vaccination": "full"}]
    assert m["type"] == "resident.update" and m["entity_id"] == c.zhangwei["id"]


def test_people_living_alone_not_visited_in_30_days(store, community):
    c = community
    assert ids(store.worklist("alone_unvisited", TODAY)) == [c.lizhang["id"]]
    pull(store, change("visit", visit(c.h3["id"], 40)))
    assert ids(store.worklist("alone_unvisited", TODAY)) == [c.lizhang["id"]], "40 days ago"
    pull(store, change("visit", visit(c.h3["id"], 3)))
    assert store.worklist("alone_unvisited", TODAY) == []
    assert store.worklist_counts(TODAY)["alone_unvisited"] == 0


def test_households_never_visited_in_walking_order_and_paged(store, community):
    c = community
    pull(store, change("visit", visit(c.h2["id"], 100)))
    # 胡巷新村 3-2-401, 10-1-101; then 南园公寓 1-305 (estates by name)
    expected = [c.h1["id"], c.h3["id"], c.h4["id"]]
    got = store.worklist("never_visited", TODAY)
    assert sorted(ids(got)) == sorted(expected)
    assert ids(got) == [r["id"] for r in sorted(got, key=lambda r: r["estate_name"])]
    pages = [store.worklist("never_visited", TODAY, offset=o, limit=2) for o in (0, 2)]
    assert ids(pages[0] + pages[1]) == ids(got)
    assert store.worklist_counts(TODAY)["never_visited"] == 3


def test_a_visit_recorded_on_the_phone_counts_at_once(store, community):
    c = community
    before = store.worklist_counts(TODAY)
    store.record_visit(
        c.h1["id"],
        method="in_person",
        people_reached=1,
        answers={},
        follow_up_date=TODAY + dt.timedelta(days=7),
    )
    after = store.worklist_counts(TODAY)
    assert after["never_visited"] == before["never_visited"] - 1
    assert after["follow_ups"] == before["follow_ups"] + 1


def test_every_count_matches_its_list(store, community):
    c = community
    extra = household(c.estate_a["id"], "2", "1", "101")
    pull(
        store,
        change("household", extra),
        change("resident", resident(extra["id"], "赵一", birth_year=1930, flags=["lives_alone"])),
        change("visit", visit(c.h1["id"], 3, TODAY)),
    )
    counts = store.worklist_counts(TODAY)
    for kind in WORKLISTS:
        assert counts[kind] == len(store.worklist(kind, TODAY, limit=1000)), kind


def test_an_unknown_list_is_refused():
    from services.worklists import count

    with pytest.raises(ValueError, match="unknown worklist"):
        count(None, "everyone", TODAY)  # type: ignore[arg-type]
