"""``python -m server serve --db PATH|URL --host H --port P``: migrate, then serve."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import uvicorn

from server.app import create_app
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
    migrate(engine)
    log.info("migrated", extra={"dialect": engine.dialect.name})
    app = create_app(engine, settings)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_config=None,
        access_log=False,
        proxy_headers=args.forwarded_allow_ips is not None,
        forwarded_allow_ips=args.forwarded_allow_ips,
    )
    return 0
