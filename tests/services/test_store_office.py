"""The office's concern workflow on the phone store against the real server: a meeting opened,
decided and closed offline, a call-back recorded, each shown at once, accepted by the server
and pulled back as the server's copy; the office's lists (overdue, filters) counted by SQLite;
a neighbour head cannot start any of it; an old store pulls its meetings again."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from services.schema import MIGRATIONS
from services.store import Store
from tests.services.conftest import server_rows
from tests.services.phones import open_phone

TODAY = dt.date.today()


def _to_review(store, n: int) -> list[dict]:
    """``n`` open or in-review concerns: the small demo's, and new ones raised here."""
    rows = store.office_concerns(today=TODAY, status=["open", "in_review"], limit=n)
    household = store.households(limit=1)[0]["id"]
    for i in range(n - len(rows)):
        store.raise_concern(household, kind="request", category="其他", description=f"诉求{i}")
    return store.office_concerns(today=TODAY, status=["open", "in_review"], limit=n)


async def test_a_meeting_offline_reaches_the_server_and_comes_back_as_decided(server, tmp_path):
    store, engine = await open_phone(server.url, "staff", tmp_path / "staff.db")
    try:
        await engine.sync_now()
        first, second, third = _to_review(store, 3)
        me = store.assignees()[0]
        due = TODAY + dt.timedelta(days=3)

        meeting_id = store.open_meeting("十一月研判会", [first["id"], second["id"], third["id"]])
        shown = store.meeting(meeting_id)
        assert shown["pending"] and shown["status"] == "open"
        assert [i["concern_id"] for i in shown["items"]] == [first["id"], second["id"], third["id"]]
        assert store.concern(first["id"])["status"] == "in_review"

        store.decide(meeting_id, first["id"], "resolve", note="物业已修复")
        store.decide(meeting_id, second["id"], "assign", assignee=me, due_date=due)
        store.decide(meeting_id, third["id"], "refer", department="街道城管科")
        with pytest.raises(ValueError):
            store.decide(meeting_id, first["id"], "resolve")
        store.close_meeting(meeting_id, "三件诉求已研判")
        store.record_callback(first["id"], "dissatisfied", note="灯还是不亮")
        assert store.concern(first["id"])["status"] == "open", "不满意 reopens at once"
        assert store.concern(second["id"])["due_date"] == due.isoformat()

        status = await engine.sync_now()
        assert status.pending == 0 and status.rejected == 0, store.rejected()
        assert server_rows(
            server, "SELECT status, minutes FROM review_meetings WHERE id = ?", [meeting_id]
        ) == [("closed", "三件诉求已研判")]
        got = {
            r[0]: r[1:]
            for r in server_rows(
                server,
                "SELECT id, status, callback, referred_to FROM concerns WHERE id IN (?, ?, ?)",
                [first["id"], second["id"], third["id"]],
            )
        }
        assert got[first["id"]] == ("open", "dissatisfied", None)
        assert got[second["id"]][0] == "in_review"
        assert got[third["id"]] == ("referred", None, "街道城管科")

        pulled = store.meeting(meeting_id)
        assert not pulled["pending"] and pulled["status"] == "closed"
        assert [i["decision"] for i in pulled["items"]] == ["resolve", "assign", "refer"]
        back = store.concern(second["id"])
        assert (back["assignee_id"], back["due_date"], back["pending"]) == (
            me["id"],
            due.isoformat(),
            False,
        )
        actions = [e["action"] for e in store.concern_events(first["id"])]
        assert actions.count("decision") == 1 and actions.count("callback") == 1
        assert actions.count("transition") == 1, "the review event arrives once, from the server"
    finally:
        await engine.stop()


async def test_office_lists_count_overdue_and_filter_in_sqlite(server, tmp_path):
    store, engine = await open_phone(server.url, "staff", tmp_path / "staff.db")
    try:
        await engine.sync_now()
    finally:
        await engine.stop()
    every = store.office_concerns(today=TODAY, limit=100_000)
    overdue = [c for c in every if c["overdue"]]
    late = [
        c
        for c in every
        if c["status"] in ("open", "in_review")
        and c.get("due_date")
        and c["due_date"] < TODAY.isoformat()
    ]
    assert overdue == late and overdue, "the demo has overdue concerns"
    assert store.count_office_concerns(today=TODAY, overdue=True) == len(overdue)
    estate = overdue[0]
    by_estate = store.office_concerns(today=TODAY, limit=1000, estate_id=_estate_of(store, estate))
    assert by_estate and all(c["estate_name"] == estate["estate_name"] for c in by_estate)
    category = every[0]["category"]
    assert category in store.concern_categories()
    assert store.count_office_concerns(today=TODAY, category=category) == sum(
        c["category"] == category for c in every
    )
    ids = [c["id"] for c in overdue[:2]]
    assert [c["id"] for c in store.office_concerns(today=TODAY, ids=ids)] == ids
    assert store.office_concerns(today=TODAY, ids=[]) == []
    with pytest.raises(ValueError):
        store.office_concerns(today=TODAY, colour="red")


def _estate_of(store, concern: dict) -> str:
    return store.household(concern["household_id"])["estate_id"]


async def test_a_neighbour_head_cannot_start_the_workflow(server, tmp_path):
    store, engine = await open_phone(server.url, "head01", tmp_path / "head.db")
    try:
        await engine.sync_now()
    finally:
        await engine.stop()
    concern = store.concerns(limit=1)[0]
    before = store.outbox_counts()
    for attempt in (
        lambda: store.open_meeting("会", [concern["id"]]),
        lambda: store.assign_concern(concern["id"], due_date=TODAY),
        lambda: store.record_callback(concern["id"], "satisfied"),
    ):
        with pytest.raises(ValueError):
            attempt()
    assert store.outbox_counts() == before


def test_an_older_store_pulls_the_scope_again_to_get_its_meetings(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:2]:
        step(conn)
    conn.execute("DROP TABLE review_meetings")  # as a store made before meetings had a table
    conn.execute("PRAGMA user_version = 2")
    conn.execute(
        "INSERT INTO districts (id, version, data, name) VALUES ('d1', 1, '{\"id\":\"d1\"}', 'x')"
    )
    conn.execute("INSERT INTO meta (key, value) VALUES ('cursor', 'c9')")
    conn.close()
    store = Store(path)
    try:
        assert store.cursor is None
        assert store.meetings() == []
        assert store.conn.execute("SELECT COUNT(*) FROM districts").fetchone()[0] == 0
    finally:
        store.close()
