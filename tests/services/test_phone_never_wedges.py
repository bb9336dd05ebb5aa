"""The phone never wedges: the store refuses what no server could receive, an outbox item an
older version wrote anyway is set aside as ``unsendable`` while the rest reach the real
server, and the background loop outlives any exception."""

from __future__ import annotations

import asyncio
import logging
import math
import sqlite3

import httpx
import pytest

from services.protocol import PayloadError
from services.sendable import MAX_SENDABLE_BYTES
from tests.services.conftest import server_rows
from tests.services.phones import open_phone, record_offline
from tests.services.test_store import table_counts

PERSONAL = "王芳 13812345678"


@pytest.mark.parametrize(
    "answers, notes, field",
    [
        ({"household_size": math.nan}, "", "answers.household_size"),
        ({"household_size": math.inf}, "", "answers.household_size"),
        ({"household_size": -math.inf}, "", "answers.household_size"),
        ({"household_size": float("1e999")}, "", "answers.household_size"),
        ({"household_size": 31}, "", "answers.household_size"),  # the question's max is 30
        ({"household_size": 10**20}, "", "answers.household_size"),
        ({"suggestions": "门口\udc00"}, "", "answers.suggestions"),
        ({"\ud800": "x"}, "", "answers"),
        ({}, "老人\udfff", "notes"),
        ({}, "x" * 70_000, "payload"),
    ],
)
def test_the_store_refuses_what_no_server_could_receive_and_writes_nothing(
    store, community, answers, notes, field
):
    before = table_counts(store)
    with pytest.raises(PayloadError) as refused:
        store.record_visit(
            community.h1["id"], method="phone", people_reached=1, answers=answers, notes=notes
        )
    assert refused.value.code == "invalid_payload"
    assert refused.value.field.startswith(field)
    assert table_counts(store) == before


def test_a_resend_is_checked_by_the_same_rules(store, community):
    store.record_visit(community.h1["id"], method="phone", people_reached=1, answers={})
    [m] = store.outbox_batch(10)
    store.mark_results([{"id": m["id"], "status": "rejected", "error": {"code": "x"}}])
    bad = dict(m["payload"], answers={"household_size": math.nan})
    with pytest.raises(ValueError):
        store.resend_rejected(m["id"], bad)
    [still] = store.rejected()
    assert still["payload"] == m["payload"] and store.outbox_counts()["pending"] == 0


def _older_version_writes(path, mutation_id: str, payload_text: str) -> None:
    """Overwrite a queued mutation's payload with raw SQL, as an older app version (which
    encoded with ``allow_nan=True`` and checked no size) could have left it."""
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute("UPDATE outbox SET payload = ? WHERE id = ?", (payload_text, mutation_id))
    finally:
        conn.close()


async def test_an_unsendable_outbox_item_is_set_aside_and_everything_after_it_is_pushed(
    server, tmp_path
):
    path = tmp_path / "old.db"
    store, engine = await open_phone(server.url, "head02", path)
    try:
        assert (await engine.sync_now()).last_error is None
        visit_ids, _ = record_offline(store, 10, concern_every=0)
        queued = store.outbox_batch(100)
        assert [m["entity_id"] for m in queued] == visit_ids
        ok_answers = '"answers":{"household_size":2}'
        bad_texts = {
            0: lambda p: p.replace(ok_answers, '"answers":{"household_size":NaN}'),
            2: lambda p: p.replace(ok_answers, '"answers":{"household_size":Infinity}'),
            3: lambda p: p.replace('"notes":""', '"notes":"\\udc00"'),
            5: lambda p: p[: len(p) // 2],  # cut short: not JSON at all
            6: lambda p: p.replace(
                '"notes":""', '"notes":"' + "长" * (MAX_SENDABLE_BYTES // 3 + 1) + '"'
            ),
            # nested deeper than Python's JSON reader goes: it raises RecursionError
            8: lambda p: p.replace(
                ok_answers, '"answers":{"x":' + "[" * 100_000 + "]" * 100_000 + "}"
            ),
        }
        for i, damage in bad_texts.items():
            raw = store.conn.execute(
                "SELECT payload FROM outbox WHERE id = ?", (queued[i]["id"],)
            ).fetchone()[0]
            assert ok_answers in raw and '"notes":""' in raw
            _older_version_writes(path, queued[i]["id"], damage(raw))

        status = await engine.sync_now()

        assert status.last_error is None and status.pending == 0
        assert status.rejected == len(bad_texts)
        rejected = store.rejected()
        assert {r["id"] for r in rejected} == {queued[i]["id"] for i in bad_texts}
        assert {r["code"] for r in rejected} == {"unsendable"}
        sent = [v for i, v in enumerate(visit_ids) if i not in bad_texts]
        on_server = server_rows(
            server,
            f"SELECT id FROM visits WHERE id IN ({','.join('?' * len(visit_ids))})",
            visit_ids,
        )
        assert sorted(r[0] for r in on_server) == sorted(sent)  # and the item after each bad one

        # an unsendable entry is handled like a server rejection: corrected and resent ...
        store.resend_rejected(queued[0]["id"], queued[0]["payload"])
        # ... or discarded, its local visit with it
        store.discard_rejected(queued[5]["id"])
        status = await engine.sync_now()
        assert status.last_error is None and status.pending == 0
        assert status.rejected == len(bad_texts) - 2
        assert server_rows(server, "SELECT id FROM visits WHERE id = ?", [visit_ids[0]])
        local = store.conn.execute("SELECT id FROM visits WHERE id = ?", (visit_ids[5],))
        assert local.fetchall() == []
    finally:
        await engine.stop()
        store.close()


class Breaking(httpx.AsyncBaseTransport):
    """The real HTTP transport, except that the first ``times`` sync requests raise an
    exception no engine expects, carrying personal words in its message."""

    def __init__(self, times: int) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.left = times

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if "/sync/" in request.url.path and self.left > 0:
            self.left -= 1
            raise RuntimeError(PERSONAL)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def _until(cond, timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not cond():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_the_background_loop_survives_any_exception_and_syncs_later(server, tmp_path, caplog):
    transport = Breaking(times=0)
    store, engine = await open_phone(
        server.url, "head03", tmp_path / "h3.db", transport=transport, period=3600
    )
    assert (await engine.sync_now()).last_error is None
    visit_ids, _ = record_offline(store, 3, concern_every=0)
    transport.left = 3
    kinds: list[str | None] = []
    engine.subscribe(lambda s: kinds.append(s.error_kind))
    try:
        with caplog.at_level(logging.ERROR, logger="services.sync"):
            await engine.start()
            await _until(lambda: transport.left == 0)
            await _until(lambda: engine.status.pending == 0 and not engine.status.syncing)
        assert "internal" in kinds, "the failure was shown"
        assert engine.status.last_error is None and engine.status.last_sync_at is not None
        assert not engine._runner.done(), "the background loop is still running"
        rows = server_rows(
            server, f"SELECT id FROM visits WHERE id IN ({','.join('?' * 3)})", visit_ids
        )
        assert sorted(r[0] for r in rows) == sorted(visit_ids)
        logged = [logging.Formatter().format(r) for r in caplog.records]
        assert len([line for line in logged if "RuntimeError" in line]) == 3
        assert all("王芳" not in line and "13812345678" not in line for line in logged)
    finally:
        await engine.stop()
        store.close()
