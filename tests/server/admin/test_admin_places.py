"""Districts and estates administered over the API: created and renamed through the change
log (the phones whose scope holds them pull the new name); a name that is, or nearly is,
another's is refused and writes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from server.db.schema import districts, estates
from tests.server.helpers import latest

API = "/api/v1/admin"


def _counts(engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(districts)).scalar_one(),
            conn.execute(select(func.count()).select_from(estates)).scalar_one(),
        )


async def test_a_new_district_and_estate_reach_the_staff_phone(login):
    staff = await login("staff")
    _, cursor = await staff.pull_all()
    r = await staff.client.post(f"{API}/districts", headers=staff.headers, json={"name": "东片区"})
    assert r.status_code == 201, r.text
    district = r.json()
    r = await staff.client.post(
        f"{API}/estates",
        headers=staff.headers,
        json={"district_id": district["id"], "name": "新河苑", "kind": "apartment"},
    )
    assert r.status_code == 201, r.text
    estate = r.json()
    assert (estate["district_id"], estate["kind"], estate["version"]) == (
        district["id"], "apartment", 1
    )  # fmt: skip
    changes, _ = await staff.pull_all(cursor)
    got = latest(changes)
    assert got[("district", district["id"])]["data"]["name"] == "东片区"
    assert got[("estate", estate["id"])]["data"]["name"] == "新河苑"
    listed = (await staff.client.get(f"{API}/places", headers=staff.headers)).json()
    [mine] = [d for d in listed["districts"] if d["id"] == district["id"]]
    assert [e["name"] for e in mine["estates"]] == ["新河苑"]


async def test_a_renamed_estate_reaches_its_head_with_a_new_version(login, demo):
    staff, head = await login("staff"), await login("head01")
    estate_id = sorted(demo.users["head01"]["estate_ids"])[0]
    _, cursor = await head.pull_all()
    r = await staff.client.put(
        f"{API}/estates/{estate_id}", headers=staff.headers, json={"name": "改名花园"}
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    changes, _ = await head.pull_all(cursor)
    change = latest(changes)[("estate", estate_id)]
    assert change["data"]["name"] == "改名花园" and change["version"] == 2
    district_id = demo.estate_district[estate_id]
    r = await staff.client.put(
        f"{API}/districts/{district_id}", headers=staff.headers, json={"name": "改名片区"}
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    changes, _ = await head.pull_all(cursor)
    assert latest(changes)[("district", district_id)]["data"]["name"] == "改名片区"


async def test_names_that_are_or_nearly_are_another_are_refused_and_nothing_is_written(
    login, engine, demo
):
    staff = await login("staff")
    places = (await staff.client.get(f"{API}/places", headers=staff.headers)).json()["districts"]
    district, other = places[0], places[1]
    estate = district["estates"][0]
    before = _counts(engine)
    cases = [
        ("POST", "/districts", {"name": other["name"]}, 422, "already exists"),
        ("POST", "/districts", {"name": " " + other["name"].upper() + " "}, 422, "already exists"),
        ("POST", "/districts", {"name": "   "}, 422, "1-64"),
        ("POST", "/districts", {"name": "x" * 65}, 422, "name"),
        ("PUT", f"/districts/{district['id']}", {"name": other["name"]}, 422, "already exists"),
        ("POST", "/estates", {"district_id": district["id"], "name": estate["name"]}, 422, "already exists"),
        ("POST", "/estates", {"district_id": district["id"], "name": estate["name"] + "小区"}, 422, "nearly"),
        ("POST", "/estates", {"district_id": "no-such", "name": "新苑"}, 404, "no district"),
        ("PUT", f"/estates/{district['id']}", {"name": "新苑"}, 404, "no estate"),
        ("PUT", "/estates/not-a-uuid", {"name": "新苑"}, 422, "estate_id"),
        ("POST", "/estates", {"district_id": district["id"], "name": "新苑", "kind": "villa"}, 422, "kind"),
    ]  # fmt: skip
    for method, path, body, code, words in cases:
        r = await staff.client.request(method, API + path, headers=staff.headers, json=body)
        assert r.status_code == code, (body, r.text)
        assert words in r.json()["detail"], r.text
    assert _counts(engine) == before
    # renaming an estate to its own name (spelled the same) is not a clash with itself
    r = await staff.client.put(
        f"{API}/estates/{estate['id']}", headers=staff.headers, json={"name": estate["name"]}
    )
    assert r.status_code == 200
