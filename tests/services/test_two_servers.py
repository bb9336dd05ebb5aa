"""Several server processes on one PostgreSQL share nothing but the database: phones whose
requests alternate between two servers, with each server killed and restarted mid-sync, get
every visit and concern applied exactly once and end with what a fresh full pull gives; and
``serve --workers 2`` serves a phone through both of its processes."""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from server.db.engine import migrate, open_engine
from server.domain.seed import seed_demo
from tests.pg import PgCluster
from tests.services.phones import open_phone, record_offline
from tests.services.serverproc import ServerProcess


class Alternating(httpx.AsyncBaseTransport):
    """Sends each request to the next server in turn (as a round-robin proxy would)."""

    def __init__(self, ports: list[int]) -> None:
        self._ports = itertools.cycle(ports)
        self._inner = httpx.AsyncHTTPTransport()
        self.sent: dict[int, int] = dict.fromkeys(ports, 0)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        port = next(self._ports)
        self.sent[port] += 1
        request.url = request.url.copy_with(port=port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.fixture(scope="module")
def pg_db():
    cluster = PgCluster().start()
    url = cluster.create_database()
    engine = open_engine(url)
    migrate(engine)
    seed_demo(engine, seed=7, scale=0.05)
    engine.dispose()
    yield url
    cluster.stop()


def _count(url: str, table: str, ids: list[str]) -> int:
    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                text(f"SELECT count(*) FROM {table} WHERE id = ANY(:ids)"), {"ids": ids}
            ).scalar_one()
    finally:
        engine.dispose()


async def test_phones_alternating_between_two_servers_killed_mid_sync(pg_db, tmp_path):
    servers = [ServerProcess(pg_db, log_path=tmp_path / f"server{i}.log").start() for i in range(2)]
    route = Alternating([s.port for s in servers])
    phones = []
    try:
        for username in ("head02", "head03", "head04"):
            store, engine = await open_phone(
                servers[0].url,
                username,
                tmp_path / f"{username}.db",
                transport=route,
                batch_size=20,
                timeout=5,
            )
            assert (await engine.sync_until_idle(60)).last_error is None
            visits, concerns = record_offline(store, 200, concern_every=5)
            phones.append((username, store, engine, visits, concerns))
        mutation_ids = [m["id"] for _, store, *_ in phones for m in store.outbox_batch(100_000)]

        async def killer():
            for server, threshold in ((servers[1], 100), (servers[0], 350)):
                while _count(pg_db, "mutations", mutation_ids) < threshold:
                    await asyncio.sleep(0.02)
                await asyncio.to_thread(server.restart)  # SIGKILL, then the same port again

        chaos = asyncio.create_task(killer())
        statuses = await asyncio.gather(*(e.sync_until_idle(180) for _, _, e, *_ in phones))
        await asyncio.wait_for(chaos, 60)
        for _ in range(3):  # a phone that hit a restart goes on at its next sync
            if all(s.pending == 0 and s.last_error is None for s in statuses):
                break
            statuses = await asyncio.gather(*(e.sync_until_idle(60) for _, _, e, *_ in phones))
        assert all(s.pending == 0 and s.last_error is None for s in statuses), statuses
        assert min(route.sent.values()) > 10, route.sent

        visits = [v for *_, vs, _ in phones for v in vs]
        concerns = [c for *_, cs in phones for c in cs]
        assert _count(pg_db, "visits", visits) == len(visits) == 600
        assert _count(pg_db, "concerns", concerns) == len(concerns)
        assert _count(pg_db, "mutations", mutation_ids) == len(mutation_ids)

        # each phone's incremental view equals a fresh full pull of its scope
        for username, store, *_ in phones:
            fresh, fresh_engine = await open_phone(
                servers[0].url, username, tmp_path / f"fresh-{username}.db", transport=route
            )
            try:
                assert (await fresh_engine.sync_until_idle(60)).last_error is None
                assert _visit_ids(fresh) == _visit_ids(store)
            finally:
                await fresh_engine.stop()
                fresh.close()
    finally:
        for _, _, engine, *_ in phones:
            await engine.stop()
        for server in servers:
            server.stop()


def _visit_ids(store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT id FROM visits").fetchall()}


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


async def test_serve_with_two_workers_syncs_a_phone(pg_db, tmp_path):
    server = ServerProcess(pg_db, log_path=tmp_path / "workers.log", extra_args=["--workers", "2"])
    try:
        # each worker imports the whole app after the parent migrated: slow on a loaded machine
        server.start(deadline=120)
        deadline = time.monotonic() + 30
        while len(_children(server.proc.pid)) < 2:  # uvicorn starts its workers one by one
            assert time.monotonic() < deadline, "two worker processes did not start"
            await asyncio.sleep(0.05)
        store, engine = await open_phone(server.url, "head05", tmp_path / "head05.db")
        try:
            assert (await engine.sync_until_idle(60)).last_error is None
            visits, concerns = record_offline(store, 40, concern_every=5)
            status = await engine.sync_until_idle(60)
            assert status.pending == 0 and status.last_error is None
            assert _count(pg_db, "visits", visits) == 40
            assert _count(pg_db, "concerns", concerns) == len(concerns)
        finally:
            await engine.stop()
            store.close()
    finally:
        server.stop()
    assert server.proc.returncode is not None
