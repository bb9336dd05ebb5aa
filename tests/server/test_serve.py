"""``python -m server serve`` as a real process on loopback: migrates on start, answers over
real HTTP, logs JSON lines."""

from __future__ import annotations

import gc
import json
import time

import httpx
import pytest
from sqlalchemy import inspect

from server.commands.serve import settle_heap
from server.db.engine import open_engine
from tests.services.serverproc import ServerProcess


@pytest.fixture
def served(engine, tmp_path):
    """The seeded test database served by a real server process."""
    url = engine.url.render_as_string(hide_password=False)
    db = url.replace("postgresql+psycopg://", "postgresql://").replace("sqlite:///", "")
    engine.dispose()
    log_path = tmp_path / "server.log"
    server = ServerProcess(db, log_path=log_path, log_level="info").start(deadline=60)
    try:
        yield server.url, log_path
    finally:
        server.stop()


def test_serve_speaks_the_protocol_over_loopback(served):
    base, log_path = served
    with httpx.Client(base_url=base, timeout=30) as client:
        assert client.get("/api/v1/sync/pull").status_code == 401
        r = client.post(
            "/api/v1/auth/login",
            json={"username": "head01", "password": "demo1234", "device_id": "d"},
        )
        assert r.status_code == 200
        headers = {"Authorization": f"Bearer {r.json()['token']}"}
        page = client.get("/api/v1/sync/pull", headers=headers).json()
        assert any(c["entity"] == "household" for c in page["changes"])
        assert client.get("/openapi.json").status_code == 200
    deadline = time.monotonic() + 10
    while True:  # the log line is written after the response; poll for it
        lines = [json.loads(x) for x in log_path.read_text().splitlines() if x.startswith("{")]
        routes = [x.get("route") for x in lines if x.get("event") == "request"]
        if "/api/v1/sync/pull" in routes or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert "/api/v1/sync/pull" in routes and "/api/v1/auth/login" in routes


def test_serve_migrates_an_empty_database_on_start(tmp_path):
    db = tmp_path / "fresh.db"
    ServerProcess(db, log_path=tmp_path / "log").start(deadline=60).stop()
    engine = open_engine(str(db))
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"changes", "mutations", "tokens", "users", "alembic_version"} <= tables


def test_start_up_objects_are_left_out_of_full_collections():
    """What start-up built lives as long as the server: a full garbage collection, which a
    burst of requests in flight sets off, must not walk it each time."""
    frozen_before, thresholds = gc.get_freeze_count(), gc.get_threshold()
    settle_heap()
    try:
        assert gc.get_freeze_count() > frozen_before
        assert gc.get_threshold()[0] > thresholds[0]  # fewer young collections
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
