"""seed-demo: the demo community's shape, its change log, determinism, and the CLI."""

from __future__ import annotations

import collections
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server.db.engine import migrate, open_engine
from server.db.schema import (
    changes,
    checklists,
    concern_events,
    concerns,
    districts,
    estates,
    households,
    residents,
    user_estates,
    users,
    visits,
)
from server.domain.idcard import id_number_problem
from server.domain.passwords import verify_password
from server.domain.seed import BASE_YEAR, DEMO_PASSWORD, SeedError, seed_demo
from services.protocol import ENTITY_DATA, Question, transition_allowed

ROOT = Path(__file__).resolve().parents[2]
SYNCABLE = {
    "district": districts,
    "estate": estates,
    "household": households,
    "resident": residents,
    "visit": visits,
    "concern": concerns,
    "concern_event": concern_events,
    "checklist": checklists,
}


def _seeded(path: Path, *, seed: int = 7, scale: float = 0.05):
    engine = open_engine(str(path))
    migrate(engine)
    counts = seed_demo(engine, seed=seed, scale=scale)
    return engine, counts


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    engine, counts = _seeded(tmp_path_factory.mktemp("seed") / "small.db")
    yield engine, counts
    engine.dispose()


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    engine, counts = _seeded(tmp_path_factory.mktemp("seed") / "full.db", scale=1.0)
    yield engine, counts
    engine.dispose()


def _rows(engine, table):
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(table))]


def test_small_scale_keeps_structure_logins_and_checklist(small):
    engine, counts = small
    assert counts["districts"] == 3 and counts["estates"] == 16
    assert 150 <= counts["households"] <= 250
    assert counts["residents"] >= 550
    us = {u["username"]: u for u in _rows(engine, users)}
    expected = (
        {"staff"} | {f"district{i}" for i in (1, 2, 3)} | {f"head{i:02d}" for i in range(1, 12)}
    )
    assert set(us) == expected
    assert us["staff"]["role"] == "staff"
    assert {us[f"district{i}"]["role"] for i in (1, 2, 3)} == {"district_head"}
    assert len({us[f"district{i}"]["district_id"] for i in (1, 2, 3)}) == 3
    assert {us[f"head{i:02d}"]["role"] for i in range(1, 12)} == {"head"}
    assert verify_password(us["head01"]["password_hash"], DEMO_PASSWORD)
    assert not verify_password(us["head01"]["password_hash"], "wrong")


def test_each_head_has_one_or_two_estates_in_one_district_and_all_estates_are_covered(small):
    engine, _ = small
    est = {e["id"]: e for e in _rows(engine, estates)}
    by_user = collections.defaultdict(list)
    for link in _rows(engine, user_estates):
        by_user[link["user_id"]].append(link["estate_id"])
    heads = [u for u in _rows(engine, users) if u["role"] == "head"]
    assert len(heads) == 11
    covered = set()
    for h in heads:
        mine = by_user[h["id"]]
        assert 1 <= len(mine) <= 2
        assert len({est[e]["district_id"] for e in mine}) == 1
        covered |= set(mine)
    assert covered == set(est)
    assert all(not by_user[u["id"]] for u in _rows(engine, users) if u["role"] != "head")
    kinds = collections.Counter(e["kind"] for e in est.values())
    assert kinds["apartment"] >= 1 and kinds["estate"] >= 10


def test_checklist_v1_has_the_five_questions(small):
    engine, _ = small
    (cl,) = _rows(engine, checklists)
    assert cl["version"] == 1 and cl["active"]
    qs = [Question.model_validate(q) for q in cl["questions"]]
    assert [q.key for q in qs] == [
        "household_size",
        "suggestions",
        "officials_conduct",
        "difficulties",
        "home_safety",
    ]
    assert qs[0].type == "number" and qs[0].label.zh == "你家有几口人？"
    assert qs[1].label.zh == "对街道、社区有什么好的意见建议吗？"
    assert qs[2].type == "choice" and qs[2].label.zh == "党员干部履职和作风情况怎么样？"
    assert qs[3].label.zh == "生活上有什么困难吗？"
    assert all(q.label.en for q in qs)


