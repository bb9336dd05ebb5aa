"""SQLite's WAL checkpoints taken by a server thread, off the writers' path.

SQLite copies its write-ahead log back into the database file (a checkpoint) in whichever
commit takes the log past 1,000 pages, and that commit, with every writer queued behind it,
waits for the copy and its fsync. A 50-visit push writes about 130 pages, so every seventh or
eighth push paid a few milliseconds for all of them. A serving process instead checkpoints
from its own thread every ``every`` seconds: a PASSIVE checkpoint waits for no reader or
writer and blocks none, and SQLite runs it without Python's interpreter lock, beside the
requests. Its connections keep an automatic checkpoint, much further out (``BACKSTOP_PAGES``),
in case the thread ever falls behind.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine, event

log = logging.getLogger("xianglin.checkpoints")

#: a commit still checkpoints past this many log pages (~40 MB), should the thread lag
BACKSTOP_PAGES = 10_000


class Checkpointer:
    """Checkpoints ``engine``'s SQLite database every ``every`` seconds once started."""

    def __init__(self, engine: Engine, every: float = 0.2):
        if engine.dialect.name != "sqlite":
            raise ValueError("checkpoints are SQLite's")
        self.engine = engine
        self.every = every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Checkpointer:
        """Move checkpoints to the thread: connections opened from now on (the pool is
        emptied) leave them to it up to ``BACKSTOP_PAGES``."""
        event.listen(self.engine, "connect", _backstop)
        self.engine.dispose()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoints", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def checkpoint(self) -> tuple[int, int, int]:
        """One PASSIVE checkpoint now: (1 if it could not finish, log pages, pages copied)."""
        with self.engine.connect() as conn:
            busy, pages, copied = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        return busy, pages, copied

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.checkpoint()
            except Exception:  # noqa: BLE001 - the next round retries; commits still backstop
                log.warning("WAL checkpoint failed", exc_info=True)


def _backstop(dbapi_conn, _record) -> None:
    dbapi_conn.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
