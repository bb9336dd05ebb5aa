"""The store's household work: taking a resident off the register, revealing a number to call
(recorded for audit), drafts of unsaved forms, and reading one past visit with its questions."""

from __future__ import annotations

import pytest

from services.store import Store
from tests.services.pages import change, resident, uid


def _types(store: Store) -> list[str]:
    return [m["type"] for m in store.outbox_batch(100)]


def test_a_removed_resident_leaves_members_counts_and_search_at_once(store, community):
    hid = community.h4["id"]
    rid = community.shan["id"]
    before = store.households(query="单田芳")
    assert [h["id"] for h in before] == [hid]
    store.remove_resident(rid, "deceased", note="2026-11")
    assert [m["id"] for m in store.members(hid)] == [community.wang["id"]]
    assert store.search_residents("单田芳") == []
    assert store.households(query="单田芳") == []
    [m] = store.outbox_batch(10)
    assert (m["type"], m["entity_id"]) == ("resident.remove", rid)
    assert m["payload"] == {"reason": "deceased", "note": "2026-11"}


def test_a_refused_removal_once_discarded_brings_the_resident_back(store, community):
    rid = community.shan["id"]
    store.remove_resident(rid, "moved_out")
    [m] = store.outbox_batch(10)
    store.mark_results(
        [{"id": m["id"], "status": "rejected", "error": {"code": "forbidden", "message": "x"}}]
    )
    store.discard_rejected(m["id"])
    back = store.members(community.h4["id"])
    assert rid in [r["id"] for r in back] and "removed" not in store.resident(rid)
    assert store.search_residents("单田芳")[0]["id"] == rid


def test_removing_with_a_bad_reason_changes_nothing(store, community):
    with pytest.raises(ValueError, match="reason"):
        store.remove_resident(community.shan["id"], "bored")
    assert store.outbox_batch(10) == []
    assert len(store.members(community.h4["id"])) == 2


def test_revealing_a_whole_number_queues_its_audit_record_in_the_same_step(store, community):
    hid = community.h1["id"]
    whole = resident(hid, "周华", phone="13812340000", birth_year=1944)
    whole["phone"] = "13812340000"  # as a head pulls it
    store.apply_pull_page([change("resident", whole)], "c2")
    assert store.reveal_phone(whole["id"]) == "13812340000"
    [m] = store.outbox_batch(10)
    assert m["type"] == "resident.reveal"
    assert m["payload"] == {"resident_id": whole["id"], "field": "phone"}
    assert m["entity_id"] != whole["id"], "each reveal is its own record"
    assert store.reveal_phone(whole["id"]) == "13812340000"
    assert _types(store) == ["resident.reveal", "resident.reveal"]
    assert store.resident(whole["id"])["pending"] is False, "a reveal changes no record"


def test_no_whole_number_here_reveals_nothing_and_records_nothing(store, community):
    assert store.reveal_phone(community.zhangwei["id"]) is None  # pulled masked only
    with pytest.raises(ValueError, match="unknown resident"):
        store.reveal_phone(uid())
    assert store.outbox_batch(10) == []


def test_a_draft_is_kept_replaced_shown_on_its_household_and_discarded(store, community):
    hid = community.h1["id"]
    assert store.draft("visit", hid) is None and store.household(hid)["draft"] is False
    store.save_draft("visit", hid, {"notes": "老人"}, household_id=hid)
    store.save_draft("visit", hid, {"notes": "老人腿脚不便"}, household_id=hid)
    assert store.draft("visit", hid) == {"notes": "老人腿脚不便"}
    assert store.household(hid)["draft"] is True
    assert store.household(community.h2["id"])["draft"] is False
    store.discard_draft("visit", hid)
    assert store.draft("visit", hid) is None and store.household(hid)["draft"] is False
    assert store.outbox_batch(10) == [], "drafts never upload"


def test_drafts_survive_closing_the_store(tmp_path, store, community):
    hid = community.h1["id"]
    store.save_draft("visit", hid, {"answers": {"household_size": 3}}, household_id=hid)
    store.close()
    with Store(store.path) as again:
        assert again.draft("visit", hid) == {"answers": {"household_size": 3}}


def test_recording_the_visit_clears_its_draft_in_the_same_transaction(store, community):
    hid = community.h1["id"]
    store.save_draft("visit", hid, {"notes": "x"}, household_id=hid)
    store.save_draft("visit", community.h2["id"], {"notes": "y"}, household_id=community.h2["id"])
    with pytest.raises(ValueError):  # refused: the draft stays
        store.record_visit(hid, method="phone", people_reached=-1, answers={})
    assert store.draft("visit", hid) == {"notes": "x"}
    store.record_visit(hid, method="phone", people_reached=1, answers={})
    assert store.draft("visit", hid) is None
    assert store.draft("visit", community.h2["id"]) == {"notes": "y"}


def test_one_visit_and_the_checklist_version_it_answered(store, community):
    hid = community.h1["id"]
    vid = store.record_visit(hid, method="phone", people_reached=2, answers={"household_size": 2})
    v = store.visit(vid)
    assert v["answers"] == {"household_size": 2} and v["pending"] is True
    assert store.visit(uid()) is None
    assert store.checklist(v["checklist_version"])["questions"][0]["key"] == "household_size"
    assert store.checklist(99) is None


def test_a_visit_that_finds_another_people_count_updates_the_register_with_it(store, community):
    hid = community.h1["id"]
    registered = store.household(hid)["people_count"]
    store.record_visit(
        hid, method="in_person", people_reached=1, answers={}, people_count=registered
    )
    assert _types(store) == ["visit.record"], "the same count changes nothing"
    vid = store.record_visit(
        hid, method="in_person", people_reached=1, answers={}, people_count=(registered or 0) + 2
    )
    assert _types(store) == ["visit.record", "visit.record", "household.update"]
    assert store.household(hid)["people_count"] == (registered or 0) + 2
    assert store.visit(vid)["pending"]


def test_a_refused_visit_leaves_the_register_alone(store, community):
    hid = community.h1["id"]
    before = store.household(hid)["people_count"]
    with pytest.raises(ValueError):
        store.record_visit(hid, method="phone", people_reached=-1, answers={}, people_count=9)
    assert store.household(hid)["people_count"] == before and store.outbox_batch(10) == []


def test_concerns_raised_in_one_visit(store, community):
    hid = community.h1["id"]
    vid = store.record_visit(
        hid,
        method="in_person",
        people_reached=1,
        answers={},
        concerns=[{"kind": "request", "category": "safety", "description": "楼道灯坏了"}],
    )
    store.raise_concern(hid, kind="request", category="other", description="别的")
    assert [c["description"] for c in store.concerns(visit_id=vid)] == ["楼道灯坏了"]
