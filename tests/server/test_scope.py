"""Scope on read and write, for each role: what a pull contains, what it masks, what a push
may touch."""

from __future__ import annotations

from sqlalchemy import select

from server.db.schema import concern_events, concerns, households, residents, visits
from tests.server.helpers import concern, ok, visit

COMMUNITY_WIDE = {"checklist", "questionnaire"}


def _estate_of(engine) -> dict[tuple[str, str], str]:
    """(entity, id) -> estate id, computed from the tables (not from the change log)."""
    with engine.connect() as conn:
        hh = dict(conn.execute(select(households.c.id, households.c.estate_id)).all())
        out = {("household", h): e for h, e in hh.items()}
        for r, h in conn.execute(select(residents.c.id, residents.c.household_id)):
            out[("resident", r)] = hh[h]
        for v, h in conn.execute(select(visits.c.id, visits.c.household_id)):
            out[("visit", v)] = hh[h]
        concern_hh = dict(conn.execute(select(concerns.c.id, concerns.c.household_id)).all())
        for c, h in concern_hh.items():
            out[("concern", c)] = hh[h]
        for ev, c in conn.execute(select(concern_events.c.id, concern_events.c.concern_id)):
            out[("concern_event", ev)] = hh[concern_hh[c]]
    return out


async def test_head_pull_holds_only_its_estates(login, demo, engine):
    head = await login("head01")
    mine = demo.users["head01"]["estate_ids"]
    my_districts = {demo.estate_district[e] for e in mine}
    state = await head.state()
    estate_of = _estate_of(engine)
    entities = {k[0] for k in state}
    assert {"district", "estate", "household", "resident", "visit", "checklist"} <= entities
    for entity, id_ in state:
        if entity in COMMUNITY_WIDE:
            continue
        if entity == "district":
            assert id_ in my_districts
        elif entity == "estate":
            assert id_ in mine
        else:
            assert estate_of[(entity, id_)] in mine, (entity, id_)
    # and it holds ALL of its estates' households
    expected = {h for e in mine for h in demo.households_by_estate.get(e, [])}
    assert {i for (e, i) in state if e == "household"} == expected


async def test_district_head_pull_holds_only_its_district(login, demo, engine):
    dh = await login("district1")
    district = demo.users["district1"]["district_id"]
    state = await dh.state()
    estate_of = _estate_of(engine)
    for (entity, id_), ch in state.items():
        if entity in COMMUNITY_WIDE:
            continue
        if entity == "district":
            assert id_ == district
        elif entity == "estate":
            assert ch["data"]["district_id"] == district
        else:
            assert demo.estate_district[estate_of[(entity, id_)]] == district
    expected = {
        h
        for e, hs in demo.households_by_estate.items()
        if demo.estate_district[e] == district
        for h in hs
    }
    assert {i for (e, i) in state if e == "household"} == expected


async def test_staff_pull_holds_everything(login, demo):
    staff = await login("staff")
    state = await staff.state()
    assert {i for (e, i) in state if e == "household"} == {
        h for hs in demo.households_by_estate.values() for h in hs
    }
    assert {i for (e, i) in state if e == "district"} == set(demo.district_ids)


async def test_phone_and_id_numbers_masked_for_heads_whole_for_staff(login, engine):
    with engine.connect() as conn:
        whole = {
            r.id: (r.phone, r.id_number)
            for r in conn.execute(select(residents.c.id, residents.c.phone, residents.c.id_number))
        }
    for username in ("head01", "district2"):
        api = await login(username)
        resident_rows = [ch for (e, _), ch in (await api.state()).items() if e == "resident"]
        assert resident_rows
        for ch in resident_rows:
            data = ch["data"]
            assert "phone" not in data and "id_number" not in data
            phone, id_number = whole[ch["id"]]
            if phone:
                assert data["phone_masked"] and "*" in data["phone_masked"]
                assert phone not in str(data)
            if id_number:
                assert id_number not in str(data)
    staff = await login("staff")
    resident_rows = [ch for (e, _), ch in (await staff.state()).items() if e == "resident"]
    with_phone = [ch for ch in resident_rows if whole[ch["id"]][0]]
    assert with_phone
    for ch in resident_rows:
        assert (ch["data"]["phone"], ch["data"]["id_number"]) == whole[ch["id"]]


async def test_head_writes_only_in_its_estates(login, demo):
    head = await login("head01")
    inside, outside = demo.household_of("head01"), demo.household_outside("head01")
    results = await head.push(visit(inside), visit(outside), concern(outside))
    assert ok(results) == ["applied", "rejected", "rejected"]
    assert {r["error"]["code"] for r in results[1:]} == {"out_of_scope"}


async def test_district_head_writes_only_in_its_district(login, demo):
    dh = await login("district1")
    district = demo.users["district1"]["district_id"]
    inside = demo.household_in_district(district)
    outside = demo.household_in_district(district, inside=False)
    results = await dh.push(visit(inside), visit(outside))
    assert ok(results) == ["applied", "rejected"]
    assert results[1]["error"]["code"] == "out_of_scope"


async def test_staff_writes_anywhere(login, demo):
    staff = await login("staff")
    batch = [visit(hs[0]) for hs in demo.households_by_estate.values()]
    assert ok(await staff.push(*batch)) == ["applied"] * len(batch)


async def test_a_heads_write_never_reaches_another_heads_pull(login, demo):
    head1, staff = await login("head01"), await login("staff")
    other = next(
        u
        for u, info in demo.users.items()
        if info["role"] == "head" and not (info["estate_ids"] & demo.users["head01"]["estate_ids"])
    )
    head2 = await login(other)
    _, c1 = await head1.pull_all()
    _, c2 = await head2.pull_all()
    _, cs = await staff.pull_all()
    m = visit(demo.household_of("head01"))
    await head1.push(m)
    assert m["entity_id"] in {c["id"] for c in (await head1.pull_all(c1))[0]}
    assert m["entity_id"] in {c["id"] for c in (await staff.pull_all(cs))[0]}
    assert m["entity_id"] not in {c["id"] for c in (await head2.pull_all(c2))[0]}
