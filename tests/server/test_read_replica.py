"""Reads from a PostgreSQL hot standby (``create_app(..., read_engine=)``, ``serve --read-replica``).

A primary and a streaming standby made with ``pg_basebackup -R`` (tests/pg.py), throwaway.
The standby is made to lag with ``pg_wal_replay_pause()`` while pushes go on.
"""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
import uuid
from collections import Counter

import httpx
import pytest
from sqlalchemy import func, select, text

from server.app import create_app
from server.db.engine import migrate, open_engine, write_tx
from server.db.replica import ReadRoute
from server.db.schema import ledger_exports
from server.domain.cursor import decode_cursor
from server.domain.seed import seed_demo
from server.settings import Settings
from tests.pg import PgCluster
from tests.server.helpers import Api, Demo, latest, visit
from tests.services.serverproc import REPO, ServerProcess, free_port, subprocess_env


@pytest.fixture(scope="module")
def clusters():
    primary = PgCluster(replicable=True).start()
    standby = None
    try:
        engine = open_engine(primary.create_database(name="seeded"))
        migrate(engine)
        seed_demo(engine, seed=7, scale=0.05)
        engine.dispose()
        standby = primary.start_standby()
        yield primary, standby
    finally:
        if standby is not None:
            standby.stop()
        primary.stop()


@pytest.fixture
def replicated(clusters):
    """(primary engine, standby engine) of a fresh copy of the seeded database."""
    primary, standby = clusters
    url = primary.create_database(template="seeded")
    name = url.rsplit("/", 1)[1]
    standby.wait_replayed(primary)
    engines = open_engine(url), open_engine(standby.url_for(name))
    yield engines
    for engine in engines:
        engine.dispose()
    standby.resume_replay()
    primary.drop_database(name)


@pytest.fixture
def apps(replicated):
    """(primary engine, demo facts, an app reading the standby, an app reading the primary):
    two servers in front of one primary."""
    primary_engine, replica_engine = replicated
    return (
        primary_engine,
        Demo.load(primary_engine),
        create_app(primary_engine, Settings(), read_engine=replica_engine),
        create_app(primary_engine, Settings()),
    )


def visit_ids(changes: list[dict]) -> list[str]:
    return [c["id"] for c in changes if c["entity"] == "visit"]


class Phones:
    """Signed-in clients of one app; ``sign_in(app, name)`` -> Api."""

    def __init__(self) -> None:
        self.clients: list[httpx.AsyncClient] = []

    async def sign_in(self, app, username: str) -> Api:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        self.clients.append(client)
        return await Api.sign_in(client, username, "demo1234")

    def on(self, api: Api, app) -> Api:
        """The same signed-in phone talking to another app (another server in front of the
        same primary)."""
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        self.clients.append(client)
        return Api(client, api.token, api.user)

    async def close(self) -> None:
        for client in self.clients:
            await client.aclose()


@pytest.fixture
async def phones():
    made = Phones()
    yield made
    await made.close()


def positions(cursor: str) -> list[int]:
    seqs = decode_cursor(cursor)[0]
    return list(seqs) if isinstance(seqs, list | tuple) else [seqs]


def not_behind(new: str, old: str | None) -> bool:
    return old is None or all(n >= o for n, o in zip(positions(new), positions(old), strict=True))


async def test_a_pull_from_the_standby_never_hands_out_a_cursor_past_what_it_read(
    clusters, apps, phones
):
    _, standby = clusters
    primary_engine, demo, via_standby, only_primary = apps
    head = await phones.sign_in(via_standby, "head01")
    _, cursor = await head.pull_all()

    standby.pause_replay()
    pushed = visit(demo.household_of("head01"))
    await head.push(pushed)  # written to the primary while the standby stands still
    r = await head.pull(cursor)
    assert r.status_code == 200, r.text
    page = r.json()
    # the standby's snapshot: the visit is not there yet, and the cursor stays where it was
    assert page["changes"] == [] and page["cursor"] == cursor

    # the cursor is the standby's position, so whichever copy the phone reads next, the visit
    # it has not yet seen still comes
    r = await phones.on(head, only_primary).pull(page["cursor"])
    assert r.status_code == 200, r.text
    assert visit_ids(r.json()["changes"]) == [pushed["entity_id"]]
    standby.resume_replay()
    standby.wait_replayed(clusters[0])
    r = await head.pull(page["cursor"])
    assert visit_ids(r.json()["changes"]) == [pushed["entity_id"]]


