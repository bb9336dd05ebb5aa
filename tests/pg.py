"""A throwaway PostgreSQL cluster for the tests.

``PgCluster.start()`` runs ``initdb`` + ``pg_ctl start`` in a temp dir on a free loopback port
(as the ``postgres`` user when the tests run as root), and ``stop()`` removes it. If the
environment variable ``XIANGLIN_TEST_PG`` holds a ``postgresql://`` URL, that server is used
instead and nothing is started. Missing PostgreSQL binaries are an error, never a skip: the
protocol tests must run on both databases.

``cluster.create_database(template=None)`` makes a fresh database (optionally a copy of a
template database) and returns its URL; ``drop_database(name)`` removes it.
``cluster.start_standby()`` starts a hot standby of the cluster (``pg_basebackup -R``,
streaming replication) in its own temp dir and port, another ``PgCluster`` to ``stop()``; its
``pause_replay()`` / ``resume_replay()`` make it lag on purpose, and ``wait_replayed(primary)``
waits until it has replayed everything the primary wrote.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg

from server.db.pg_tools import pg_tool


def _bin(name: str) -> str:
    found = pg_tool(name)
    if found is None:
        raise RuntimeError(
            f"PostgreSQL binary {name!r} not found: install PostgreSQL (Debian: postgresql) or "
            "set XIANGLIN_TEST_PG=postgresql://user@host:port/db"
        )
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    def __init__(self, *, replicable: bool = False) -> None:
        """``replicable``: keep full-page writes on (a base backup for a standby needs them)."""
        self.replicable = replicable
        self.base_url: str | None = None  # postgresql://user@host:port/postgres
        self._dir: str | None = None
        self._as_postgres = False

    # ---- lifecycle --------------------------------------------------------------------------

    def start(self) -> PgCluster:
        external = os.environ.get("XIANGLIN_TEST_PG")
        if external:
            self.base_url = external
            return self
        initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
        self._dir = tempfile.mkdtemp(prefix="xianglin-pg-")
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self._dir, "postgres", "postgres")
        data, port = os.path.join(self._dir, "data"), _free_port()
        self._run([initdb, "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
        opts = (
            f"-p {port} -k {self._dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c max_connections=200"
            + ("" if self.replicable else " -c full_page_writes=off")
        )
        self._run(
            [pg_ctl, "-D", data, "-o", opts, "-l", os.path.join(self._dir, "log"), "-w", "start"]
        )
        self.base_url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        self._wait_ready()
        return self

    def stop(self) -> None:
        if self._dir is None:
            return
        try:
            self._run(
                [
                    _bin("pg_ctl"),
                    "-D",
                    os.path.join(self._dir, "data"),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ]
            )
        finally:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def start_standby(self) -> PgCluster:
        """A hot standby streaming from this cluster (started ``replicable``; not with
        XIANGLIN_TEST_PG)."""
        if self._dir is None or self.base_url is None or not self.replicable:
            raise RuntimeError("a standby needs a replicable cluster this object started")
        standby = PgCluster()
        standby._dir = tempfile.mkdtemp(prefix="xianglin-pg-standby-")
        standby._as_postgres = self._as_postgres
        if standby._as_postgres:
            shutil.chown(standby._dir, "postgres", "postgres")
        data, port = os.path.join(standby._dir, "data"), _free_port()
        primary = urlsplit(self.base_url)
        standby._run(
            [
                _bin("pg_basebackup"),
                "-D",
                data,
                "-R",
                "-X",
                "stream",
                "--no-sync",
                "-h",
                "127.0.0.1",
                "-p",
                str(primary.port),
                "-U",
                "postgres",
            ]  # fmt: skip
        )
        opts = (
            f"-p {port} -k {standby._dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c hot_standby=on -c max_connections=200"
        )
        standby._run(
            [
                _bin("pg_ctl"),
                "-D",
                data,
                "-o",
                opts,
                "-l",
                os.path.join(standby._dir, "log"),
                "-w",
                "start",
            ]  # fmt: skip
        )
        standby.base_url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        standby._wait_ready()
        return standby

    # ---- a standby's replay -----------------------------------------------------------------

    def pause_replay(self) -> None:
        """Stop applying the primary's WAL (the standby keeps answering, at its old state)."""
        with psycopg.connect(self.base_url, autocommit=True) as conn:
            conn.execute("SELECT pg_wal_replay_pause()")
            deadline = time.monotonic() + 30
            while conn.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()[0] != (
                "paused"
            ):
                if time.monotonic() > deadline:
                    raise RuntimeError("standby replay did not pause")
                time.sleep(0.02)

    def resume_replay(self) -> None:
        with psycopg.connect(self.base_url, autocommit=True) as conn:
            conn.execute("SELECT pg_wal_replay_resume()")

    def wait_replayed(self, primary: PgCluster, timeout: float = 30.0) -> None:
        """Until this standby has replayed all the WAL ``primary`` has written so far."""
        with psycopg.connect(primary.base_url, autocommit=True) as conn:
            # the insert position: with synchronous_commit=off a commit may not be written yet
            target = conn.execute("SELECT pg_current_wal_insert_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        with psycopg.connect(self.base_url, autocommit=True) as conn:
            while not conn.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)
            ).fetchone()[0]:
                if time.monotonic() > deadline:
                    raise RuntimeError("standby did not catch up")
                time.sleep(0.02)

    def _run(self, argv: list[str]) -> None:
        if self._as_postgres:
            cmd = " ".join(_quote(a) for a in argv)
            argv = ["su", "postgres", "-s", "/bin/sh", "-c", cmd]
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=self._dir)
        if proc.returncode != 0:
            log = ""
            if self._dir and os.path.exists(os.path.join(self._dir, "log")):
                log = open(os.path.join(self._dir, "log")).read()[-2000:]
            raise RuntimeError(f"{argv!r} failed: {proc.stdout}{proc.stderr}{log}")

    def _wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self.base_url, connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    # ---- databases --------------------------------------------------------------------------

    def url_for(self, dbname: str) -> str:
        parts = urlsplit(self.base_url)
        return urlunsplit(parts._replace(path="/" + dbname))

    def create_database(self, template: str | None = None, name: str | None = None) -> str:
        name = name or f"t_{uuid.uuid4().hex[:16]}"
        sql = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
        with psycopg.connect(self.base_url, autocommit=True) as conn:
            conn.execute(sql)
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.base_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\"'\"'") + "'"
