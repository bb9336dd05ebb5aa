"""Closing a conflict against the real server: two phones edit one field, staff keeps the
phone's value, and both phones (and the server's database) end with it resolved."""

from __future__ import annotations

from tests.services.conftest import server_rows
from tests.services.phones import open_phone


async def test_staff_keeps_the_client_value_and_both_phones_see_it_resolved(server, tmp_path):
    head_store, head = await open_phone(server.url, "head01", tmp_path / "head.db")
    staff_store, staff = await open_phone(
        server.url, "staff", tmp_path / "staff.db", pull_limit=5000
    )
    try:
        await head.sync_now()
        await staff.sync_now()
        hid = head_store.households(limit=1)[0]["id"]
        head_store.update_household(hid, people_count=7)
        staff_store.update_household(hid, people_count=9)
        assert (await head.sync_now()).pending == 0
        assert (await staff.sync_now()).pending == 0
        assert staff_store.household(hid)["people_count"] == 7  # the first writer won
        [conflict] = staff_store.conflicts(entity_id=hid)
        assert (conflict["server_value"], conflict["client_value"]) == (7, 9)

        staff_store.resolve_conflict(conflict["id"], "client")
        status = await staff.sync_now()
        assert status.pending == 0 and status.rejected == 0
        await head.sync_now()

        assert server_rows(server, "SELECT people_count FROM households WHERE id = ?", [hid]) == [
            (9,)
        ]
        assert server_rows(
            server, "SELECT status, resolution FROM conflicts WHERE id = ?", [conflict["id"]]
        ) == [("resolved", "client")]
        for store in (staff_store, head_store):
            assert store.household(hid)["people_count"] == 9
            assert store.conflicts(entity_id=hid) == []
            [done] = store.conflicts(entity_id=hid, status="resolved")
            assert done["id"] == conflict["id"] and done["resolution"] == "client"
            assert done["pending"] is False
    finally:
        await head.stop()
        await staff.stop()
