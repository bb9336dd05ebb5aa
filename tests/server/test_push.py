"""Push over HTTP: applied, idempotent, per-mutation rejections, whole-body refusals."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading

from sqlalchemy import func, select

from server.api.turns import Turns
from server.db.schema import changes, concern_events, mutations, visits
from server.domain import push as push_module
from server.domain.mutations import ChangeSink
from server.domain.push import apply_push
from server.domain.tokens import load_principal
from services.protocol import MAX_PUSH_BYTES, MAX_PUSH_MUTATIONS, Mutation
from tests.server.helpers import concern, mutation, ok, uid, visit


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


async def test_visit_is_applied_and_pulled_with_user_name(login, demo):
    head = await login("head01")
    m = visit(demo.household_of("head01"), answers={"household_size": 3}, notes="好")
    assert ok(await head.push(m)) == ["applied"]
    state = await head.state()
    data = state[("visit", m["entity_id"])]["data"]
    assert data["user_id"] == head.user["id"] and data["user_name"] == head.user["name"]
    assert data["answers"] == {"household_size": 3} and data["notes"] == "好"


async def test_re_push_is_duplicate_and_changes_nothing(login, demo, engine):
    head = await login("head01")
    batch = [visit(demo.household_of("head01")), concern(demo.household_of("head01"))]
    assert ok(await head.push(*batch)) == ["applied", "applied"]
    before = (_count(engine, visits), _count(engine, concern_events), _count(engine, changes))
    assert ok(await head.push(*batch)) == ["duplicate", "duplicate"]
    assert (
        _count(engine, visits),
        _count(engine, concern_events),
        _count(engine, changes),
    ) == before


async def test_duplicate_within_one_batch(login, demo, engine):
    head = await login("head01")
    m = visit(demo.household_of("head01"))
    before = _count(engine, visits)
    assert ok(await head.push(m, m)) == ["applied", "duplicate"]
    assert _count(engine, visits) == before + 1


async def test_rejected_mutation_does_not_block_the_next(login, demo, engine):
    head = await login("head01")
    good1, good2 = visit(demo.household_of("head01")), visit(demo.household_of("head01"))
    bad = visit(uid())  # unknown household
    results = await head.push(good1, bad, good2)
    assert ok(results) == ["applied", "rejected", "applied"]
    assert results[1]["error"]["code"] == "unknown_household"
    with engine.connect() as conn:
        assert (
            conn.execute(select(mutations.c.id).where(mutations.c.id == bad["id"])).first() is None
        )
    # a rejected mutation leaves no trace: once fixed, the same id applies
    fixed = dict(bad, payload=dict(bad["payload"], household_id=demo.household_of("head01")))
    assert ok(await head.push(fixed)) == ["applied"]


async def test_rejection_codes(login, demo):
    head = await login("head01")
    hh = demo.household_of("head01")
    existing = visit(hh)
    await head.push(existing)
    cases = {
        "unknown_type": mutation("visit.teleport", {}),
        "forbidden": mutation("questionnaire.response", {"questionnaire_id": uid(), "answers": {}}),
        "unknown_checklist": visit(hh, checklist_version=99),
        "entity_exists": visit(hh, entity_id=existing["entity_id"]),
        "out_of_scope": visit(demo.household_outside("head01")),
        "unknown_concern": mutation("concern.comment", {"concern_id": uid(), "text": "x"}),
        "unknown_resident": mutation(
            "resident.update", {"base_version": 1, "fields": {"note": "x"}}
        ),
    }
    results = await head.push(*cases.values())
    assert [r["error"]["code"] for r in results] == list(cases)
    assert all(r["status"] == "rejected" and r["error"]["message"] for r in results)


async def test_invalid_payload_names_the_field(login, demo):
    head = await login("head01")
    hh = demo.household_of("head01")
    results = await head.push(
        visit(hh, people_reached=-1),
        visit(hh, method="carrier_pigeon"),
        mutation("resident.update", {"base_version": 1, "fields": {"birth_year": "old"}}),
        mutation("concern.create", {"household_id": hh, "kind": "request", "category": "x"}),
    )
    assert ok(results) == ["rejected"] * 4
    messages = [r["error"]["message"] for r in results]
    assert [r["error"]["code"] for r in results] == ["invalid_payload"] * 4
    assert messages[0].startswith("people_reached")
    assert messages[1].startswith("method")
    assert messages[2].startswith("fields.birth_year")
    assert messages[3].startswith("description")


async def test_malformed_bodies_get_422_and_apply_nothing(login, demo, engine):
    head = await login("head01")
    good = visit(demo.household_of("head01"))
    before = _count(engine, visits)
    bodies = [
        b"{not json",
        json.dumps([good]).encode(),
        json.dumps({"mutations": [good]}).encode(),  # no device_id
        json.dumps({"device_id": "d", "mutations": [good, {"id": "nope"}]}).encode(),
        json.dumps({"device_id": "d", "mutations": [dict(good, created_at="yesterday")]}).encode(),
        json.dumps({"device_id": "d", "mutations": [good], "extra": 1}).encode(),
    ]
    for raw in bodies:
        r = await head.client.post(
            "/api/v1/sync/push",
            content=raw,
            headers={**head.headers, "Content-Type": "application/json"},
        )
        assert r.status_code == 422, (raw, r.text)
    assert _count(engine, visits) == before
    assert ok(await head.push(good)) == ["applied"]  # the id was never remembered


async def test_too_many_mutations_is_413_and_applies_nothing(login, demo, engine):
    head = await login("head01")
    hh = demo.household_of("head01")
    before = _count(engine, visits)
    batch = [visit(hh) for _ in range(MAX_PUSH_MUTATIONS + 1)]
    r = await head.push_raw({"device_id": "d", "mutations": batch})
    assert r.status_code == 413
    assert _count(engine, visits) == before
    r = await head.push_raw({"device_id": "d", "mutations": batch[:MAX_PUSH_MUTATIONS]})
    assert r.status_code == 200 and _count(engine, visits) == before + MAX_PUSH_MUTATIONS


async def test_a_full_push_resent_is_all_duplicates(login, demo, engine):
    """A push of the most mutations allowed is looked up in several rounds: every round's
    ids are found when it comes again."""
    head = await login("head01")
    hh = demo.household_of("head01")
    batch = [visit(hh) for _ in range(MAX_PUSH_MUTATIONS)]
    assert set(ok(await head.push(*batch))) == {"applied"}
    before = _count(engine, visits)
    assert ok(await head.push(*batch)) == ["duplicate"] * MAX_PUSH_MUTATIONS
    assert _count(engine, visits) == before


async def test_too_large_body_is_413_and_applies_nothing(login, demo, engine):
    head = await login("head01")
    before = _count(engine, visits)
    big = visit(demo.household_of("head01"), notes="x" * 4000)
    body = {"device_id": "d", "mutations": [big], "pad": "y" * (MAX_PUSH_BYTES + 1)}
    r = await head.push_raw(body)
    assert r.status_code == 413
    assert _count(engine, visits) == before


async def test_create_for_an_existing_entity_is_refused_and_leaves_no_trace(login, demo, engine):
    head = await login("head01")
    hh = demo.household_of("head01")
    first = concern(hh)
    await head.push(first)
    events_before = _count(engine, concern_events)
    # same concern id again under a new mutation id -> entity_exists, nothing half-written
    again = concern(hh, entity_id=first["entity_id"])
    assert (await head.push(again))[0]["error"]["code"] == "entity_exists"
    assert _count(engine, concern_events) == events_before


async def test_resident_create_and_remove_make_upsert_then_tombstone(login, demo):
    head = await login("head01")
    hh = demo.household_of("head01")
    _, cursor = await head.pull_all()
    create = mutation(
        "resident.create",
        {"household_id": hh, "name": "王小明", "birth_year": 1950, "phone": "13800001111"},
    )
    assert ok(await head.push(create)) == ["applied"]
    changes_, cursor = await head.pull_all(cursor)
    [ch] = [c for c in changes_ if c["id"] == create["entity_id"]]
    assert ch["op"] == "upsert" and ch["data"]["phone_masked"] == "138****1111"
    assert ch["data"]["phone"] == "13800001111"  # a head gets its residents' numbers whole
    remove = mutation("resident.remove", {"reason": "moved_out"}, entity_id=create["entity_id"])
    assert ok(await head.push(remove)) == ["applied"]
    changes_, _ = await head.pull_all(cursor)
    [ch] = [c for c in changes_ if c["id"] == create["entity_id"]]
    assert ch["op"] == "delete" and ch["data"] is None and ch["version"] == 2
    again = mutation(
        "resident.update", {"base_version": 1, "fields": {"note": "x"}}, create["entity_id"]
    )
    assert (await head.push(again))[0]["error"]["code"] == "unknown_resident"


async def test_nul_characters_are_refused_with_the_field_named(login, demo, engine):
    head = await login("head01")
    before = _count(engine, visits)
    [r] = await head.push(visit(demo.household_of("head01"), notes="a\x00b"))
    assert r["error"]["code"] == "invalid_payload" and r["error"]["message"].startswith("notes")
    r = await head.push_raw({"device_id": "d\x00", "mutations": []})
    assert r.status_code == 422
    assert _count(engine, visits) == before


async def test_unexpected_database_error_on_the_fast_path_redoes_the_push_safely(
    login, demo, engine, monkeypatch
):
    """visit.record runs without a savepoint; if the database still refuses its write (a
    constraint no check foresaw, simulated by a handler writing a clashing row), the push is
    redone with savepoints: the clashing mutation is rejected, the others apply once."""
    from server.domain import mutations as handlers_pkg
    from server.domain.mutations.visits import record_visit

    head = await login("head01")
    hh = demo.household_of("head01")
    first = visit(hh)
    await head.push(first)

    def clashing(ctx, m, p):
        if p.notes == "clash":  # write a row whose id already exists, skipping the check
            ctx.conn.execute(
                visits.insert(),
                {
                    **{c.name: None for c in visits.c},
                    "id": first["entity_id"],
                    "household_id": hh,
                    "user_id": ctx.principal.id,
                    "visited_at": "x",
                    "method": "phone",
                    "people_reached": 0,
                    "checklist_version": 1,
                    "answers": {},
                    "notes": "",
                    "reached_resident_ids": [],
                    "created_at": "x",
                },
            )
        else:
            record_visit(ctx, m, p)

    monkeypatch.setitem(handlers_pkg.HANDLERS, "visit.record", clashing)
    before = _count(engine, visits)
    results = await head.push(visit(hh), visit(hh, notes="clash"), visit(hh))
    assert ok(results) == ["applied", "rejected", "applied"]
    assert results[1]["error"]["code"] == "entity_exists"
    assert _count(engine, visits) == before + 2
    assert _count(engine, mutations) == 1 + 2  # the first push, and this one's two


async def test_a_refused_deferred_visit_write_redoes_the_push_safely(
    login, demo, engine, monkeypatch
):
    """On the fast path new visits are written together at the push's end; if the database
    refuses that write (a clashing id no check saw, simulated by staging one past the
    check), nothing of the push stays: it is redone with savepoints, the clashing mutation is
    rejected and the others apply exactly once, their change-log rows included."""
    from server.domain import mutations as handlers_pkg
    from server.domain.mutations.visits import record_visit

    head = await login("head01")
    hh = demo.household_of("head01")
    first = visit(hh)
    await head.push(first)

    def clashing(ctx, m, p):
        if p.notes == "clash":
            ctx._visit_households.pop(first["entity_id"], None)  # the check does not see it
            m = m.model_copy(update={"entity_id": first["entity_id"]})
        record_visit(ctx, m, p)

    monkeypatch.setitem(handlers_pkg.HANDLERS, "visit.record", clashing)
    before = (_count(engine, visits), _count(engine, mutations), _count(engine, changes))
    batch = [visit(hh), visit(hh, notes="clash"), visit(hh)]
    results = await head.push(*batch)
    assert ok(results) == ["applied", "rejected", "applied"]
    assert results[1]["error"]["code"] == "entity_exists"
    after = (_count(engine, visits), _count(engine, mutations), _count(engine, changes))
    assert after == (before[0] + 2, before[1] + 2, before[2] + 2)
    # and a re-push is all duplicates (for the applied) or rejected again, changing nothing
    again = await head.push(*batch)
    assert ok(again) == ["duplicate", "rejected", "duplicate"]
    assert (_count(engine, visits), _count(engine, mutations), _count(engine, changes)) == after


def test_a_batch_pushed_twice_at_once_is_applied_once(engine, demo, monkeypatch):
    """A phone resends its batch of visits while the first copy is still being applied. Both
    copies read which ids exist before either takes the sequence lock (PostgreSQL, where a
    batch of new visits takes it by numbering its change rows, its first write; SQLite queues
    whole pushes): the second one's writes hit the first one's rows, and it is redone with the
    lock first, so every mutation is applied once and the copy is all duplicates."""
    hh = demo.household_of("head01")
    batch = [Mutation.model_validate(visit(hh)) for _ in range(3)]
    with engine.connect() as conn:
        principal = load_principal(conn, demo.users["head01"]["id"])
    both_read = threading.Barrier(2, timeout=30)
    waited: set[int] = set()

    def once_both_have_read(conn) -> None:
        if conn.dialect.name == "postgresql" and threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            both_read.wait()

    lock_sequence, flush = push_module.lock_sequence, ChangeSink.flush

    def lock_once_both_have_read(conn, community):
        once_both_have_read(conn)
        lock_sequence(conn, community)

    def flush_once_both_have_read(sink, conn, *args):
        once_both_have_read(conn)
        return flush(sink, conn, *args)

    monkeypatch.setattr(push_module, "lock_sequence", lock_once_both_have_read)
    monkeypatch.setattr(ChangeSink, "flush", flush_once_both_have_read)
    before = (_count(engine, visits), _count(engine, mutations), _count(engine, changes))
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def push_copy() -> None:
        try:
            results.append(ok(apply_push(engine, principal, "dev-head01", batch)))
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)

    copies = [threading.Thread(target=push_copy) for _ in range(2)]
    for t in copies:
        t.start()
    for t in copies:
        t.join(60)
    assert not errors, errors
    assert sorted(results) == [["applied"] * 3, ["duplicate"] * 3]
    after = (_count(engine, visits), _count(engine, mutations), _count(engine, changes))
    assert after == (before[0] + 3, before[1] + 3, before[2] + 3)


async def test_a_push_waits_while_every_turn_is_taken(app, login, demo):
    head = await login("head01")
    turns = app.state.push_turns
    async with contextlib.AsyncExitStack() as held:
        for _ in range(turns.turns):
            await held.enter_async_context(turns.turn())
        pushing = asyncio.create_task(head.push(visit(demo.household_of("head01"))))
        done, _ = await asyncio.wait({pushing}, timeout=0.5)
        assert not done, "a push went ahead while every turn was taken"
    assert ok(await asyncio.wait_for(pushing, 30)) == ["applied"]


async def test_turns_are_given_in_arrival_order():
    turns = Turns(1)
    order: list[int] = []
    entered = asyncio.Event()

    async def take(n: int) -> None:
        async with turns.turn():
            order.append(n)
            entered.set()
            await asyncio.sleep(0)  # let the others queue while this one holds the turn

    first = asyncio.create_task(take(0))
    await entered.wait()
    rest = [asyncio.create_task(take(n)) for n in range(1, 6)]
    await asyncio.gather(first, *rest)
    assert order == [0, 1, 2, 3, 4, 5]