async def test_a_phone_fresher_than_a_lagging_standby_is_answered_from_the_primary(
    clusters, apps, phones
):
    _, standby = clusters
    primary_engine, demo, via_standby, only_primary = apps
    head = await phones.sign_in(via_standby, "head01")
    on_primary = phones.on(head, only_primary)
    _, cursor = await head.pull_all()

    standby.pause_replay()
    first, second = visit(demo.household_of("head01")), visit(demo.household_of("head01"))
    await head.push(first)
    fresh, ahead = await on_primary.pull_all(cursor)  # past everything the standby holds
    assert visit_ids(fresh) == [first["entity_id"]]
    await head.push(second)

    r = await head.pull(ahead)  # through the app whose reads go to the lagging standby
    assert r.status_code == 200, r.text  # not 410: the phone is not sent back to the start
    page = r.json()
    assert not_behind(page["cursor"], ahead)
    assert visit_ids(page["changes"]) == [second["entity_id"]]


async def test_standby_paused_while_pushes_go_on_no_change_skipped_none_twice_none_backwards(
    clusters, apps, phones, caplog
):
    primary, standby = clusters
    primary_engine, demo, via_standby, only_primary = apps
    writers = {
        name: await phones.sign_in(via_standby, name) for name in ("head01", "head02", "head03")
    }
    readers = {
        "staff": await phones.sign_in(via_standby, "staff"),
        "head01": await phones.sign_in(via_standby, "head01"),
    }
    # one phone whose pulls alternate between a server reading the primary and one reading
    # the standby (two app processes, one of them without the replica)
    roaming = await phones.sign_in(via_standby, "staff")
    roaming_routes = [roaming, phones.on(roaming, only_primary)]
    readers["roaming"] = roaming
    cursors: dict[str, str | None] = dict.fromkeys(readers)
    views: dict[str, dict] = {name: {} for name in readers}
    visits_seen: dict[str, Counter] = {name: Counter() for name in readers}
    pushed: list[str] = []

    async def pull_round(i: int) -> None:
        for name in readers:
            api = roaming_routes[i % 2] if name == "roaming" else readers[name]
            while True:
                r = await api.pull(cursors[name], limit=50)
                assert r.status_code == 200, (name, r.status_code, r.text)
                page = r.json()
                assert not_behind(page["cursor"], cursors[name]), name
                cursors[name] = page["cursor"]
                views[name].update(latest(page["changes"]))
                for c in page["changes"]:
                    if c["entity"] == "visit" and c["id"] in pushed:
                        visits_seen[name][c["id"]] += 1
                if not page["has_more"]:
                    break

    async def push_round() -> None:
        for name, head in writers.items():
            made = visit(demo.household_of(name))
            pushed.append(made["entity_id"])
            await head.push(made)

    await pull_round(0)
    with caplog.at_level(logging.INFO, logger="xianglin.replica"):
        for i in range(1, 13):
            if i == 3:
                standby.wait_replayed(primary)
                standby.pause_replay()
                await pull_round(i - 1)  # everyone holds what the frozen standby holds
                seen_before_pause = sum(visits_seen["staff"].values())
            if i == 9:
                # staff pulled from the standby all through the pause: nothing new reached them
                assert sum(visits_seen["staff"].values()) == seen_before_pause
                standby.resume_replay()
            await push_round()
            await pull_round(i)
    # the roaming phone came back from the primary ahead of the standby, and was served there
    assert any(getattr(r, "why", None) == "CursorAhead" for r in caplog.records)
    standby.wait_replayed(primary)
    await pull_round(13)

    for name, api in readers.items():
        full = await phones.on(api, only_primary).state()
        assert views[name] == full, name
        assert all(n == 1 for n in visits_seen[name].values()), name
    assert set(visits_seen["staff"]) == set(pushed)  # staff see every visit, each once
    assert set(visits_seen["roaming"]) == set(pushed)


