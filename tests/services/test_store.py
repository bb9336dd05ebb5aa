"""The phone store: atomic writes with their outbox mutation, pending overlays that a pull
never overwrites, acknowledgement, discard, 410 reset, queries, schema migration."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from services.schema import SCHEMA_VERSION
from services.store import Store
from tests.services.pages import USER, change, tombstone, uid


def table_counts(store: Store) -> dict[str, int]:
    tables = [
        "visits",
        "concerns",
        "concern_events",
        "households",
        "residents",
        "outbox",
        "pending_rows",
    ]
    return {t: store.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}


def test_new_store_is_at_the_current_schema_version_and_wal(tmp_path):
    s = Store(tmp_path / "a.db")
    assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    s.close()
    again = Store(tmp_path / "a.db")  # reopening migrates nothing and keeps the data
    assert again.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_store_from_a_newer_app_is_refused(tmp_path):
    path = tmp_path / "newer.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(RuntimeError, match="newer"):
        Store(path)


def test_record_visit_writes_row_and_mutation_together(store, community):
    vid = store.record_visit(
        community.h1["id"], method="in_person", people_reached=2, answers={"household_size": 2}
    )
    visits = store.visits(community.h1["id"])
    assert [v["id"] for v in visits] == [vid] and visits[0]["pending"] is True
    [m] = store.outbox_batch(10)
    assert m["type"] == "visit.record" and m["entity_id"] == vid
    assert m["payload"]["household_id"] == community.h1["id"]
    assert m["payload"]["checklist_version"] == 1
    assert store.outbox_counts() == {"pending": 1, "rejected": 0}


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"method": "bicycle", "people_reached": 1, "answers": {}}, "method"),
        ({"method": "phone", "people_reached": -1, "answers": {}}, "people_reached"),
        ({"method": "phone", "people_reached": 1, "answers": {"x": {"nested": 1}}}, "answers"),
        (
            {"method": "phone", "people_reached": 1, "answers": {}, "visited_at": "yesterday"},
            "visited_at",
        ),
    ],
)
def test_bad_visit_raises_value_error_and_writes_nothing(store, community, kwargs, field):
    before = table_counts(store)
    with pytest.raises(ValueError, match=field):
        store.record_visit(community.h1["id"], **kwargs)
    assert table_counts(store) == before


def test_writes_for_unknown_rows_are_refused_and_write_nothing(store, community):
    before = table_counts(store)
    with pytest.raises(ValueError, match="unknown household"):
        store.record_visit("no-such", method="phone", people_reached=1, answers={})
    with pytest.raises(ValueError, match="unknown household"):
        store.raise_concern("no-such", kind="request", category="c", description="d")
    with pytest.raises(ValueError, match="unknown resident"):
        store.update_resident("no-such", name="x")
    with pytest.raises(ValueError, match="kind"):
        store.raise_concern(community.h1["id"], kind="wish", category="c", description="d")
    with pytest.raises(ValueError, match="description"):
        store.raise_concern(community.h1["id"], kind="request", category="c", description="")
    with pytest.raises(ValueError, match="people_count"):
        store.update_household(community.h1["id"], people_count=-3)
    with pytest.raises(ValueError, match="colour"):
        store.update_household(community.h1["id"], colour="red")
    with pytest.raises(ValueError, match="unknown resident flags"):
        store.set_flags(community.zhangwei["id"], ["vip"])
    assert table_counts(store) == before


def test_head_may_not_resolve_a_concern(store, community):
    cid = store.raise_concern(
        community.h1["id"], kind="request", category="repair", description="漏水"
    )
    before = table_counts(store)
    with pytest.raises(ValueError, match="may not"):
        store.transition_concern(cid, "in_review")
    assert table_counts(store) == before


def test_a_district_head_closes_a_concern_in_review_and_a_head_reopens_it(store, community):
    cid = store.raise_concern(
        community.h1["id"], kind="request", category="repair", description="漏水"
    )
    store.set_user(dict(USER, role="district_head"))
    store.transition_concern(cid, "in_review")
    store.transition_concern(cid, "closed", note="居民表示不再需要")
    assert store.concern(cid)["status"] == "closed"
    store.set_user(dict(USER, role="head"))
    store.transition_concern(cid, "open")
    queued = [m["payload"].get("to_status") for m in store.outbox_batch(10)]
    assert queued[-3:] == ["in_review", "closed", "open"]


def test_comment_and_transition_events_show_pending(store, community):
    cid = store.raise_concern(
        community.h1["id"], kind="request", category="repair", description="漏水"
    )
    eid = store.comment_concern(cid, "已联系物业")
    [ev] = store.concern_events(cid)
    assert ev["id"] == eid and ev["pending"] and ev["text"] == "已联系物业"
    assert store.concerns(mine=True)[0]["id"] == cid
    assert store.concerns(status="open")[0]["address"] == "3-2-401"


def test_pull_never_overwrites_a_pending_local_edit(store, community):
    hid = community.h1["id"]
    store.update_household(hid, people_count=5)
    newer = dict(community.h1, people_count=3, note="server note", version=2)
    store.apply_pull_page([change("household", newer, version=2)], "c2")
    h = store.household(hid)
    assert h["people_count"] == 5 and h["pending"] is True
    # acknowledged: the row shows the newest server copy until the next pull merges
    [m] = store.outbox_batch(10)
    assert m["payload"] == {"base_version": 1, "fields": {"people_count": 5}}
    store.mark_results([{"id": m["id"], "status": "applied"}])
    h = store.household(hid)
    assert h["pending"] is False and h["note"] == "server note" and h["version"] == 2
    merged = dict(newer, people_count=5, version=3)
    store.apply_pull_page([change("household", merged, version=3)], "c3")
    assert store.household(hid)["people_count"] == 5


def test_an_acknowledged_edit_stays_shown_until_the_pull_brings_the_servers_copy(store, community):
    """Between the upload's acknowledgement and the pull, a screen redrawn from the store
    shows what was saved, not the copy from before it."""
    hid = community.h1["id"]
    store.update_household(hid, people_count=5)
    [m] = store.outbox_batch(10)
    store.mark_results([{"id": m["id"], "status": "applied"}])
    h = store.household(hid)
    assert (h["people_count"], h["pending"], h["version"]) == (5, False, 1)
    merged = dict(community.h1, people_count=5, note="server note", version=2)
    store.apply_pull_page([change("household", merged, version=2)], "c2")
    h = store.household(hid)
    assert (h["people_count"], h["note"], h["version"]) == (5, "server note", 2)


def test_a_discarded_edit_shows_the_server_copy_again(store, community):
    hid = community.h1["id"]
    before = store.household(hid)["people_count"]
    store.update_household(hid, people_count=before + 4)
    [m] = store.outbox_batch(10)
    store.mark_results([{"id": m["id"], "status": "rejected", "error": {"code": "x"}}])
    store.discard_rejected(m["id"])
    h = store.household(hid)
    assert (h["people_count"], h["pending"]) == (before, False)


def test_second_edit_keeps_the_first_edits_base_version(store, community):
    rid = community.zhangwei["id"]
    store.update_resident(rid, name="张伟伟")
    store.apply_pull_page(
        [change("resident", dict(community.zhangwei, version=4), version=4)], "c2"
    )
    store.set_flags(rid, ["lives_alone"])
    payloads = [m["payload"] for m in store.outbox_batch(10)]
    assert [p["base_version"] for p in payloads] == [1, 1]
    r = store.resident(rid)
    assert r["name"] == "张伟伟" and r["flags"] == ["lives_alone"] and r["pending"]


def test_duplicate_result_counts_as_done(store, community):
    store.record_visit(community.h1["id"], method="phone", people_reached=1, answers={})
    [m] = store.outbox_batch(10)
    store.mark_results([{"id": m["id"], "status": "duplicate"}])
    assert store.outbox_counts() == {"pending": 0, "rejected": 0}
    assert store.visits(community.h1["id"])[0]["pending"] is False


def test_rejected_is_kept_out_of_the_queue_and_visible(store, community):
    v1 = store.record_visit(community.h1["id"], method="phone", people_reached=1, answers={})
    store.record_visit(community.h2["id"], method="phone", people_reached=1, answers={})
    first, second = store.outbox_batch(10)
    store.mark_results(
        [
            {
                "id": first["id"],
                "status": "rejected",
                "error": {"code": "out_of_scope", "message": "not yours"},
            }
        ]
    )
    assert [m["id"] for m in store.outbox_batch(10)] == [second["id"]]
    [rej] = store.rejected()
    assert (rej["id"], rej["entity_id"], rej["code"], rej["message"]) == (
        first["id"],
        v1,
        "out_of_scope",
        "not yours",
    )
    assert store.outbox_counts() == {"pending": 1, "rejected": 1}


def test_discarding_a_rejected_create_removes_the_local_row(store, community):
    vid = store.record_visit(community.h1["id"], method="phone", people_reached=1, answers={})
    [m] = store.outbox_batch(10)
    store.mark_results(
        [{"id": m["id"], "status": "rejected", "error": {"code": "x", "message": "y"}}]
    )
    store.discard_rejected(m["id"])
    assert store.visits(community.h1["id"]) == [] and store.outbox_counts()["rejected"] == 0
    assert vid not in [v["id"] for v in store.visits(community.h1["id"])]


def test_discarding_a_rejected_edit_restores_the_server_copy(store, community):
    store.update_household(community.h1["id"], people_count=9)
    [m] = store.outbox_batch(10)
    store.mark_results(
        [{"id": m["id"], "status": "rejected", "error": {"code": "x", "message": "y"}}]
    )
    assert store.household(community.h1["id"])["people_count"] == 9
    store.discard_rejected(m["id"])
    h = store.household(community.h1["id"])
    assert h["people_count"] == 2 and h["pending"] is False


def test_resend_rejected_validates_a_corrected_payload(store, community):
    store.record_visit(community.h1["id"], method="phone", people_reached=1, answers={})
    [m] = store.outbox_batch(10)
    store.mark_results(
        [{"id": m["id"], "status": "rejected", "error": {"code": "x", "message": "y"}}]
    )
    with pytest.raises(ValueError, match="method"):
        store.resend_rejected(m["id"], dict(m["payload"], method="walk"))
    assert store.outbox_counts() == {"pending": 0, "rejected": 1}
    store.resend_rejected(m["id"], dict(m["payload"], notes="corrected"))
    [again] = store.outbox_batch(10)
    assert again["id"] == m["id"] and again["payload"]["notes"] == "corrected"


def test_tombstone_deletes_the_row(store, community):
    store.apply_pull_page([tombstone("resident", community.wang["id"])], "c2")
    assert community.wang["id"] not in [m["id"] for m in store.members(community.h4["id"])]
    assert store.search_residents("王小微") == []


def test_pull_page_and_cursor_are_one_transaction(store, community):
    bad = [change("household", dict(community.h1, note="x"))] + [
        {"entity": "resident", "id": "r", "op": "upsert"}
    ]
    bad[-1]["version"] = None  # int(None) fails half-way through the page
    bad[-1]["data"] = {"id": "r", "name": object()}
    with pytest.raises(TypeError):
        store.apply_pull_page(bad, "c9")
    assert store.cursor == "c1" and store.household(community.h1["id"])["note"] == ""


def test_reset_scope_keeps_outbox_and_pending_rows(store, community):
    vid = store.record_visit(community.h1["id"], method="phone", people_reached=1, answers={})
    store.update_resident(community.zhangwei["id"], name="张卫")
    store.reset_scope()
    assert store.cursor is None
    assert store.outbox_counts()["pending"] == 2
    assert store.estates() == []
    assert store.resident(community.zhangwei["id"])["name"] == "张卫"
    assert store.conn.execute("SELECT COUNT(*) FROM visits WHERE id = ?", (vid,)).fetchone()[0] == 1
    assert store.conn.execute("SELECT COUNT(*) FROM residents").fetchone()[0] == 1


def test_household_queries(store, community):
    today = dt.date.today()
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=45)).isoformat()
    store.record_visit(community.h1["id"], method="phone", people_reached=1, answers={})
    store.record_visit(
        community.h3["id"], method="phone", people_reached=1, answers={}, visited_at=old
    )
    store.raise_concern(community.h1["id"], kind="request", category="repair", description="漏水")
    rows = store.households(estate_id=community.estate_a["id"])
    assert [r["address"] for r in rows] == ["3-2-401", "3-2-402", "10-1-101"]
    assert (
        rows[0]["open_concerns"] == 1 and rows[0]["member_count"] == 1 and rows[0]["last_visit_at"]
    )
    not_visited = store.households(not_visited_days=30)
    assert {r["id"] for r in not_visited} == {
        community.h2["id"],
        community.h3["id"],
        community.h4["id"],
    }
    assert store.count_households(not_visited_days=30) == 3
    assert {r["id"] for r in store.households(aged_60=True)} == {
        community.h1["id"],
        community.h3["id"],
    }
    assert [r["id"] for r in store.households(lives_alone=True)] == [community.h3["id"]]
    assert [r["id"] for r in store.households(query="张伟明")] == [community.h2["id"]]
    assert store.buildings(community.estate_a["id"]) == ["3", "10"]
    est = {e["name"]: e for e in store.estates(today)}
    assert est["胡巷新村"]["household_count"] == 3 and est["胡巷新村"]["not_visited_30"] == 2
    summary = store.home_summary(today)
    assert summary["households"] == 4 and summary["visited_this_month"] >= 1
    assert summary["my_open_concerns"] == 1 and summary["pending"] == 3
    members = store.members(community.h4["id"])
    assert {m["name"] for m in members} == {"单田芳", "王小微"}


def test_add_resident_keeps_only_masked_numbers_locally(store, community):
    rid = store.add_resident(community.h1["id"], name="赵敏", phone="13512349876", birth_year=1960)
    r = store.resident(rid)
    assert r["phone_masked"] == "135****9876" and "phone" not in r and r["pending"]
    assert store.search_residents("9876")[0]["id"] == rid


def test_visit_with_concerns_is_saved_whole_or_not_at_all(store, community):
    hid = community.h1["id"]
    before = table_counts(store)
    with pytest.raises(ValueError, match="kind"):
        store.record_visit(
            hid, method="phone", people_reached=1, answers={},
            concerns=[
                {"kind": "request", "category": "repair", "description": "漏水"},
                {"kind": "wish", "category": "x", "description": "y"},
            ],
        )  # fmt: skip
    assert table_counts(store) == before
    vid = store.record_visit(
        hid, method="phone", people_reached=1, answers={},
        concerns=[{"kind": "complaint", "category": "noise", "description": "楼上噪音"}],
    )  # fmt: skip
    [c] = store.concerns(household_id=hid)
    assert c["visit_id"] == vid and c["pending"]
    assert [m["type"] for m in store.outbox_batch(10)] == ["visit.record", "concern.create"]


def _conflict(community, **extra) -> dict:
    return {
        "id": uid(),
        "entity": "household",
        "entity_id": community.h1["id"],
        "field": "people_count",
        "server_value": 3,
        "client_value": 5,
        "user_id": uid(),
        "user_name": "王芳",
        "created_at": "2026-11-24T01:30:00Z",
        "status": "open",
        **extra,
    }


@pytest.fixture
def staff_store(store, community):
    """The small community on a staff phone, with one open conflict pulled."""
    store.set_user(dict(USER, role="staff"))
    store.apply_pull_page([change("conflict", _conflict(community))], "c2")
    return store


def test_resolve_conflict_marks_it_resolved_and_queues_the_mutation(staff_store, community):
    [open_one] = staff_store.conflicts()
    assert staff_store.resolve_conflict(open_one["id"], "client") == open_one["id"]
    assert staff_store.conflicts() == []
    [done] = staff_store.conflicts(status="resolved")
    assert done["resolution"] == "client" and done["pending"] is True
    [m] = staff_store.outbox_batch(10)
    assert (m["type"], m["entity_id"], m["payload"]) == (
        "conflict.resolve",
        open_one["id"],
        {"keep": "client"},
    )
    # the household is not patched locally: the server's merged version comes with a pull
    assert staff_store.household(community.h1["id"])["people_count"] == 2
    # acknowledged, then the server's resolved copy arrives with the pull after the push
    staff_store.mark_results([{"id": m["id"], "status": "applied"}])
    resolved = _conflict(community, id=open_one["id"], status="resolved", resolution="client")
    staff_store.apply_pull_page([change("conflict", resolved, version=2)], "c3")
    [done] = staff_store.conflicts(status="resolved")
    assert done["pending"] is False and staff_store.conflicts() == []


def test_district_head_may_resolve_a_conflict(staff_store):
    staff_store.set_user(dict(USER, role="district_head"))
    [c] = staff_store.conflicts()
    staff_store.resolve_conflict(c["id"], "server")
    assert staff_store.outbox_batch(10)[0]["payload"] == {"keep": "server"}


@pytest.mark.parametrize(
    "role, keep, conflict, match",
    [
        ("head", "server", None, "head may not resolve conflicts"),
        ("staff", "both", None, "keep"),
        ("staff", "server", "no-such", "unknown conflict"),
    ],
)
def test_bad_resolve_raises_value_error_and_writes_nothing(
    staff_store, role, keep, conflict, match
):
    staff_store.set_user(dict(USER, role=role))
    conflict = conflict or staff_store.conflicts()[0]["id"]
    before = table_counts(staff_store)
    with pytest.raises(ValueError, match=match):
        staff_store.resolve_conflict(conflict, keep)
    assert table_counts(staff_store) == before
    assert [c["status"] for c in staff_store.conflicts(status=None)] == ["open"]


def test_a_resolved_conflict_cannot_be_resolved_again(staff_store):
    [c] = staff_store.conflicts()
    staff_store.resolve_conflict(c["id"], "server")
    before = table_counts(staff_store)
    with pytest.raises(ValueError, match="already resolved"):
        staff_store.resolve_conflict(c["id"], "client")
    assert table_counts(staff_store) == before


def test_household_search_finds_phone_tails_and_names_and_says_who(store, community):
    c = community
    # 张伟 13812345678 and 李章 13700005678 share the tail 5678
    rows = store.households(query="5678")
    assert {r["id"] for r in rows} == {c.h1["id"], c.h3["id"]}
    assert {r["matched_name"] for r in rows} == {"张伟", "李章"}
    assert store.count_households(query="5678") == 2
    assert [r["id"] for r in store.households(query="678")] == [c.h1["id"], c.h3["id"]]
    assert [r["matched_name"] for r in store.households(query="zwm")] == ["张伟明"]
    assert [r["matched_name"] for r in store.households(query="单田芳")] == ["单田芳"]
    by_address = store.households(query="3-2-401")
    assert [r["id"] for r in by_address] == [c.h1["id"]]
    assert by_address[0]["matched_name"] is None, "the address matched, not a person"
    assert store.households()[0]["matched_name"] is None
    assert store.households(query="9999") == []
