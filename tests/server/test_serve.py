"""``python -m server serve`` as a real process on loopback: migrates on start, answers over
real HTTP, logs JSON lines."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect

from server.db.engine import open_engine

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(db: str, port: int, log_path: Path) -> subprocess.Popen:
    log = open(log_path, "wb")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "server",
            "serve",
            "--db",
            db,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait_healthy(base: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "server exited early"
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("server did not become healthy")


@pytest.fixture
def served(engine, tmp_path):
    """The seeded test database served by a real server process."""
    url = engine.url.render_as_string(hide_password=False)
    db = url.replace("postgresql+psycopg://", "postgresql://").replace("sqlite:///", "")
    engine.dispose()
    port = _free_port()
    log_path = tmp_path / "server.log"
    proc = _start(db, port, log_path)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc)
        yield base, log_path
    finally:
        proc.terminate()
        proc.wait(30)


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
    port = _free_port()
    proc = _start(str(db), port, tmp_path / "log")
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", proc)
    finally:
        proc.terminate()
        proc.wait(30)
    engine = open_engine(str(db))
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"changes", "mutations", "tokens", "users", "alembic_version"} <= tables
