"""Reads that may go to a PostgreSQL hot standby (``serve --read-replica URL``).

Pulls, reports and exports read from the standby; writes, sign-in and token checks stay on
the primary (a revoked token must stop working at once, not once the standby has replayed
the revocation). Without a standby every read goes to the primary.

``ReadRoute.read(fn, ...)`` runs ``fn(engine, ...)`` on the standby and, when the standby
cannot answer, once more on the primary: unreachable, a query cancelled by a recovery
conflict, a write refused because the standby is read-only. A standby's trouble costs the
primary one read, never the caller a 5xx. ``primary_if`` names further exceptions that mean
"the standby is too far behind for this read" (a pull cursor ahead of what it has replayed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import InternalError, OperationalError

log = logging.getLogger("xianglin.replica")

T = TypeVar("T")

#: What a hot standby answers when it cannot serve a read: connection errors and recovery
#: conflicts (OperationalError), read-only refusals (InternalError, SQLSTATE 25006).
STANDBY_TROUBLE = (OperationalError, InternalError)


class ReadRoute:
    """Where reads go: ``replica`` if there is one, else ``primary``."""

    def __init__(self, primary: Engine, replica: Engine | None = None) -> None:
        self.primary = primary
        self.replica = replica

    def read(
        self,
        fn: Callable[..., T],
        *args,
        primary_if: tuple[type[Exception], ...] = (),
        **kwargs,
    ) -> T:
        if self.replica is None:
            return fn(self.primary, *args, **kwargs)
        try:
            return fn(self.replica, *args, **kwargs)
        except primary_if as exc:
            log.info("read from the primary", extra={"why": type(exc).__name__})
        except STANDBY_TROUBLE as exc:
            log.warning(
                "standby could not answer; read from the primary",
                extra={"why": type(exc.orig).__name__ if exc.orig else type(exc).__name__},
            )
        return fn(self.primary, *args, **kwargs)
