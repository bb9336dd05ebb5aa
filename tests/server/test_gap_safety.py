"""Gap safety of the change sequence on PostgreSQL: a writer that took a lower sequence number
and commits late is never skipped by a reader's cursor."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import select, text

from server.db.changelog import record_change
from server.db.engine import write_tx
from server.db.schema import changes
from server.domain.push import apply_push
from server.domain.tokens import load_principal
from services.protocol import Mutation
from tests.server.helpers import visit


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