def test_every_syncable_row_is_in_the_change_log_once_with_valid_full_data(small):
    engine, counts = small
    log = _rows(engine, changes)
    seqs = [c["seq"] for c in log]
    assert len(seqs) == len(set(seqs))
    by_entity = collections.defaultdict(dict)
    for c in log:
        by_entity[c["entity"]][c["entity_id"]] = c
    for entity, table in SYNCABLE.items():
        ids = {r["id"] for r in _rows(engine, table)}
        assert set(by_entity[entity]) == ids, entity
        for c in by_entity[entity].values():
            assert c["op"] == "upsert"
            ENTITY_DATA[entity].model_validate(c["data"])
            assert set(ENTITY_DATA[entity].model_fields) <= set(c["data"]) | {"help"}, entity
    with engine.connect() as conn:
        assert (
            conn.execute(select(func.count()).select_from(changes)).scalar_one()
            >= counts["changes"]
        )


def test_change_log_rows_carry_the_scope_of_their_household(small):
    engine, _ = small
    est = {e["id"]: e for e in _rows(engine, estates)}
    hh = {h["id"]: h for h in _rows(engine, households)}
    res = {r["id"]: r for r in _rows(engine, residents)}
    vis = {v["id"]: v for v in _rows(engine, visits)}
    con = {c["id"]: c for c in _rows(engine, concerns)}
    evs = {e["id"]: e for e in _rows(engine, concern_events)}

    def place(household_id):
        e = hh[household_id]["estate_id"]
        return e, est[e]["district_id"]

    for c in _rows(engine, changes):
        entity, i = c["entity"], c["entity_id"]
        got = (c["estate_id"], c["district_id"])
        if entity == "district":
            assert got == (None, i)
        elif entity == "estate":
            assert got == (i, est[i]["district_id"])
        elif entity == "checklist":
            assert got == (None, None)
        elif entity == "household":
            assert got == place(i)
        elif entity == "resident":
            assert got == place(res[i]["household_id"])
        elif entity == "visit":
            assert got == place(vis[i]["household_id"])
        elif entity == "concern":
            assert got == place(con[i]["household_id"])
        elif entity == "concern_event":
            assert got == place(con[evs[i]["concern_id"]]["household_id"])


def test_resident_change_data_is_full_and_matches_the_row(small):
    engine, _ = small
    log = {c["entity_id"]: c for c in _rows(engine, changes) if c["entity"] == "resident"}
    for r in _rows(engine, residents)[:200]:
        data = log[r["id"]]["data"]
        assert data["phone"] == r["phone"] and data["id_number"] == r["id_number"]
        if r["phone"]:
            assert data["phone_masked"] == r["phone"][:3] + "****" + r["phone"][-4:]
        assert data["name"] == r["name"] and data["flags"] == r["flags"]
        assert data["version"] == 1


def test_visits_are_by_the_estate_head_and_concern_histories_follow_the_state_machine(small):
    engine, _ = small
    us = {u["id"]: u for u in _rows(engine, users)}
    hh = {h["id"]: h for h in _rows(engine, households)}
    heads_of = collections.defaultdict(set)
    for link in _rows(engine, user_estates):
        heads_of[link["estate_id"]].add(link["user_id"])
    for v in _rows(engine, visits):
        assert v["user_id"] in heads_of[hh[v["household_id"]]["estate_id"]]
        assert v["checklist_version"] == 1 and v["people_reached"] >= 1
        assert v["visited_at"] < "2026-11-02"
    events = collections.defaultdict(list)
    for e in _rows(engine, concern_events):
        events[e["concern_id"]].append(e)
    statuses = set()
    for c in _rows(engine, concerns):
        evs = sorted(events[c["id"]], key=lambda e: e["created_at"])
        assert evs[0]["action"] == "created" and evs[0]["to_status"] == "open"
        current = "open"
        for e in evs[1:]:
            if e["action"] == "transition":
                assert e["from_status"] == current
                assert transition_allowed(us[e["user_id"]]["role"], current, e["to_status"])
                current = e["to_status"]
        assert current == c["status"]
        assert c["version"] == 1 + sum(e["action"] == "transition" for e in evs)
        assert c["created_at"] == evs[0]["created_at"] and c["updated_at"] == evs[-1]["created_at"]
        statuses.add(c["status"])
    assert statuses == {"open", "in_review", "resolved", "referred", "closed"}


def _snapshot(engine):
    out = {}
    for name, table in [
        *SYNCABLE.items(),
        ("users", users),
        ("user_estates", user_estates),
        ("changes", changes),
    ]:
        rows = _rows(engine, table)
        for r in rows:
            r.pop("password_hash", None)  # argon2: a fresh random salt each time
        # the built-in questionnaires are another module's (and carry fresh ids)
        rows = [r for r in rows if not str(r.get("entity", "")).startswith("questionnaire")]
        out[name] = sorted(rows, key=repr)
    return out


