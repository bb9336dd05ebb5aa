"""``python -m server backup --db PATH|URL --out FILE``: a consistent online backup.

SQLite: the sqlite3 online-backup API copies one consistent snapshot while the server keeps
writing (WAL mode: readers and the backup never block writers); the copy is written to a
temporary file beside FILE, checked with ``PRAGMA integrity_check`` and then renamed over
FILE, so FILE is always either the previous backup or a complete new one.
PostgreSQL: ``pg_dump --format=custom`` (one snapshot by construction), found on PATH or in
/usr/lib/postgresql/*/bin; the password travels in PGPASSWORD, never on the command line.
Restore: docs/operations.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from server.db.files import private_dir
from server.db.pg_tools import pg_tool


class BackupError(RuntimeError):
    pass


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="SQLite file path or postgresql:// URL")
    parser.add_argument("--out", required=True, help="backup file to write (replaced atomically)")


def _temp_beside(out: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    os.close(fd)
    return Path(name)


def backup_sqlite(db: str | Path, out: str | Path) -> int:
    """Copy the SQLite database ``db`` to ``out`` consistently; returns the page count."""
    db, out = Path(db), Path(out)
    if not db.is_file():
        raise BackupError(f"no such database file: {db}")
    private_dir(out.parent)
    tmp = _temp_beside(out)
    try:
        src = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)  # all pages in one step: one snapshot of the source
                dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
                check = dst.execute("PRAGMA integrity_check").fetchone()[0]
                pages = dst.execute("PRAGMA page_count").fetchone()[0]
            finally:
                dst.close()
        finally:
            src.close()
        if check != "ok":
            raise BackupError(f"the backup failed its integrity check: {check}")
        os.replace(tmp, out)
        return pages
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def pg_dump_binary() -> str:
    found = pg_tool("pg_dump")
    if found is None:
        raise BackupError("pg_dump not found: install the PostgreSQL client tools")
    return found


def _libpq_url(url: str) -> tuple[str, str | None]:
    """(URL without password and driver suffix, password)."""
    parts = urlsplit(url)
    scheme = "postgresql"
    password = unquote(parts.password) if parts.password else None
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit((scheme, netloc, parts.path, parts.query, "")), password


def backup_postgres(url: str, out: str | Path) -> None:
    """``pg_dump`` the database at ``url`` to ``out`` in custom format."""
    out = Path(out)
    private_dir(out.parent)
    dsn, password = _libpq_url(url)
    env = dict(os.environ)
    if password is not None:
        env["PGPASSWORD"] = password
    tmp = _temp_beside(out)
    try:
        proc = subprocess.run(
            [pg_dump_binary(), "--format=custom", "--no-owner", f"--file={tmp}", f"--dbname={dsn}"],
            env=env,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise BackupError(f"pg_dump failed: {proc.stderr.strip()}")
        os.replace(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def run(args: argparse.Namespace) -> int:
    target = args.db
    try:
        if target.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
            backup_postgres(target, args.out)
            print(f"backup written to {args.out} (pg_dump custom format)")
        elif "://" in target:
            raise BackupError("--db must be a SQLite file path or a postgresql:// URL")
        else:
            pages = backup_sqlite(target, args.out)
            print(f"backup written to {args.out} ({pages} pages, integrity ok)")
    except BackupError as exc:
        print(f"backup: {exc}", file=sys.stderr)
        return 1
    return 0
