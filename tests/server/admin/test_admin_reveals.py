"""The phone-number reveal audit for staff: who revealed whose number and when, newest first,
paged; the resident masked to the surname."""

from __future__ import annotations

from sqlalchemy import select

from server.db.schema import residents
from tests.server.helpers import mutation, ok

URL = "/api/v1/admin/reveals"


def _reveal(resident_id: str, at: str) -> dict:
    return mutation(
        "resident.reveal", {"resident_id": resident_id, "field": "phone"}, created_at=at
    )


async def test_staff_read_the_reveals_newest_first_paged_and_masked(login, demo, engine):
    head = await login("head01")
    hh = demo.household_of("head01")
    resident = demo.resident_in(hh)
    sent = [_reveal(resident, f"2026-11-2{i}T09:00:00+08:00") for i in range(3)]
    assert ok(await head.push(*sent)) == ["applied"] * 3
    with engine.connect() as conn:
        name = conn.execute(select(residents.c.name).where(residents.c.id == resident)).scalar()
    staff = await login("staff")
    r = await staff.client.get(URL, headers=staff.headers, params={"limit": 2})
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == 3 and len(page["reveals"]) == 2
    first = page["reveals"][0]
    assert first["id"] == sent[2]["entity_id"] and first["username"] == "head01"
    assert first["revealed_at"].startswith("2026-11-22T01:00")
    assert first["resident_masked"] == name[0] + "*" * (len(name) - 1)
    assert name not in r.text and first["address"] and first["estate_name"]
    rest = (await staff.client.get(URL, headers=staff.headers, params={"offset": 2})).json()
    assert [x["id"] for x in rest["reveals"]] == [sent[0]["entity_id"]]
    other = await staff.client.get(URL, headers=staff.headers, params={"user_id": staff.user["id"]})
    assert other.json()["total"] == 0
    for bad in ({"limit": 0}, {"limit": 10_000}, {"offset": -1}, {"user_id": "x"}):
        assert (await staff.client.get(URL, headers=staff.headers, params=bad)).status_code == 422
