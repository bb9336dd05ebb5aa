"""Field-by-field merge of household/resident edits, conflict rows, and their resolution."""

from __future__ import annotations

from sqlalchemy import select

from server.db.schema import conflicts, households, residents
from tests.server.helpers import mutation, ok


def _row(engine, table, id_):
    with engine.connect() as conn:
        return conn.execute(select(table).where(table.c.id == id_)).one()._mapping


def _hh_update(hh, base, **fields):
    return mutation("household.update", {"base_version": base, "fields": fields}, hh)


def _res_update(res, base, **fields):
    return mutation("resident.update", {"base_version": base, "fields": fields}, res)


async def test_disjoint_fields_both_apply(login, demo, engine):
    head, staff = await login("head01"), await login("staff")
    hh = demo.household_of("head01")
    base = _row(engine, households, hh)["version"]
    assert ok(await head.push(_hh_update(hh, base, note="门铃坏了"))) == ["applied"]
    assert ok(await staff.push(_hh_update(hh, base, people_count=5))) == ["applied"]
    row = _row(engine, households, hh)
    assert (row["note"], row["people_count"], row["version"]) == ("门铃坏了", 5, base + 2)
    with engine.connect() as conn:
        assert conn.execute(select(conflicts).where(conflicts.c.entity_id == hh)).first() is None


async def test_same_field_changed_on_both_sides_keeps_server_and_records_conflict(
    login, demo, engine
):
    head, staff = await login("head01"), await login("staff")
    hh = demo.household_of("head01")
    base = _row(engine, households, hh)["version"]
    await head.push(_hh_update(hh, base, note="A"))
    [res] = await staff.push(_hh_update(hh, base, note="B", people_count=2))
    assert res["status"] == "applied"  # the mergeable part applies; the clash is recorded
    row = _row(engine, households, hh)
    assert (row["note"], row["people_count"]) == ("A", 2)
    with engine.connect() as conn:
        [c] = conn.execute(select(conflicts).where(conflicts.c.entity_id == hh)).all()
    assert (c.field, c.server_value, c.client_value, c.status) == ("note", "A", "B", "open")
    # pullable as entity "conflict" by the household's scope, not by other heads
    for api in (head, staff):
        state = await api.state()
        data = state[("conflict", c.id)]["data"]
        assert (data["entity"], data["entity_id"], data["field"]) == ("household", hh, "note")
        assert data["user_id"] == staff.user["id"]


async def test_same_value_on_both_sides_is_no_conflict(login, demo, engine):
    head, staff = await login("head01"), await login("staff")
    hh = demo.household_of("head01")
    base = _row(engine, households, hh)["version"]
    await head.push(_hh_update(hh, base, note="same"))
    await staff.push(_hh_update(hh, base, note="same"))
    with engine.connect() as conn:
        assert conn.execute(select(conflicts).where(conflicts.c.entity_id == hh)).first() is None


async def test_edit_based_on_the_latest_version_overwrites(login, demo, engine):
    head = await login("head01")
    hh = demo.household_of("head01")
    base = _row(engine, households, hh)["version"]
    await head.push(_hh_update(hh, base, note="one"))
    await head.push(_hh_update(hh, base + 1, note="two"))
    assert _row(engine, households, hh)["note"] == "two"


async def test_base_version_from_the_future_is_invalid(login, demo, engine):
    head = await login("head01")
    hh = demo.household_of("head01")
    base = _row(engine, households, hh)["version"]
    [res] = await head.push(_hh_update(hh, base + 5, note="x"))
    assert res["error"]["code"] == "invalid_payload"
    assert res["error"]["message"].startswith("base_version")


async def test_resident_phone_conflict_is_masked_for_heads_and_resolved_by_district_head(
    login, demo, engine
):
    head, staff = await login("head01"), await login("staff")
    hh = demo.household_of("head01")
    res = demo.resident_in(hh)
    district_user = next(
        u
        for u, i in demo.users.items()
        if i["role"] == "district_head"
        and i["district_id"] == demo.estate_district[sorted(demo.users["head01"]["estate_ids"])[0]]
    )
    dh = await login(district_user)
    base = _row(engine, residents, res)["version"]
    await staff.push(_res_update(res, base, phone="13900000001"))
    [r] = await head.push(_res_update(res, base, phone="13900000002", flags=["lives_alone"]))
    assert r["status"] == "applied"
    row = _row(engine, residents, res)
    assert row["phone"] == "13900000001" and row["flags"] == ["lives_alone"]
    with engine.connect() as conn:
        [c] = conn.execute(select(conflicts).where(conflicts.c.entity_id == res)).all()
    head_view = (await head.state())[("conflict", c.id)]["data"]
    assert head_view["server_value"] == "139****0001" and head_view["client_value"] == "139****0002"
    staff_view = (await staff.state())[("conflict", c.id)]["data"]
    assert staff_view["client_value"] == "13900000002"

    # a head may not resolve; a district head of the district may
    resolve = mutation("conflict.resolve", {"keep": "client"}, c.id)
    [r] = await head.push(resolve)
    assert r["error"]["code"] == "forbidden"
    _, cursor = await head.pull_all()
    assert ok(await dh.push(dict(resolve, id=mutation("x", {})["id"]))) == ["applied"]
    row = _row(engine, residents, res)
    assert row["phone"] == "13900000002" and row["version"] == base + 3
    changed, _ = await head.pull_all(cursor)
    by_key = {(ch["entity"], ch["id"]): ch for ch in changed}
    assert by_key[("conflict", c.id)]["data"]["status"] == "resolved"
    assert by_key[("conflict", c.id)]["data"]["resolution"] == "client"
    assert by_key[("resident", res)]["data"]["phone_masked"] == "139****0002"
    # resolving twice is refused
    [r] = await staff.push(mutation("conflict.resolve", {"keep": "server"}, c.id))
    assert r["error"]["code"] == "invalid_transition"


async def test_conflict_resolution_outside_the_district_is_out_of_scope(login, demo, engine):
    head, staff = await login("head01"), await login("staff")
    hh = demo.household_of("head01")
    base = _row(engine, households, hh)["version"]
    await head.push(_hh_update(hh, base, note="A"))
    await staff.push(_hh_update(hh, base, note="B"))
    with engine.connect() as conn:
        [c] = conn.execute(select(conflicts.c.id).where(conflicts.c.entity_id == hh)).all()
    my_district = demo.estate_district[sorted(demo.users["head01"]["estate_ids"])[0]]
    other = next(
        u
        for u, i in demo.users.items()
        if i["role"] == "district_head" and i["district_id"] != my_district
    )
    dh = await login(other)
    [r] = await dh.push(mutation("conflict.resolve", {"keep": "server"}, c.id))
    assert r["error"]["code"] == "out_of_scope"
    assert ok(await staff.push(mutation("conflict.resolve", {"keep": "server"}, c.id))) == [
        "applied"
    ]
    assert _row(engine, households, hh)["note"] == "A"


async def test_null_for_a_required_field_is_invalid(login, demo):
    head = await login("head01")
    res = demo.resident_in(demo.household_of("head01"))
    [r] = await head.push(_res_update(res, 1, name=None))
    assert r["error"]["code"] == "invalid_payload" and "fields.name" in r["error"]["message"]
