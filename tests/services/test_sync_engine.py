"""The sync engine's rules, against an in-process fake of the API (exact control of answers):
push before pull, order and batches, per-mutation results, retry of the same batch with
backoff, 401, 410, one sync at a time with one follow-up, cancel, connectivity probe."""

from __future__ import annotations

import asyncio
import json
import logging
import random

import httpx
import pytest

from services.auth import LoginError, login
from services.protocol import MAX_PUSH_BYTES
from services.sync import SyncEngine, SyncStatus
from tests.services.fakeserver import FakeServer


def record(store, community, n):
    hs = community.households
    return [
        store.record_visit(hs[i % len(hs)]["id"], method="phone", people_reached=1, answers={})
        for i in range(n)
    ]


@pytest.fixture
def fake(community):
    return FakeServer(community.changes(), page_size=3)


@pytest.fixture
async def engine(store, fake):
    store.set_cursor(None)  # the fixture's cursor is not one the fake server made
    e = SyncEngine(
        store,
        "http://phone.test",
        fake.token,
        transport=fake.transport(),
        batch_size=4,
        backoff_base=0.01,
    )
    yield e
    await e.stop()


async def test_pushes_before_pulling_in_order_and_in_batches(store, community, fake, engine):
    store.set_cursor(None)
    ids = record(store, community, 10)
    queued = [m["id"] for m in store.outbox_batch(100)]
    status = await engine.sync_now()
    assert status.last_error is None and status.pending == 0
    assert fake.log[:3] == ["push", "push", "push"] and set(fake.log[3:]) == {"pull"}
    assert [len(b) for b in fake.push_batches] == [4, 4, 2]
    assert sum(fake.push_batches, []) == queued
    assert {m["entity_id"] for m in fake.applied.values()} == set(ids)
    assert all(not v["pending"] for h in community.households for v in store.visits(h["id"]))


async def test_rejected_mutation_is_kept_and_does_not_block_the_rest(
    store, community, fake, engine
):
    ids = record(store, community, 6)
    fake.reject_entities = {ids[1]}
    status = await engine.sync_now()
    assert status.pending == 0 and status.rejected == 1
    assert len(fake.applied) == 5
    [rej] = store.rejected()
    assert rej["entity_id"] == ids[1] and rej["code"] == "out_of_scope"
    again = await engine.sync_now()  # a rejected mutation is not sent again by itself
    assert sum(fake.push_batches, []).count(rej["id"]) == 1 and again.rejected == 1


async def test_a_mutation_whose_envelope_the_server_refuses_is_set_aside(
    store, community, fake, engine
):
    ids = record(store, community, 9)
    fake.refuse_envelope = {ids[5]}
    status = await engine.sync_now()
    assert status.pending == 0 and status.rejected == 1 and status.last_error is None
    assert {m["entity_id"] for m in fake.applied.values()} == set(ids) - {ids[5]}
    [rej] = store.rejected()
    assert rej["entity_id"] == ids[5] and rej["code"] == "http_422"


async def test_server_error_retries_the_same_batch_later(store, community, fake, engine):
    record(store, community, 3)
    fake.fail["push"] = [503]
    first = await engine.sync_now()
    assert first.error_kind == "server" and first.pending == 3 and fake.applied == {}
    assert first.online  # the server answered: we are online, it had a problem
    second = await engine.sync_now()
    assert second.last_error is None and second.pending == 0 and len(fake.applied) == 3


async def test_network_error_marks_offline_and_keeps_outbox(store, community, fake, engine):
    record(store, community, 2)
    fake.fail["push"] = [0]
    status = await engine.sync_now()
    assert status.online is False and status.error_kind == "network" and status.pending == 2


def test_backoff_grows_exponentially_with_jitter(store):
    e = SyncEngine(store, "http://x", "t", backoff_base=1.0, backoff_max=30.0, rng=random.Random(3))
    seen = []
    for failures in range(1, 8):
        e._failures = failures
        cap = min(30.0, 2 ** (failures - 1))
        delays = {e.backoff_delay() for _ in range(20)}
        assert all(cap / 2 <= d <= cap for d in delays) and len(delays) > 1
        seen.append((min(delays), max(delays)))
    # each step's shortest wait is at least the step-before-last's longest: it grows
    assert all(seen[i][0] >= seen[i - 2][1] for i in range(2, 5))
    assert seen[-1][1] <= 30.0


async def test_401_stops_and_asks_for_login_keeping_the_outbox(store, community, fake, engine):
    record(store, community, 3)
    fake.token = "rotated"
    status = await engine.sync_now()
    assert status.needs_login and status.error_kind == "auth" and status.pending == 3
    assert "pull" not in fake.log
    engine.set_token("rotated")
    await engine.wait_idle()
    assert engine.status.needs_login is False and engine.status.pending == 0


