"""The phone against the real server process: scope pull, visits up, field merge and
conflicts between two phones, 410 reset, login expiry and revocation."""

from __future__ import annotations

import asyncio
import json

import pytest

from services.auth import LoginError, login, logout
from tests.services.conftest import server_rows
from tests.services.phones import PASSWORD, open_phone, record_offline
from tests.services.serverproc import ServerProcess


async def test_head_pulls_only_its_scope_with_masked_id_numbers(server, tmp_path):
    store, engine = await open_phone(server.url, "head01", tmp_path / "h1.db")
    try:
        status = await engine.sync_now()
        assert status.last_error is None and status.last_sync_at is not None
        estate_ids = {e["id"] for e in store.estates()}
        assert estate_ids == set(store.user["estate_ids"])
        [(n,)] = server_rows(
            server,
            f"SELECT COUNT(*) FROM households WHERE estate_id IN ({','.join('?' * len(estate_ids))})",
            list(estate_ids),
        )
        assert store.count_households() == n > 0
        h = store.households(limit=1)[0]
        member = store.members(h["id"])[0]
        assert "id_number" not in member or member["id_number"] is None
        assert store.checklist()["questions"]
        hit = store.search_residents(member["name"])[0]
        assert hit["name"] == member["name"]
    finally:
        await engine.stop()


async def test_offline_visits_reach_the_server_once_and_come_back_synced(server, tmp_path):
    store, engine = await open_phone(server.url, "head02", tmp_path / "h2.db")
    try:
        await engine.sync_now()
        visit_ids, concern_ids = record_offline(store, 30)
        assert store.outbox_counts()["pending"] == 36
        status = await engine.sync_now()
        assert status.pending == 0 and status.rejected == 0
        rows = server_rows(
            server, f"SELECT id FROM visits WHERE id IN ({','.join('?' * 30)})", visit_ids
        )
        assert sorted(r[0] for r in rows) == sorted(visit_ids)
        hid = server_rows(server, "SELECT household_id FROM visits WHERE id = ?", [visit_ids[0]])[
            0
        ][0]
        v = next(v for v in store.visits(hid) if v["id"] == visit_ids[0])
        assert v["pending"] is False and v["user_name"] == store.user["name"]  # the server's copy
        assert {c["id"] for c in store.concerns(mine=True, limit=100)} >= set(concern_ids)
    finally:
        await engine.stop()


async def test_two_phones_editing_one_household_merge_and_surface_the_conflict(server, tmp_path):
    a_store, a = await open_phone(server.url, "head01", tmp_path / "a.db")
    b_store, b = await open_phone(server.url, "staff", tmp_path / "b.db", pull_limit=5000)
    try:
        await a.sync_now()
        await b.sync_now()
        hid = a_store.households(limit=1)[0]["id"]
        base = b_store.household(hid)
        a_store.update_household(hid, people_count=7)
        b_store.update_household(hid, people_count=9, note="门口有台阶")
        assert (await a.sync_now()).pending == 0
        status = await b.sync_now()
        assert status.pending == 0 and status.rejected == 0
        merged = b_store.household(hid)
        # the field both changed keeps the first writer's value; the other field merges
        assert merged["people_count"] == 7 and merged["note"] == "门口有台阶"
        assert merged["version"] > base["version"] and merged["pending"] is False
        [conflict] = b_store.conflicts(entity_id=hid)
        assert conflict["field"] == "people_count"
        assert (conflict["server_value"], conflict["client_value"]) == (7, 9)
        await a.sync_now()
        assert a_store.household(hid)["note"] == "门口有台阶"
    finally:
        await a.stop()
        await b.stop()


async def test_410_starts_the_pull_again_and_keeps_the_outbox(server, tmp_path):
    one_store, one = await open_phone(server.url, "head01", tmp_path / "one.db")
    store, engine = await open_phone(server.url, "head02", tmp_path / "two.db")
    try:
        await one.sync_now()
        await engine.sync_now()
        scope = store.count_households()
        # a household this phone may not write to: its visit will be rejected and stay queued
        foreign = one_store.households(limit=1)[0]
        foreign_row = one_store.conn.execute(
            "SELECT data FROM households WHERE id = ?", (foreign["id"],)
        ).fetchone()[0]
        store.apply_pull_page(
            [
                {
                    "entity": "household",
                    "id": foreign["id"],
                    "op": "upsert",
                    "version": 1,
                    "data": json.loads(foreign_row),
                }
            ],
            one_store.cursor,  # a cursor of another scope: the server answers 410
        )
        store.record_visit(foreign["id"], method="phone", people_reached=1, answers={})
        mine = store.households(limit=100)
        good = store.record_visit(
            next(h for h in mine if h["id"] != foreign["id"])["id"],
            method="phone",
            people_reached=1,
            answers={},
        )
        status = await engine.sync_now()
        assert status.last_error is None and status.pending == 0 and status.rejected == 1
        assert store.rejected()[0]["code"] == "out_of_scope"
        assert store.cursor != one_store.cursor
        # pulled again from no cursor: the foreign household (not pending itself) is gone,
        # the rejected visit on it is kept
        assert store.count_households() == scope
        assert store.outbox_counts() == {"pending": 0, "rejected": 1}
        assert server_rows(server, "SELECT COUNT(*) FROM visits WHERE id = ?", [good]) == [(1,)]
    finally:
        await one.stop()
        await engine.stop()


async def test_revoked_token_asks_for_login_and_keeps_the_outbox(server, tmp_path):
    store, engine = await open_phone(server.url, "head03", tmp_path / "h3.db")
    try:
        await engine.sync_now()
        record_offline(store, 5, concern_every=0)
        assert await logout(server.url, engine._token)
        status = await engine.sync_now()
        assert status.needs_login and status.error_kind == "auth" and status.pending == 5
        token, _ = await login(server.url, "head03", PASSWORD, store.device_id)
        engine.set_token(token)
        status = await engine.wait_idle()
        assert not status.needs_login and status.pending == 0
    finally:
        await engine.stop()


async def test_expired_login_asks_for_login(tmp_path, seeded_db):
    from tests.services.conftest import copy_db

    srv = ServerProcess(
        copy_db(seeded_db, tmp_path / "s.db"), extra_args=["--token-days", str(2 / 86400)]
    )
    srv.start()
    try:
        store, engine = await open_phone(srv.url, "head04", tmp_path / "h4.db")
        try:
            assert (await engine.sync_now()).last_error is None
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 20
            status = await engine.sync_now()
            while not status.needs_login and loop.time() < deadline:
                status = await engine.sync_now()  # until the 2-second token lapses
            assert status.needs_login and status.error_kind == "auth"
            record_offline(store, 2, concern_every=0)
            status = await engine.sync_now()
            assert status.needs_login and status.pending == 2  # kept for after the login
        finally:
            await engine.stop()
    finally:
        srv.stop()


async def test_wrong_password_is_bad_credentials(server):
    with pytest.raises(LoginError) as err:
        await login(server.url, "head01", "nope", "dev")
    assert err.value.kind == "bad_credentials"
