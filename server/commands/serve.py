"""``python -m server serve --db PATH|URL --host H --port P [--workers N] [--read-replica URL]``:
migrate, then serve, in one process or N worker processes on one port.

With ``--read-replica`` (a PostgreSQL hot standby of ``--db``), pulls, reports and exports
read from the standby (``server.db.replica``); nothing is ever written to it.

Workers share nothing but the database: sessions, rate limits, the form-token key and the
change sequences all live there. Per process there are only bounds (the password-hashing
slots, the SQLite writer queue); on SQLite, writers in different workers queue on the
database's own lock (``BEGIN IMMEDIATE`` with a busy timeout). On SQLite each process
checkpoints the write-ahead log from a thread of its own (``server.db.checkpoints``), so no
request's commit does.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from pathlib import Path

import uvicorn

from server.app import create_app
from server.db.checkpoints import Checkpointer
from server.db.engine import migrate, open_engine
from server.db.files import open_to_others
from server.logging_setup import configure_logging
from server.settings import Settings

log = logging.getLogger("xianglin.serve")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default="xianglin.db", help="SQLite file path or postgresql:// URL")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--token-days", type=float, default=30.0, help="bearer token lifetime")
    parser.add_argument(
        "--forwarded-allow-ips",
        default=None,
        help="proxy addresses trusted for X-Forwarded-For (client address for rate limits)",
    )
    parser.add_argument("--log-level", default="info")
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes on the one port (default 1)"
    )
    parser.add_argument(
        "--read-replica",
        default=None,
        metavar="URL",
        help="postgresql:// URL of a hot standby of --db: pulls, reports and exports read there",
    )


#: how the parent passes the database to its worker processes (never a password in argv)
_WORKER_DB = "XIANGLIN_WORKER_DB"
_WORKER_TOKEN_DAYS = "XIANGLIN_WORKER_TOKEN_DAYS"
_WORKER_LOG_LEVEL = "XIANGLIN_WORKER_LOG_LEVEL"
_WORKER_REPLICA = "XIANGLIN_WORKER_READ_REPLICA"


def worker_app():
    """The app of one worker process (uvicorn calls this in each; the parent migrated)."""
    import datetime as dt

    configure_logging(getattr(logging, os.environ[_WORKER_LOG_LEVEL].upper(), logging.INFO))
    days = float(os.environ[_WORKER_TOKEN_DAYS])
    settings = Settings.from_env(token_ttl=dt.timedelta(days=days))
    replica = os.environ.get(_WORKER_REPLICA)
    engine = open_engine(os.environ[_WORKER_DB])
    app = create_app(engine, settings, read_engine=open_engine(replica) if replica else None)
    if engine.dialect.name == "sqlite":
        Checkpointer(engine).start()  # ends with the worker process
    settle_heap()
    return app


def settle_heap() -> None:
    """Tune the garbage collector for serving. What start-up built (modules, the app,
    schemas: hundreds of thousands of objects that live as long as the process) is set aside
    from its full passes: requests in flight get promoted to the oldest generation and set
    those passes off, and each walked the whole start-up heap, tens of milliseconds with every
    request waiting."""
    gc.collect()
    gc.freeze()
    # A push allocates tens of thousands of short-lived objects. Collecting every 700 of them
    # (the default) caught each push's objects alive, moved them up a generation and walked
    # them again there; every 20,000 they are mostly gone before a collection comes.
    gc.set_threshold(20_000)


def run(args: argparse.Namespace) -> int:
    import datetime as dt

    try:
        settings = Settings.from_env(token_ttl=dt.timedelta(days=args.token_days))
    except ValueError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 2
    configure_logging(getattr(logging, args.log_level.upper(), logging.INFO))
    engine = open_engine(args.db)
    if engine.dialect.name == "sqlite" and open_to_others(engine.url.database):
        log.warning(
            "the database's directory is open to other users; make it 0700",
            extra={"dir": str(Path(engine.url.database).resolve().parent)},
        )
    if not 1 <= args.workers <= 64:
        print("serve: --workers must be 1 to 64", file=sys.stderr)
        return 2
    migrate(engine)
    log.info("migrated", extra={"dialect": engine.dialect.name, "workers": args.workers})
    common = {
        "host": args.host,
        "port": args.port,
        "log_config": None,
        "access_log": False,
        "proxy_headers": args.forwarded_allow_ips is not None,
        "forwarded_allow_ips": args.forwarded_allow_ips,
    }
    if args.read_replica and (
        engine.dialect.name != "postgresql"
        or not args.read_replica.startswith(("postgresql://", "postgres://"))
    ):
        print(
            "serve: --read-replica needs a PostgreSQL --db and a postgresql:// URL", file=sys.stderr
        )
        return 2
    if args.workers == 1:
        replica = open_engine(args.read_replica) if args.read_replica else None
        app = create_app(engine, settings, read_engine=replica)
        checkpoints = Checkpointer(engine).start() if engine.dialect.name == "sqlite" else None
        settle_heap()
        try:
            uvicorn.run(app, **common)
        finally:
            if checkpoints is not None:
                checkpoints.stop()
        return 0
    engine.dispose()  # each worker opens its own
    os.environ[_WORKER_DB] = args.db
    os.environ[_WORKER_TOKEN_DAYS] = str(args.token_days)
    os.environ[_WORKER_LOG_LEVEL] = args.log_level
    if args.read_replica:
        os.environ[_WORKER_REPLICA] = args.read_replica
    uvicorn.run("server.commands.serve:worker_app", factory=True, workers=args.workers, **common)
    return 0