def test_same_seed_gives_the_same_database_and_another_seed_does_not(tmp_path, small):
    engine_a, _ = small
    engine_b, _ = _seeded(tmp_path / "b.db")
    engine_c, _ = _seeded(tmp_path / "c.db", seed=8)
    try:
        a, b, c = _snapshot(engine_a), _snapshot(engine_b), _snapshot(engine_c)
        assert a == b
        assert a["resident"] != c["resident"]
    finally:
        engine_b.dispose()
        engine_c.dispose()


def test_seeding_a_seeded_database_refuses_and_changes_nothing(tmp_path):
    engine, _ = _seeded(tmp_path / "twice.db")
    try:
        before = _snapshot(engine)
        with pytest.raises(SeedError):
            seed_demo(engine, seed=9, scale=0.05)
        assert _snapshot(engine) == before
    finally:
        engine.dispose()


def test_full_scale_community_is_realistic(full):
    engine, counts = full
    assert counts["households"] == 4000
    assert counts["residents"] >= 11_000
    rs = _rows(engine, residents)
    assert len(rs) == counts["residents"]
    aged = [r for r in rs if BASE_YEAR - r["birth_year"] >= 60]
    assert 0.20 <= len(aged) / len(rs) <= 0.25
    phones = [r["phone"] for r in rs if r["phone"]]
    assert len(phones) == len(set(phones)) and len(phones) > 0.6 * len(rs)
    assert all(len(p) == 11 and p.isdigit() and p[0] == "1" for p in phones)
    ids = [r["id_number"] for r in rs if r["id_number"]]
    assert len(ids) == len(set(ids)) and len(ids) > 0.9 * len(rs)
    assert all(id_number_problem(i) is None for i in ids)
    local = sum(i.startswith("320507") for i in ids)
    assert local / len(ids) > 0.5
    for r in rs:
        if r["id_number"]:
            assert int(r["id_number"][6:10]) == r["birth_year"]
            assert (int(r["id_number"][16]) % 2 == 1) == (r["gender"] == "male")
    alone = [r for r in aged if "lives_alone" in r["flags"]]
    assert 100 <= len(alone) <= len(aged) // 2
    assert any("needs_help" in r["flags"] for r in rs)
    surnames = collections.Counter(r["name"][0] for r in rs)
    assert len(surnames) > 50 and surnames.most_common(1)[0][1] < 0.1 * len(rs)
    assert {r["relation"] for r in rs} >= {"户主", "配偶", "子女", "父母"}
    assert {r["vaccination"] for r in aged} >= {"full", "booster", "none"}
    assert 750 <= counts["visits"] <= 850 and 2000 <= counts["person_times"] <= 2500
    assert counts["concerns"] == 98 and counts["concerns_resolved"] >= 50
    hh = _rows(engine, households)
    addresses = {(h["estate_id"], h["building"], h["unit"], h["room"]) for h in hh}
    assert len(addresses) == len(hh)
    per_household = collections.Counter(r["household_id"] for r in rs)
    assert all(per_household[h["id"]] == h["people_count"] for h in hh)


def test_cli_seeds_then_refuses_a_second_time(tmp_path):
    db = tmp_path / "cli.db"
    cmd = [sys.executable, "-m", "server", "seed-demo", "--db", str(db), "--scale", "0.05"]
    first = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "demo1234" in first.stdout and "head11" in first.stdout
    second = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert second.returncode == 1
    assert "already" in second.stderr


def test_demo_questionnaire_answers_are_form_shaped_and_scoped(small):
    engine, counts = small
    from server.db.changelog import STAFF_ONLY
    from server.db.schema import questionnaire_responses, questionnaires

    assert counts["questionnaire_responses"] >= 3
    est = {e["id"]: e for e in _rows(engine, estates)}
    qs = {q["id"]: q for q in _rows(engine, questionnaires)}
    log = {
        c["entity_id"]: c for c in _rows(engine, changes) if c["entity"] == "questionnaire_response"
    }
    responses = _rows(engine, questionnaire_responses)
    assert len(responses) == counts["questionnaire_responses"] == len(log)
    for r in responses:
        keys = {q["key"] for q in qs[r["questionnaire_id"]]["questions"]}
        assert set(r["answers"]) <= keys and r["status"] == "new"
        c = log[r["id"]]
        ENTITY_DATA["questionnaire_response"].model_validate(c["data"])
        if r["estate_id"]:
            assert (c["estate_id"], c["district_id"]) == (
                r["estate_id"],
                est[r["estate_id"]]["district_id"],
            )
        else:
            assert (c["estate_id"], c["district_id"]) == (None, STAFF_ONLY)
        assert r["submitted_at"] < "2026-11-02"
