"""``GET /assignees``: who the office may give a concern to, as concern.assign accepts them:
active staff, and district heads for their own district; neighbour heads may not ask."""

from __future__ import annotations

from sqlalchemy import update

from server.db.schema import users

URL = "/api/v1/assignees"


async def _assignees(api) -> list[dict]:
    r = await api.client.get(URL, headers=api.headers)
    assert r.status_code == 200, r.text
    return r.json()["assignees"]


def _office(demo) -> dict[str, dict]:
    return {
        info["id"]: info | {"username": u}
        for u, info in demo.users.items()
        if info["role"] in ("staff", "district_head")
    }


async def test_staff_may_give_concerns_to_every_staff_member_and_district_head(login, demo):
    got = await _assignees(await login("staff"))
    assert {a["id"] for a in got} == set(_office(demo))
    for a in got:
        want = _office(demo)[a["id"]]
        assert a["role"] == want["role"]
        assert a["district_id"] == (want["district_id"] if a["role"] == "district_head" else None)
    assert [a["name"] for a in got] == sorted(a["name"] for a in got), "by name"


async def test_a_district_head_sees_staff_and_their_own_district_only(login, demo):
    mine = demo.users["district1"]["district_id"]
    got = await _assignees(await login("district1"))
    want = {
        i
        for i, info in _office(demo).items()
        if info["role"] == "staff" or info["district_id"] == mine
    }
    assert {a["id"] for a in got} == want
    assert demo.users["district1"]["id"] in want


async def test_a_disabled_user_is_not_offered(login, demo, engine):
    staff = await login("staff")
    gone = demo.users["district1"]["id"]
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == gone).values(active=False))
    assert gone not in {a["id"] for a in await _assignees(staff)}


async def test_neighbour_heads_are_refused(login):
    head = await login("head01")
    r = await head.client.get(URL, headers=head.headers)
    assert r.status_code == 403 and r.json()["detail"]


async def test_without_a_token_it_is_401(http):
    assert (await http.get(URL)).status_code == 401


async def test_the_route_is_documented(http):
    spec = (await http.get("/openapi.json")).json()
    op = spec["paths"][URL]["get"]
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/AssigneeList"
    )
    assert {"401", "403"} <= set(op["responses"])
