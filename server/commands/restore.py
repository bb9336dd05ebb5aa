"""``python -m server restore --backup FILE --db PATH|URL [--force]``: restore a backup made by
``python -m server backup``, migrated and fenced, ready to serve. Stop the server first.

SQLite: the backup is copied with the sqlite3 backup API into a temporary file beside the
target, integrity-checked, fenced (server.db.fence) and migrated there, then renamed into
place, so the target is never a half-restored database. An existing target is refused unless
``--force``; then it and its ``-wal``/``-shm`` files are moved aside with a
``.pre-restore-<timestamp>`` suffix (never deleted). A target some process still has open
(a running server) is refused even with ``--force``.

PostgreSQL: ``pg_restore`` (custom format, one transaction) into the target database, which
must exist and be empty (``createdb NAME``); then the fence and migrations. The password
travels in PGPASSWORD, never on the command line.

The fence runs before the migrations: it touches only the change log and its counters,
which every schema version has, and so the window in which a crash could leave an unfenced
restore behind is as short as possible (on PostgreSQL; on SQLite nothing reaches the target
until the end).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fcntl
import os
import sqlite3
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, text

from server.commands.backup import _libpq_url
from server.db.engine import migrate, open_engine, write_tx
from server.db.fence import fence_history
from server.db.files import private_dir
from server.db.pg_tools import pg_tool
from server.db.schema import changes

PG_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
SIDE_FILES = ("-wal", "-shm", "-journal")


class RestoreError(RuntimeError):
    pass


@dataclass
class Restored:
    changes: int  # rows in the restored change log
    offset: int  # how far the fence shifted the history
    moved_aside: list[Path]  # the previous target's files, under their new names


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backup", required=True, help="backup file written by `backup`")
    parser.add_argument("--db", required=True, help="SQLite file path or postgresql:// URL")
    parser.add_argument(
        "--force",
        action="store_true",
        help="SQLite: move an existing target aside (with a timestamp suffix) instead of refusing",
    )


def _migrate(engine) -> None:
    try:
        migrate(engine)
    except Exception as exc:  # e.g. a backup made by a newer version of the server
        raise RestoreError(f"migrating the restored database failed: {exc}") from exc


# ---- SQLite ---------------------------------------------------------------------------------


def _in_use(path: Path) -> bool:
    """Whether another process holds SQLite's lock bytes on ``path`` (an open WAL-mode
    connection always holds a shared lock there). Linux open-file-description lock query: it
    takes no lock itself. False where the query is unavailable."""
    if not hasattr(fcntl, "F_OFD_GETLK"):
        return False
    flock = "hhxxxxqqixxxx"  # struct flock on 64-bit Linux
    pending_byte, span = 0x40000000, 2 + 510  # pending, reserved and the shared range
    fd = os.open(path, os.O_RDONLY)
    try:
        query = struct.pack(flock, fcntl.F_WRLCK, os.SEEK_SET, pending_byte, span, 0)
        answer = struct.unpack(flock, fcntl.fcntl(fd, fcntl.F_OFD_GETLK, query))
        return answer[0] != fcntl.F_UNLCK
    finally:
        os.close(fd)


def _existing(target: Path) -> list[Path]:
    return [p for p in [target, *(Path(f"{target}{s}") for s in SIDE_FILES)] if p.exists()]


def _move_aside(target: Path) -> list[Path]:
    """Rename the target and its side files to ``<name>.pre-restore-<UTC time>[...]``."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    base, n = f"{target}.pre-restore-{stamp}", 1
    while any(Path(f"{base}{s}").exists() for s in ("", *SIDE_FILES)):
        n += 1
        base = f"{target}.pre-restore-{stamp}-{n}"
    moved = []
    # the main file first: a target left without its WAL would open as a stale database
    for suffix in ("", *SIDE_FILES):
        src = Path(f"{target}{suffix}")
        if src.exists():
            dst = Path(f"{base}{suffix}")
            os.rename(src, dst)
            moved.append(dst)
    return moved


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_backup(backup: Path, tmp: Path) -> None:
    """Backup-API copy of ``backup`` into ``tmp``, checked to be a whole server database."""
    try:
        src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
                check = dst.execute("PRAGMA integrity_check").fetchone()[0]
                tables = {r[0] for r in dst.execute("SELECT name FROM sqlite_master")}
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        raise RestoreError(f"{backup} is not a readable SQLite backup: {exc}") from None
    if check != "ok":
        raise RestoreError(f"{backup} failed its integrity check: {check}")
    if not {"alembic_version", "meta", "changes"} <= tables:
        raise RestoreError(f"{backup} is a SQLite file but not a 巷鄰 server database backup")