async def test_410_restarts_the_pull_from_no_cursor(store, community, fake, engine):
    await engine.sync_now()
    old_cursor = store.cursor
    record(store, community, 2)
    fake.epoch = 2  # the server no longer understands our cursor
    fake.fail["push"] = [0]
    status = await engine.sync_now()
    assert status.pending == 2 and store.cursor == old_cursor  # push failed: no pull yet
    n = len(fake.pull_cursors)
    status = await engine.sync_now()
    assert status.last_error is None and status.pending == 0 and len(fake.applied) == 2
    assert fake.pull_cursors[n : n + 2] == [old_cursor, None]
    assert store.cursor == f"2:{len(fake.changes)}"
    assert len(store.estates()) == 2 and len(store.households(limit=100)) == 4


async def test_410_reset_keeps_rows_with_pending_changes(store, community, fake, engine):
    await engine.sync_now()
    fake.epoch = 2
    rid = community.zhangwei["id"]
    store.update_resident(rid, name="张卫")
    fake.reject_entities = {rid}  # stays in the outbox as rejected: the row stays pending
    status = await engine.sync_now()
    assert status.rejected == 1 and store.cursor.startswith("2:")
    assert store.resident(rid)["name"] == "张卫"


async def test_triggers_during_a_sync_schedule_exactly_one_follow_up(
    store, community, fake, engine
):
    fake.gate = asyncio.Event()
    engine.request_sync()
    await asyncio.wait_for(fake.entered_pull.wait(), 5)
    for _ in range(5):
        engine.request_sync()  # never blocks
    pulls_before = len(fake.pull_cursors)
    fake.gate.set()
    await asyncio.wait_for(engine.wait_idle(), 5)
    first_sync_pages = -(-len(fake.changes) // fake.page_size)
    # the first sync's pages, then one follow-up sync (one page: nothing new after the cursor)
    assert pulls_before == 1 and len(fake.pull_cursors) == first_sync_pages + 1


async def test_sync_now_calls_are_serialised(store, community, fake, engine):
    record(store, community, 5)
    results = await asyncio.gather(engine.sync_now(), engine.sync_now(), engine.sync_now())
    assert all(r.pending == 0 for r in results)
    assert sum(len(b) for b in fake.push_batches) == 5  # nothing pushed twice


async def test_cancel_stops_a_running_sync(store, community, fake, engine):
    record(store, community, 2)
    fake.gate = asyncio.Event()
    task = asyncio.create_task(engine.sync_now())
    await asyncio.wait_for(fake.entered_pull.wait(), 5)
    engine.cancel()
    status = await asyncio.wait_for(task, 5)
    assert status.error_kind == "cancelled" and status.syncing is False
    assert status.pending == 0  # what was acknowledged before the cancel stays acknowledged


async def test_status_is_observable(store, community, fake, engine):
    seen: list[SyncStatus] = []
    unsubscribe = engine.subscribe(seen.append)
    record(store, community, 5)
    await engine.sync_now()
    assert seen[0].syncing and not seen[-1].syncing
    assert any(s.phase == "push" and s.progress_total == 5 for s in seen)
    assert any(s.phase == "pull" and s.progress_done >= 1 for s in seen)
    assert seen[-1].last_sync_at is not None and seen[-1].pending == 0
    unsubscribe()
    n = len(seen)
    await engine.sync_now()
    assert len(seen) == n


async def test_connectivity_probe_brings_the_engine_back_online(store, community, fake):
    fake.health_ok = False
    fake.fail["push"] = [0]
    record(store, community, 1)
    engine = SyncEngine(
        store, "http://phone.test", fake.token, transport=fake.transport(), probe_interval=0.02
    )
    back = asyncio.Event()
    engine.subscribe(
        lambda s: back.set() if s.online and s.pending == 0 and not s.syncing else None
    )
    try:
        await engine.start()
        await asyncio.wait_for(
            _until(lambda: fake.log.count("push") == 0 and not engine.status.online), 5
        )
        fake.health_ok = True
        await asyncio.wait_for(back.wait(), 5)
        assert len(fake.applied) == 1
    finally:
        await engine.stop()


async def _until(cond):
    while not cond():
        await asyncio.sleep(0.005)


async def test_login_errors_say_what_went_wrong():
    def answer(code):
        return httpx.MockTransport(lambda r: httpx.Response(code, json={"detail": "x"}))

    for code, kind in [
        (401, "bad_credentials"),
        (429, "rate_limited"),
        (503, "busy"),
        (500, "server"),
    ]:
        with pytest.raises(LoginError) as err:
            await login("http://x", "head01", "pw", "dev", transport=answer(code))
        assert err.value.kind == kind

    def down(request):
        raise httpx.ConnectError("down", request=request)

    with pytest.raises(LoginError) as err:
        await login("http://x", "head01", "pw", "dev", transport=httpx.MockTransport(down))
    assert err.value.kind == "network"


async def test_background_loop_syncs_periodically_and_stops_cleanly(store, community, fake):
    store.set_cursor(None)
    engine = SyncEngine(
        store, "http://phone.test", fake.token, transport=fake.transport(), period=0.02
    )
    try:
        await engine.start()
        await asyncio.wait_for(_until(lambda: len(fake.pull_cursors) >= 8), 5)
        record(store, community, 1)  # a later periodic sync uploads it without a trigger
        await asyncio.wait_for(_until(lambda: len(fake.applied) == 1), 5)
    finally:
        await engine.stop()
    # nothing can run after stop(): no task of the engine is left alive to fire a timer
    alive = [
        t
        for t in asyncio.all_tasks()
        if not t.done() and "SyncEngine" in getattr(t.get_coro(), "__qualname__", "")
    ]
    assert alive == []
    n = len(fake.pull_cursors)
    for _ in range(20):  # a few turns of the loop: still nothing
        await asyncio.sleep(0)
    assert len(fake.pull_cursors) == n


async def test_request_sync_from_a_worker_thread_reaches_the_loop(store, community, fake, engine):
    await engine.sync_now()  # the engine now knows its loop
    record(store, community, 2)
    synced = asyncio.Event()
    engine.subscribe(lambda s: synced.set() if s.pending == 0 and not s.syncing else None)
    await asyncio.to_thread(engine.request_sync)  # like a Flet handler in its thread pool
    await asyncio.wait_for(synced.wait(), 5)
    assert len(fake.applied) == 2


async def test_a_failing_status_listener_is_logged_without_its_message(engine, caplog):
    # a UI listener's error text may hold what it was showing (a name, a phone number)
    def listener(_status):
        raise ValueError("王芳 13812345678")

    engine.subscribe(listener)
    with caplog.at_level(logging.DEBUG, logger="services.sync"):
        await engine.sync_now()
    failures = [r for r in caplog.records if r.name == "services.sync"]
    assert failures, "the broken listener was not logged at all"
    for record in failures:
        text = logging.Formatter().format(record)
        assert "ValueError" in text
        assert "王芳" not in text and "13812345678" not in text


async def test_stop_always_returns_even_in_the_middle_of_a_sync(store, community, fake):
    # stop() cancels the loop and the sync in flight at once; whichever ends first, stop()
    # must return and leave nothing running (it once hung when the sync ended first)
    for _ in range(200):
        engine = SyncEngine(
            store, "http://phone.test", fake.token, transport=fake.transport(), period=0.001
        )
        await engine.start()
        await asyncio.sleep(0.003)  # let it be somewhere inside a sync
        stopping = asyncio.ensure_future(engine.stop())
        done, _ = await asyncio.wait({stopping}, timeout=5)  # a deadline, not a timing
        if not done:  # free the loop for the next tests, then fail
            for task in (engine._runner, engine._inner):
                if task is not None:
                    task.cancel()
        assert done, "stop() did not return"
        alive = [
            t
            for t in asyncio.all_tasks()
            if not t.done() and "SyncEngine" in getattr(t.get_coro(), "__qualname__", "")
        ]
        assert alive == []


async def test_push_batches_are_cut_to_fit_the_push_byte_limit(store, community, fake):
    # payloads as large as an older version let through: three of them overflow one push
    ids = record(store, community, 5)
    big = "长" * (MAX_PUSH_BYTES // 3 // 3 + 1000)  # a third of a push, and a bit, each
    for m in store.outbox_batch(3):
        payload = dict(m["payload"], notes=big)
        store.conn.execute(
            "UPDATE outbox SET payload = ? WHERE id = ?",
            (json.dumps(payload, ensure_ascii=False), m["id"]),
        )
    sizes: list[int] = []

    def measured(request: httpx.Request):
        if request.url.path.endswith("/sync/push"):
            sizes.append(len(request.content))
        return fake.handle(request)

    store.set_cursor(None)
    engine = SyncEngine(
        store, "http://phone.test", fake.token, transport=httpx.MockTransport(measured)
    )
    try:
        status = await engine.sync_now()
    finally:
        await engine.stop()
    assert status.last_error is None and status.pending == 0 and status.rejected == 0
    assert {m["entity_id"] for m in fake.applied.values()} == set(ids)
    assert len(sizes) == 2 and all(size <= MAX_PUSH_BYTES for size in sizes)
    assert [len(b) for b in fake.push_batches] == [2, 3]
