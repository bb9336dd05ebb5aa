"""``resident.reveal``: every whole number a phone showed is kept for the office's audit, once
per reveal, whoever and wherever the resident is now; a bad payload records nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from server.db.schema import phone_reveals
from tests.server.helpers import mutation, ok, uid


def _reveal(resident_id: str, **extra) -> dict:
    return mutation("resident.reveal", {"resident_id": resident_id, "field": "phone"}, **extra)


def _rows(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(phone_reveals))]


async def test_a_reveal_is_recorded_with_who_which_device_and_the_phones_time(login, demo, engine):
    head = await login("head01")
    hh = demo.household_of("head01")
    resident = demo.resident_in(hh)
    sent = _reveal(resident, created_at="2026-11-20T09:15:00+08:00")
    assert ok(await head.push(sent)) == ["applied"]
    [row] = _rows(engine)
    assert row["id"] == sent["entity_id"]
    assert row["resident_id"] == resident and row["household_id"] == hh
    assert row["user_id"] == head.user["id"] and row["device_id"] == f"dev-{head.user['id']}"
    assert row["field"] == "phone"
    assert row["revealed_at"] == "2026-11-20T01:15:00.000000+00:00"  # the phone's clock, UTC
    assert row["recorded_at"] >= row["revealed_at"]


async def test_a_resent_reveal_is_recorded_once(login, demo, engine):
    head = await login("head01")
    sent = _reveal(demo.resident_in(demo.household_of("head01")))
    assert ok(await head.push(sent)) == ["applied"]
    assert ok(await head.push(sent, sent)) == ["duplicate", "duplicate"]
    assert len(_rows(engine)) == 1


async def test_a_reveal_is_recorded_even_for_a_resident_removed_since(login, demo, engine):
    head = await login("head01")
    resident = demo.resident_in(demo.household_of("head01"))
    remove = mutation("resident.remove", {"reason": "moved_out"}, entity_id=resident)
    # offline, the head called first and the removal was made after: they arrive together
    reveal = _reveal(resident)
    assert ok(await head.push(remove, reveal)) == ["applied", "applied"]
    [row] = _rows(engine)
    assert row["resident_id"] == resident and row["household_id"] is None
    assert ok(await head.push(_reveal(uid()))) == ["applied"]  # never known here: still kept
    assert len(_rows(engine)) == 2


async def test_a_bad_reveal_is_refused_and_records_nothing(login, demo, engine):
    head = await login("head01")
    resident = demo.resident_in(demo.household_of("head01"))
    bad = [
        mutation("resident.reveal", {"resident_id": resident, "field": "id_number"}),
        mutation("resident.reveal", {"resident_id": "not-a-uuid"}),
        mutation("resident.reveal", {"resident_id": resident, "extra": 1}),
    ]
    results = await head.push(*bad)
    assert [r["error"]["code"] for r in results] == ["invalid_payload"] * 3
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(phone_reveals)).scalar() == 0


async def test_reveals_never_reach_any_phone(login, demo):
    head = await login("head01")
    assert ok(await head.push(_reveal(demo.resident_in(demo.household_of("head01"))))) == [
        "applied"
    ]
    staff = await login("staff")
    assert not [k for k in await staff.state() if "reveal" in k[0]]


async def test_a_cursor_taken_under_the_old_masking_policy_starts_the_pull_again(
    login, demo, monkeypatch
):
    """Heads' phones pulled before heads got whole numbers hold masked rows: their cursor is
    refused (410), and pulling again brings the numbers."""
    from server.domain import scope

    head = await login("head01")
    monkeypatch.setattr(scope, "MASK_POLICY", "m1")
    monkeypatch.setattr(scope, "WHOLE_FOR_ROLE", {})
    changes, old_cursor = await head.pull_all()
    assert not [c for c in changes if c["entity"] == "resident" and "phone" in c["data"]]
    monkeypatch.undo()
    assert (await head.pull(old_cursor)).status_code == 410
    changes, _ = await head.pull_all()
    assert [c for c in changes if c["entity"] == "resident" and c["data"].get("phone")]
