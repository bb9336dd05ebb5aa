"""Gap safety of the change sequences: a writer that took a lower sequence number and commits
late is never skipped by a reader's cursor (PostgreSQL); communities' writers do not wait for
each other (PostgreSQL); and with pushes in many communities at once, every incremental puller
ends with exactly a fresh full pull (PostgreSQL and SQLite)."""

from __future__ import annotations

import json
import threading
import time
import uuid

import pytest
from sqlalchemy import select, text

from server.db.changelog import record_change
from server.db.engine import write_tx
from server.db.schema import changes, users
from server.db.sequence import lock_sequence
from server.domain.pull import pull_page
from server.domain.push import apply_push
from server.domain.tokens import load_principal
from services.protocol import Mutation
from tests.server.conftest import CITY_COMMUNITIES
from tests.server.helpers import Demo, visit


def _wait_until(predicate, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.mark.parametrize("db_kind", ["postgres"])
async def test_reader_never_skips_a_row_that_commits_late(db_kind, engine, login, demo):
    staff = await login("staff")
    _, cursor = await staff.pull_all()

    slow_id = str(uuid.uuid4())
    holding, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def slow_writer():  # takes its sequence number first, commits last
        try:
            with write_tx(engine) as conn:
                record_change(
                    conn, "district", slow_id, version=1, data={"id": slow_id, "name": "slow"}
                )
                holding.set()
                assert release.wait(60)
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)
            holding.set()

    fast_visit = visit(demo.household_of("head01"))
    with engine.connect() as conn:
        principal = load_principal(conn, staff.user["id"])
    fast_done = threading.Event()

    def fast_writer():  # a real push, starting after the slow one took its number
        try:
            apply_push(engine, principal, "dev-fast", [Mutation.model_validate(fast_visit)])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            fast_done.set()

    slow = threading.Thread(target=slow_writer)
    slow.start()
    assert holding.wait(30) and not errors
    fast = threading.Thread(target=fast_writer)
    fast.start()

    def fast_is_waiting_on_a_lock() -> bool:
        with engine.connect() as conn:
            return bool(
                conn.execute(
                    text(
                        "select count(*) from pg_stat_activity where datname = current_database() "
                        "and wait_event_type = 'Lock'"
                    )
                ).scalar()
            )

    _wait_until(fast_is_waiting_on_a_lock, what="the second writer to queue behind the first")
    assert not fast_done.is_set()

    # a reader now sees neither write and its cursor does not move past them
    page = (await staff.pull(cursor)).json()
    assert page["changes"] == [] and page["cursor"] == cursor

    release.set()
    slow.join(30)
    fast.join(30)
    assert not errors, errors
    changes_, _ = await staff.pull_all(cursor)
    ids = [c["id"] for c in changes_]
    assert slow_id in ids and fast_visit["entity_id"] in ids
    with engine.connect() as conn:
        seqs = dict(conn.execute(select(changes.c.entity_id, changes.c.seq)).all())
    assert seqs[slow_id] < seqs[fast_visit["entity_id"]]


def _principal(engine, username: str):
    with engine.connect() as conn:
        user_id = conn.execute(select(users.c.id).where(users.c.username == username)).scalar_one()
        return load_principal(conn, user_id)


@pytest.mark.parametrize("db_kind", ["postgres"])
def test_a_push_in_one_community_does_not_wait_for_another(db_kind, city_engine):
    demo = Demo.load(city_engine)
    c1_head, c2_head = (
        _principal(city_engine, "c001-head01"),
        _principal(city_engine, "c002-head01"),
    )
    holding, release = threading.Event(), threading.Event()

    def hold_c1():  # a writer in c001 that keeps its sequence locked
        with write_tx(city_engine) as conn:
            lock_sequence(conn, c1_head.community_id)
            holding.set()
            assert release.wait(60)

    holder = threading.Thread(target=hold_c1)
    holder.start()
    try:
        assert holding.wait(30)
        other = [Mutation.model_validate(visit(demo.household_of("c002-head01")))]
        done = threading.Event()
        threading.Thread(
            target=lambda: (apply_push(city_engine, c2_head, "dev-c2", other), done.set())
        ).start()
        assert done.wait(30), "a push in c002 waited for c001's writer"
        same = [Mutation.model_validate(visit(demo.household_of("c001-head01")))]
        waited = threading.Event()
        c1_push = threading.Thread(
            target=lambda: (apply_push(city_engine, c1_head, "dev-c1", same), waited.set())
        )
        c1_push.start()
        assert not waited.wait(1.0), "a push in c001 did not wait for c001's writer"
    finally:
        release.set()
        holder.join(30)
    c1_push.join(30)
    assert waited.is_set()


def test_incremental_pulls_equal_a_full_pull_after_concurrent_pushes_in_many_communities(
    db_kind, city_engine
):
    """Heads push in every community at once while staff, a head and the street user pull
    incrementally; once the writers stop, each incremental view equals a fresh full pull, and
    no visit arrived twice."""
    demo = Demo.load(city_engine)
    writers = [f"c{i:03d}-head0{j}" for i in range(1, CITY_COMMUNITIES + 1) for j in (1, 2)]
    readers = ["c001-staff", "c002-staff", "c003-head01", "street"]
    principals = {u: _principal(city_engine, u) for u in writers + readers}
    stop = threading.Event()
    errors: list[BaseException] = []
    pushed: list[str] = []

    def write(username: str) -> None:
        try:
            house = demo.household_of(username)
            for _ in range(6):
                batch = [visit(house) for _ in range(5)]
                results = apply_push(
                    city_engine,
                    principals[username],
                    f"dev-{username}",
                    [Mutation.model_validate(m) for m in batch],
                )
                assert [r["status"] for r in results] == ["applied"] * 5, results
                pushed.extend(m["entity_id"] for m in batch)
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)

    views: dict[str, dict] = {u: {} for u in readers}
    visits_seen: dict[str, list[str]] = {u: [] for u in readers}
    cursors: dict[str, str | None] = {u: None for u in readers}

    def pull_once(username: str) -> None:
        while True:
            page = pull_page(city_engine, principals[username], cursors[username], 40)
            for change in json.loads(page.body)["changes"]:
                views[username][(change["entity"], change["id"])] = change
                if change["entity"] == "visit":
                    visits_seen[username].append(change["id"])
            cursors[username] = page.cursor
            if not page.has_more:
                return

    def read(username: str) -> None:
        try:
            while not stop.is_set():
                pull_once(username)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    reader_threads = [threading.Thread(target=read, args=(u,)) for u in readers]
    writer_threads = [threading.Thread(target=write, args=(u,)) for u in writers]
    for t in reader_threads + writer_threads:
        t.start()
    for t in writer_threads:
        t.join(120)
    stop.set()
    for t in reader_threads:
        t.join(120)
    assert not errors, errors
    assert len(pushed) == len(writers) * 30

    for username in readers:
        pull_once(username)  # what arrived after the reader's last round
        full: dict = {}
        cursor = None
        while True:
            page = pull_page(city_engine, principals[username], cursor, 1000)
            full.update({(c["entity"], c["id"]): c for c in json.loads(page.body)["changes"]})
            cursor = page.cursor
            if not page.has_more:
                break
        assert views[username] == full, username
        assert len(visits_seen[username]) == len(set(visits_seen[username])), username
    street_visits = set(visits_seen["street"])
    assert set(pushed) <= street_visits
