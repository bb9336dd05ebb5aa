"""Fixtures for the server tests: a seeded demo database on SQLite AND PostgreSQL, the real
app, and HTTP clients signed in as the demo users.

The demo community (``seed_demo(scale=0.05)``: 3 districts, 16 estates, ~200 households, the
14 demo logins) is seeded once per session per database kind into a template; each test gets
a fresh copy (a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL).
"""

from __future__ import annotations

import contextlib
import shutil
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text

from server.app import create_app
from server.db.engine import migrate, open_engine
from server.domain.seed import seed_demo
from server.settings import Settings
from tests.pg import PgCluster
from tests.server.helpers import Api, Demo
from tests.server.hostile import API, PASSWORD
from tests.services.serverproc import ServerProcess

DB_KINDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = PgCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("template") / "demo.db"
    engine = open_engine(str(path))
    migrate(engine)
    seed_demo(engine, seed=7, scale=0.05)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return str(path)


@pytest.fixture(scope="session")
def pg_template(pg_cluster) -> str:
    name = f"xl_template_{uuid.uuid4().hex[:8]}"
    engine = open_engine(pg_cluster.create_database(name=name))
    migrate(engine)
    seed_demo(engine, seed=7, scale=0.05)
    engine.dispose()
    yield name
    pg_cluster.drop_database(name)


#: the city template: this many small demo-shaped communities in one street
CITY_COMMUNITIES = 3


@pytest.fixture(scope="session")
def city_sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("city") / "city.db"
    engine = open_engine(str(path))
    migrate(engine)
    seed_demo(engine, seed=7, scale=0.02, communities=CITY_COMMUNITIES, demo_responses=False)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return str(path)


@pytest.fixture(scope="session")
def city_pg_template(pg_cluster) -> str:
    name = f"xl_city_{uuid.uuid4().hex[:8]}"
    engine = open_engine(pg_cluster.create_database(name=name))
    migrate(engine)
    seed_demo(engine, seed=7, scale=0.02, communities=CITY_COMMUNITIES, demo_responses=False)
    engine.dispose()
    yield name
    pg_cluster.drop_database(name)


@pytest.fixture
def city_engine(request, db_kind, tmp_path):
    """A fresh copy of a database of CITY_COMMUNITIES small communities (logins c001-staff,
    c002-head01 ..., and ``street`` over all of them)."""
    if db_kind == "sqlite":
        path = tmp_path / "city.db"
        shutil.copyfile(request.getfixturevalue("city_sqlite_template"), path)
        eng = open_engine(str(path))
        yield eng
        eng.dispose()
    else:
        cluster = request.getfixturevalue("pg_cluster")
        url = cluster.create_database(template=request.getfixturevalue("city_pg_template"))
        eng = open_engine(url)
        yield eng
        eng.dispose()
        cluster.drop_database(url.rsplit("/", 1)[1])


@pytest.fixture
async def city_login(city_engine, settings):
    """``await city_login("c002-head01")`` -> an ``Api`` on the city database's app."""
    async with _signing_in(create_app(city_engine, settings)) as sign_in:
        yield sign_in


@pytest.fixture(params=DB_KINDS)
def db_kind(request) -> str:
    return request.param


@pytest.fixture
def engine(request, db_kind, tmp_path):
    """A fresh, seeded, migrated database of the parametrised kind."""
    if db_kind == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "server.db"
        shutil.copyfile(template, path)
        eng = open_engine(str(path))
        yield eng
        eng.dispose()
    else:
        cluster = request.getfixturevalue("pg_cluster")
        template = request.getfixturevalue("pg_template")
        url = cluster.create_database(template=template)
        eng = open_engine(url)
        with eng.connect() as conn:  # the copy must be a real PostgreSQL database
            assert conn.execute(text("select version()")).scalar().startswith("PostgreSQL")
        yield eng
        eng.dispose()
        cluster.drop_database(url.rsplit("/", 1)[1])


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def app(engine, settings):
    return create_app(engine, settings)


@pytest.fixture
def demo(engine) -> Demo:
    return Demo.load(engine)


@pytest.fixture
async def http(app) -> AsyncIterator[httpx.AsyncClient]:
    """An unauthenticated client on the real app (ASGI, no network)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def login(app):
    """``await login("head01")`` -> an ``Api`` signed in through POST /auth/login."""
    async with _signing_in(app) as sign_in:
        yield sign_in


@contextlib.asynccontextmanager
async def _signing_in(app) -> AsyncIterator:
    """A sign-in function on ``app`` (in process); its clients are closed afterwards."""
    clients: list[httpx.AsyncClient] = []

    async def sign_in(username: str, password: str = "demo1234") -> Api:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )
        clients.append(client)
        return await Api.sign_in(client, username, password)

    try:
        yield sign_in
    finally:
        for client in clients:
            await client.aclose()


@pytest.fixture
def live(engine, db_kind, tmp_path):
    """The real server process on this test's database, and signed-in clients for head01 and
    staff (the hostile-input properties push at it over real HTTP)."""
    db = engine.url.render_as_string(hide_password=False) if db_kind == "postgres" else None
    proc = ServerProcess(
        db or engine.url.database,
        log_path=tmp_path / "server.log",
        extra_args=["--forwarded-allow-ips", "127.0.0.1"],
    )
    proc.start()
    clients = {}
    try:
        for name in ("head01", "staff"):
            c = httpx.Client(base_url=proc.url, timeout=60)
            r = c.post(
                f"{API}/auth/login",
                json={"username": name, "password": PASSWORD, "device_id": f"dev-{name}"},
            )
            assert r.status_code == 200, r.text
            c.headers["Authorization"] = f"Bearer {r.json()['token']}"
            clients[name] = c
        yield proc, clients
    finally:
        for c in clients.values():
            c.close()
        proc.stop()
