"""Fixtures that build real things: phone stores in tmp_path, a seeded server database, and
the real sync server in a subprocess on a free loopback port."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from services.store import Store
from tests.services.pages import USER, Community
from tests.services.serverproc import ServerProcess, seed_small

PASSWORD = "demo1234"


@pytest.fixture
def community() -> Community:
    return Community()


@pytest.fixture
def store(tmp_path: Path, community: Community):
    """A phone store with a signed-in head and a small pulled community."""
    s = Store(tmp_path / "phone.db")
    s.set_user(dict(USER, estate_ids=[community.estate_a["id"], community.estate_b["id"]]))
    s.apply_pull_page(community.changes(), "c1")
    yield s
    s.close()


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    """A demo community at scale 0.05 (same logins as the full one), seeded once."""
    path = tmp_path_factory.mktemp("seed") / "server.db"
    seed_small(path)
    return path


def copy_db(src: Path, dst: Path) -> Path:
    # a consistent copy even if a WAL file is around
    with sqlite3.connect(src) as s, sqlite3.connect(dst) as d:
        s.backup(d)
    return dst


@pytest.fixture
def server(tmp_path: Path, seeded_db: Path):
    """The real server (``python -m server serve``) over a private copy of the seeded DB."""
    proc = ServerProcess(copy_db(seeded_db, tmp_path / "server.db"))
    proc.start()
    yield proc
    proc.stop()


def server_rows(server: ServerProcess, sql: str, params=()) -> list[tuple]:
    """Read the server's database directly (the truth the phone's claims are checked on)."""
    conn = sqlite3.connect(server.db_path, timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