def restore_sqlite(backup: str | Path, target: str | Path, *, force: bool = False) -> Restored:
    """Restore ``backup`` to the SQLite file ``target`` (see the module docstring). On any
    error the target and its side files are exactly as they were."""
    backup, target = Path(backup), Path(target)
    if not backup.is_file():
        raise RestoreError(f"no such backup file: {backup}")
    if target.exists() and not target.is_file():
        raise RestoreError(f"{target} exists and is not a file")
    existing = _existing(target)
    if existing and not force:
        names = ", ".join(p.name for p in existing)
        raise RestoreError(f"{names} already exist; stop the server and add --force to move aside")
    if target.exists() and _in_use(target):
        raise RestoreError(f"{target} is open in another process: stop the server first")
    private_dir(target.parent)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".restoring", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        _copy_backup(backup, tmp)
        engine = open_engine(str(tmp))
        try:
            with write_tx(engine) as conn:
                offset = fence_history(conn)
                count = conn.execute(select(func.count()).select_from(changes)).scalar_one()
            _migrate(engine)
        finally:
            engine.dispose()
        con = sqlite3.connect(tmp)
        try:  # fold the WAL back in: the file renamed into place must be self-contained
            con.execute("PRAGMA journal_mode=DELETE")
            check = con.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            con.close()
        if check != "ok":
            raise RestoreError(f"the restored database failed its integrity check: {check}")
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{tmp}{suffix}").unlink()  # our own temp file's leftovers
        moved = _move_aside(target) if existing else []
        os.replace(tmp, target)
        _fsync_dir(target.parent)
        return Restored(count, offset, moved)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{tmp}{suffix}").unlink()


# ---- PostgreSQL -----------------------------------------------------------------------------


def pg_restore_binary() -> str:
    found = pg_tool("pg_restore")
    if found is None:
        raise RestoreError("pg_restore not found: install the PostgreSQL client tools")
    return found


def _pg_env(password: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if password is not None:
        env["PGPASSWORD"] = password
    return env


def _relations(url: str) -> int:
    engine = open_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            return conn.execute(
                text(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
                    " AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'"
                )
            ).scalar_one()
    except Exception as exc:  # noqa: BLE001 - any connection failure is reported the same way
        raise RestoreError(f"cannot open the target database: {type(exc).__name__}") from None
    finally:
        engine.dispose()


def restore_postgres(backup: str | Path, url: str) -> Restored:
    """``pg_restore`` ``backup`` into the empty database at ``url``, then fence and migrate.
    A bad backup or a non-empty target is refused before anything is written."""
    backup = Path(backup)
    if not backup.is_file():
        raise RestoreError(f"no such backup file: {backup}")
    binary = pg_restore_binary()
    listing = subprocess.run([binary, "--list", str(backup)], capture_output=True, text=True)
    if listing.returncode != 0:
        raise RestoreError(
            f"{backup} is not a pg_dump custom-format backup: {listing.stderr.strip()}"
        )
    if "TABLE DATA public changes" not in listing.stdout:
        raise RestoreError(f"{backup} is a pg_dump archive but not a 巷鄰 server database backup")
    found = _relations(url)
    if found:
        raise RestoreError(
            f"the target database is not empty ({found} tables/indexes/sequences); restore into"
            " a new empty database (createdb NAME) — nothing was changed"
        )
    dsn, password = _libpq_url(url)
    proc = subprocess.run(
        [binary, "--no-owner", "--exit-on-error", "--single-transaction", f"--dbname={dsn}",
         str(backup)],
        env=_pg_env(password), capture_output=True, text=True,
    )  # fmt: skip
    if proc.returncode != 0:  # one transaction: the target is still empty
        raise RestoreError(f"pg_restore failed: {proc.stderr.strip()}")
    engine = open_engine(url, pool_size=1)
    try:
        try:
            with write_tx(engine) as conn:
                offset = fence_history(conn)
                count = conn.execute(select(func.count()).select_from(changes)).scalar_one()
        except Exception as exc:
            raise RestoreError(
                f"the data was restored but the history fence failed ({type(exc).__name__});"
                " do NOT serve this database: drop it, create it empty and restore again"
            ) from exc
        _migrate(engine)
    finally:
        engine.dispose()
    return Restored(count, offset, [])


# ---- command --------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    target = args.db
    try:
        if target.startswith(PG_SCHEMES):
            result = restore_postgres(args.backup, target)
        elif "://" in target:
            raise RestoreError("--db must be a SQLite file path or a postgresql:// URL")
        else:
            result = restore_sqlite(args.backup, target, force=args.force)
    except RestoreError as exc:
        print(f"restore: {exc}", file=sys.stderr)
        return 1
    for path in result.moved_aside:
        print(f"moved aside: {path}")
    print(
        f"restored {args.backup}: {result.changes} change-log rows, history fenced"
        f" (+{result.offset}); every phone downloads again at its next sync"
    )
    return 0
