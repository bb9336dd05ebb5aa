"""Scope on read and write, for each role: what a pull contains, what it masks, what a push
may touch."""

from __future__ import annotations

from sqlalchemy import select

from server.db.schema import (
    concern_events,
    concerns,
    conflicts,
    households,
    questionnaire_responses,
    residents,
    visits,
)
from tests.server.helpers import concern, mutation, ok, visit
from tests.server.test_review import store_response

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
        res_hh = {r: h for (e, r), h in list(out.items()) if e == "resident"}
        for c, entity, entity_id in conn.execute(
            select(conflicts.c.id, conflicts.c.entity, conflicts.c.entity_id)
        ):
            out[("conflict", c)] = hh[entity_id] if entity == "household" else res_hh[entity_id]
        for r, e in conn.execute(
            select(questionnaire_responses.c.id, questionnaire_responses.c.estate_id)
        ):
            out[("questionnaire_response", r)] = e  # None: staff only
    return out


async def _conflicts_in(staff, engine, household_ids: list[str]) -> None:
    """A household conflict in each of ``household_ids`` (two staff edits on one base)."""
    for hh in household_ids:
        with engine.connect() as conn:
            base = conn.execute(
                select(households.c.version).where(households.c.id == hh)
            ).scalar_one()
        first = mutation("household.update", {"base_version": base, "fields": {"note": "A"}}, hh)
        clash = mutation("household.update", {"base_version": base, "fields": {"note": "B"}}, hh)
        assert ok(await staff.push(first, clash)) == ["applied", "applied"]
    with engine.connect() as conn:
        logged = set(conn.execute(select(conflicts.c.entity_id)).scalars())
    assert logged == set(household_ids)


async def test_head_pull_holds_only_its_estates(login, demo, engine):
    head = await login("head01")
    mine = demo.users["head01"]["estate_ids"]
    my_districts = {demo.estate_district[e] for e in mine}
    await _conflicts_in(
        await login("staff"),
        engine,
        [demo.household_of("head01"), demo.household_outside("head01")],
    )
    state = await head.state()
    estate_of = _estate_of(engine)
    entities = {k[0] for k in state}
    assert {
        "district",
        "estate",
        "household",
        "resident",
        "visit",
        "concern",
        "concern_event",
        "checklist",
        "conflict",
    } <= entities
    # the demo has answers in and out of this head's estates, and staff-only ones
    assert {e for (kind, _), e in estate_of.items() if kind == "questionnaire_response"} - mine
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
    for kind in ("conflict", "questionnaire_response"):
        assert {i for (e, i) in state if e == kind} == {
            i for (e, i), estate in estate_of.items() if e == kind and estate in mine
        }


async def test_district_head_pull_holds_only_its_district(login, demo, engine):
    dh = await login("district1")
    district = demo.users["district1"]["district_id"]
    inside = demo.household_in_district(district)
    outside = demo.household_in_district(district, inside=False)
    await _conflicts_in(await login("staff"), engine, [inside, outside])
    for hh in (inside, outside, None):
        store_response(engine, household_id=hh)
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
            estate = estate_of[(entity, id_)]
            assert estate is not None and demo.estate_district[estate] == district
    assert {"conflict", "questionnaire_response"} <= {e for e, _ in state}
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


async def test_heads_get_their_residents_phone_numbers_whole_id_numbers_masked(login, engine):
    """A head calls the residents of their estates, so their numbers come whole (shown masked
    on the phone until revealed, every reveal recorded); ID numbers stay masked for heads, and
    a district head gets neither whole."""
    with engine.connect() as conn:
        whole = {
            r.id: (r.phone, r.id_number)
            for r in conn.execute(select(residents.c.id, residents.c.phone, residents.c.id_number))
        }
    head = await login("head01")
    resident_rows = [ch for (e, _), ch in (await head.state()).items() if e == "resident"]
    assert [ch for ch in resident_rows if whole[ch["id"]][0]], "the demo has numbers to check"
    for ch in resident_rows:
        data = ch["data"]
        phone, id_number = whole[ch["id"]]
        assert data.get("phone") == phone
        assert "id_number" not in data
        if id_number:
            assert id_number not in str(data)
    district = await login("district2")
    resident_rows = [ch for (e, _), ch in (await district.state()).items() if e == "resident"]
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
