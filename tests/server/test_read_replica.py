"""Pulls from a PostgreSQL hot standby (``serve --read-replica``): a page read there never
carries a cursor ahead of what the standby holds, and a phone whose cursor is ahead of a
lagging standby (it pulled from the primary) is served by the primary: never sent backwards,
never answered 410. Pushes always go to the primary."""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy import text

from server.app import create_app
from server.db.engine import migrate, open_engine
from server.domain.seed import seed_demo
from server.settings import Settings
from tests.pg import PgCluster
from tests.server.helpers import Api, Demo, ok, visit


@pytest.fixture(scope="module")
def primary_and_standby():
    primary = PgCluster(replicable=True).start()
    try:
        url = primary.create_database(name="xianglin")
        engine = open_engine(url)
        migrate(engine)
        seed_demo(engine, seed=7, scale=0.05)
        engine.dispose()
        standby = primary.start_standby()
        try:
            yield url, standby.url_for("xianglin")
        finally:
            standby.stop()
    finally:
        primary.stop()


def _replayed(standby, primary) -> bool:
    with primary.connect() as p, standby.connect() as s:
        target = p.execute(text("select pg_current_wal_lsn()")).scalar()
        return s.execute(
            text("select pg_last_wal_replay_lsn() >= cast(:t as pg_lsn)"), {"t": target}
        ).scalar()


def _wait(predicate, what: str, deadline: float = 60.0) -> None:
    end = time.monotonic() + deadline
    while not predicate():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.05)


async def test_pulls_from_a_lagging_standby_never_go_backwards(primary_and_standby):
    primary_url, standby_url = primary_and_standby
    primary, standby = open_engine(primary_url), open_engine(standby_url)
    with standby.connect() as conn:
        assert conn.execute(text("select pg_is_in_recovery()")).scalar()
    _wait(lambda: _replayed(standby, primary), "the standby to catch up")
    demo = Demo.load(primary)
    with_replica = create_app(primary, Settings(), read_engine=standby)
    primary_only = create_app(primary, Settings())
    transport = httpx.ASGITransport(app=with_replica)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://t") as client,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=primary_only), base_url="http://t"
        ) as direct,
    ):
        head = await Api.sign_in(client, "head01", "demo1234")
        first, cursor = await head.pull_all()
        assert first

        # the standby stops replaying: a push lands on the primary only
        with standby.connect() as conn:
            conn.execute(text("select pg_wal_replay_pause()"))
        try:
            v = visit(demo.household_of("head01"))
            assert ok(await head.push(v))
            # read from the standby: nothing new, and the cursor stays where the standby is
            page = (await head.pull(cursor)).json()
            assert page["changes"] == [] and page["cursor"] == cursor

            # the phone pulls once from the primary (another server, or before the replica)
            ahead_phone = Api(direct, head.token, head.user)
            news, ahead = await ahead_phone.pull_all(cursor)
            assert [c["id"] for c in news if c["entity"] == "visit"] == [v["entity_id"]]
            # back on the lagging standby's server: served from the primary, not sent back
            r = await head.pull(ahead)
            assert r.status_code == 200, r.text
            assert r.json()["changes"] == [] and r.json()["cursor"] == ahead
        finally:
            with standby.connect() as conn:
                conn.execute(text("select pg_wal_replay_resume()"))
        _wait(lambda: _replayed(standby, primary), "the standby to catch up again")
        # caught up, the standby serves the visit to a phone that had not seen it
        news, _ = await head.pull_all(cursor)
        assert v["entity_id"] in {c["id"] for c in news}
    primary.dispose()
    standby.dispose()
