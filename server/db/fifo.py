"""The queue of SQLite writers in this server process.

SQLite lets one writer in at a time and makes the others poll with growing sleeps
(busy_timeout), which is unfair and leaves long tails under contention. Writers that come
in bursts (pushes, rate-limit admissions of logins and of the public form) queue here
instead, in arrival order, and the write lock is handed over at once and in turn.
PostgreSQL needs none of this: its lock waits are queued already.
"""

from __future__ import annotations

import collections
import contextlib
import threading
from collections.abc import Iterator

from sqlalchemy import Engine


class FifoLock:
    """A lock granted in arrival order."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: collections.deque[threading.Event] = collections.deque()
        self._held = False

    def __enter__(self) -> None:
        with self._mutex:
            if not self._held:
                self._held = True
                return
            turn = threading.Event()
            self._waiters.append(turn)
        turn.wait()  # ownership is handed over by __exit__

    def __exit__(self, *exc) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().set()
            else:
                self._held = False


_sqlite_writers = FifoLock()


@contextlib.contextmanager
def queued_writer(engine: Engine) -> Iterator[None]:
    """Wait for this writer's turn (SQLite; at once on PostgreSQL). Not reentrant: take it
    around a whole write, never inside another queued one."""
    if engine.dialect.name == "sqlite":
        with _sqlite_writers:
            yield
    else:
        yield