async def test_reports_and_exports_read_the_standby_and_write_the_audit_to_the_primary(
    clusters, replicated, phones
):
    _, standby = clusters
    primary_engine, replica_engine = replicated
    via_standby = create_app(primary_engine, Settings(), read_engine=replica_engine)
    staff = await phones.sign_in(via_standby, "staff")
    today = dt.date.today()
    period = {"from": (today - dt.timedelta(days=30)).isoformat(), "to": today.isoformat()}
    standby.pause_replay()  # even a standby that stands still answers reads
    summary = await staff.client.get(
        "/api/v1/reports/summary", params=period, headers=staff.headers
    )
    assert summary.status_code == 200, summary.text
    export = await staff.client.get(
        "/api/v1/exports/visits.xlsx", params=period, headers=staff.headers
    )
    assert export.status_code == 200, export.text
    assert export.content[:2] == b"PK"
    with primary_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ledger_exports)).scalar() == 1


async def test_a_standby_that_cannot_answer_costs_a_read_on_the_primary_never_a_5xx(
    replicated, phones
):
    primary_engine, _ = replicated
    gone = open_engine(f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere")
    app = create_app(primary_engine, Settings(), read_engine=gone)
    staff = await phones.sign_in(app, "staff")
    r = await staff.pull()
    assert r.status_code == 200, r.text
    assert r.json()["changes"]
    today = dt.date.today().isoformat()
    r = await staff.client.get(
        "/api/v1/reports/summary", params={"from": today, "to": today}, headers=staff.headers
    )
    assert r.status_code == 200, r.text
    gone.dispose()


def test_a_write_sent_to_the_standby_is_refused_there_and_done_on_the_primary(replicated):
    primary_engine, replica_engine = replicated
    marker = str(uuid.uuid4())

    def note(engine):
        with write_tx(engine) as conn:
            conn.execute(text("CREATE TABLE IF NOT EXISTS probe (id text)"))
            conn.execute(text("INSERT INTO probe VALUES (:id)"), {"id": marker})
        return engine

    assert ReadRoute(primary_engine, replica_engine).read(note) is primary_engine
    with primary_engine.connect() as conn:
        assert conn.execute(text("SELECT id FROM probe")).scalar() == marker


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_with_read_replica_syncs_a_phone(clusters, replicated, tmp_path, workers):
    primary, standby = clusters
    primary_engine, replica_engine = replicated
    demo = Demo.load(primary_engine)
    server = ServerProcess(
        primary_engine.url.render_as_string(hide_password=False).replace("+psycopg", ""),
        log_path=tmp_path / "server.log",
        extra_args=[
            "--read-replica",
            replica_engine.url.render_as_string(hide_password=False).replace("+psycopg", ""),
            *("--workers", str(workers)),
        ],
    ).start(deadline=120)  # worker processes start slowly on a busy machine
    try:
        with httpx.Client(base_url=server.url + "/api/v1", timeout=30) as http:
            login = {"username": "head01", "password": "demo1234", "device_id": "dev-r"}
            token = http.post("/auth/login", json=login).json()["token"]
            auth = {"Authorization": f"Bearer {token}"}
            first = http.get("/sync/pull", headers=auth)
            assert first.status_code == 200, first.text
            made = visit(demo.household_of("head01"))
            r = http.post(
                "/sync/push", json={"device_id": "dev-r", "mutations": [made]}, headers=auth
            )
            assert r.status_code == 200 and r.json()["results"][0]["status"] == "applied", r.text
            standby.wait_replayed(primary)
            r = http.get("/sync/pull", params={"cursor": first.json()["cursor"]}, headers=auth)
            assert r.status_code == 200, r.text
            assert made["entity_id"] in [c["id"] for c in r.json()["changes"]]
    finally:
        server.stop()


def test_serve_refuses_a_read_replica_for_a_sqlite_database(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "server", "serve", "--db", str(tmp_path / "x.db")]
        + ["--read-replica", "postgresql://postgres@127.0.0.1:1/x"],
        cwd=REPO,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "--read-replica needs a PostgreSQL" in proc.stderr
