"""Offline resident search: each mode finds what it promises, ranked exact > prefix >
substring, paged, filtered."""

from __future__ import annotations

from services.search import address, normalize_address, phone_tail, pinyin_keys
from tests.services.pages import change, household, resident


def names(hits):
    return [h["name"] for h in hits]


def test_pinyin_keys_full_and_initials_with_surname_readings():
    assert pinyin_keys("张伟") == ("zhangwei", "zw")
    assert pinyin_keys("单田芳") == ("shantianfang", "stf")
    assert pinyin_keys("曾国藩") == ("zengguofan", "zgf")
    assert phone_tail("138****5678") == "5678" and phone_tail(None) == ""
    assert address("3", "2", "401") == "3-2-401" and address("1", "", "305") == "1-305"
    assert normalize_address("3号楼2单元401室") == "3-2-401"


def test_name_substring(store):
    assert names(store.search_residents("伟")) == ["张伟", "张伟明"]
    assert names(store.search_residents("田芳")) == ["单田芳"]


def test_name_exact_ranks_before_prefix(store):
    hits = store.search_residents("张伟")
    assert names(hits) == ["张伟", "张伟明"]
    assert hits[0]["score"] > hits[1]["score"] >= 2


def test_pinyin_full_and_initials_find_the_same_person(store, community):
    assert store.search_residents("zhangwei")[0]["id"] == community.zhangwei["id"]
    assert store.search_residents("zw")[0]["id"] == community.zhangwei["id"]
    assert names(store.search_residents("zw")) == ["张伟", "张伟明"]  # exact initials first
    assert names(store.search_residents("ZhangWei")) == ["张伟", "张伟明"]
    assert names(store.search_residents("stf")) == ["单田芳"]


def test_pinyin_substring_ranks_last(store):
    hits = store.search_residents("zhang")
    assert names(hits)[:2] == ["张伟", "张伟明"] and names(hits)[-1] == "李章"
    assert hits[-1]["score"] < 2


def test_phone_tail(store, community):
    hits = store.search_residents("5678")
    assert {h["id"] for h in hits} == {community.zhangwei["id"], community.lizhang["id"]}
    assert all(h["phone_masked"].endswith("5678") for h in hits)
    assert store.search_residents("0000") == []


def test_building_unit_room_exact_and_partial(store, community):
    assert names(store.search_residents("3-2-401")) == ["张伟"]
    assert names(store.search_residents("3号楼2单元401")) == ["张伟"]
    assert names(store.search_residents("3-2")) == ["张伟", "张伟明"]
    assert names(store.search_residents("1-305")) == ["单田芳", "王小微"] or names(
        store.search_residents("1-305")
    ) == ["王小微", "单田芳"]


def test_filters_and_paging(store, community):
    assert names(store.search_residents("", aged_60=True)) == ["张伟", "李章"]
    assert names(store.search_residents("", lives_alone=True)) == ["李章"]
    assert set(names(store.search_residents("", flagged=True))) == {"李章", "单田芳"}
    assert names(store.search_residents("zw", estate_id=community.estate_b["id"])) == []
    everyone = names(store.search_residents("", limit=100))
    assert len(everyone) == 5
    assert names(store.search_residents("", offset=2, limit=2)) == everyone[2:4]
    r = store.search_residents("张伟")[0]
    assert r["address"] == "3-2-401" and r["estate_name"] == "胡巷新村" and r["age"] >= 60


def test_index_follows_pulls_and_local_edits(store, community):
    store.apply_pull_page(
        [change("resident", dict(community.wang, name="王晓薇", version=2), 2)], "c2"
    )
    assert names(store.search_residents("wxw")) == ["王晓薇"]
    store.update_resident(community.wang["id"], name="王小薇")
    assert names(store.search_residents("王小薇")) == ["王小薇"]


def test_any_room_text_sorts_and_is_found(store, community):
    """A room typed as ``10²`` or in another script's digits once made building the index
    raise (one household broke every search of its head)."""
    odd = [
        household(community.estate_a["id"], "3", "2", "10²"),
        household(community.estate_a["id"], "3", "2", "٤٠١"),
        household(community.estate_a["id"], "3", "²", "A1"),
    ]
    people = [
        resident(h["id"], name) for h, name in zip(odd, ["赵一", "赵二", "赵三"], strict=True)
    ]
    store.apply_pull_page(
        [change("household", h) for h in odd] + [change("resident", r) for r in people], "c2"
    )
    assert set(names(store.search_residents("赵"))) == {"赵一", "赵二", "赵三"}
    assert len(names(store.search_residents("", limit=100))) == 8
