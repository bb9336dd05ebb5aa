"""Opening the database: one code base on a single SQLite file (default) or PostgreSQL.

``open_engine(target)`` takes a file path or a SQLAlchemy/libpq URL and returns an Engine with
the right settings; ``migrate(engine)`` brings the schema forward with Alembic (never drops).
Write transactions go through ``write_tx(engine)`` so that on SQLite they start with
``BEGIN IMMEDIATE`` (no lock upgrades, no SQLITE_BUSY half-way) and on PostgreSQL they are
plain READ COMMITTED transactions serialised on the change counter row (see changelog.py).
A SQLite database's files and a directory made for them are owner-only (server.db.files).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, Table, create_engine, event, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.pool import NullPool

from server.db.files import make_private

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def database_url(target: str) -> str:
    """A path becomes a sqlite URL; ``postgresql://`` URLs use psycopg 3."""
    if "://" not in target:
        return f"sqlite:///{Path(target).resolve()}"
    if target.startswith("postgresql://") or target.startswith("postgres://"):
        return "postgresql+psycopg://" + target.split("://", 1)[1]
    return target


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


def open_engine(target: str, *, pool_size: int = 8) -> Engine:
    url = database_url(target)
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path and path != ":memory:" and not path.startswith("file:"):
            make_private(path)
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            poolclass=NullPool if ":memory:" in url else None,
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            # let SQLAlchemy's "begin" event, not pysqlite, decide how a transaction starts
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        # Every statement planned for its own parameters, never a prepared statement's generic
        # plan: one chosen while a table was small (a fresh database's mutations and visits)
        # stayed a sequential scan as it grew, until the next ANALYZE. Also what PgBouncer's
        # transaction pooling needs.
        connect_args={"prepare_threshold": None},
    )


def insert_on_conflict(conn: Connection, table: Table):
    """An INSERT for ``table`` with the dialect's ``on_conflict_do_update/nothing``."""
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


@contextlib.contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """A write transaction: committed on success, rolled back on any exception."""
    with engine.connect() as conn:
        if is_sqlite(engine):
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            yield conn


@contextlib.contextmanager
def autocommit(engine: Engine) -> Iterator[Connection]:
    """A connection whose statements each run on their own, with no transaction around them:
    on PostgreSQL no BEGIN and ROLLBACK round trips, for reads that need no one snapshot
    (every request's token lookup). On SQLite a plain connection."""
    with engine.connect() as conn:
        if not is_sqlite(engine):
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn


@contextlib.contextmanager
def read_tx(engine: Engine) -> Iterator[Connection]:
    """A read transaction: one consistent snapshot for all its statements."""
    with engine.connect() as conn:
        if not is_sqlite(engine):
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Apply every pending migration (forward only)."""
    command.upgrade(alembic_config(engine), "head")
