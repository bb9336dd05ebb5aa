"""Pushes worked on at once in one server process; the others wait in arrival order.

A push is mostly work for the process's one Python interpreter (parsing, validating,
building rows) between short waits on the database. Unbounded, a burst of pushes (eleven
heads syncing at once) shares the interpreter all together: each advances a little at a time,
and a thread coming back from the database waits for the interpreter while the others
compute, so on PostgreSQL the slowest push of a burst took two to three times the median.
With a few turns, one push computes while another waits on the database, the rest queue
first come, first served, and the slowest push is close to the median.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator


class Turns:
    def __init__(self, turns: int):
        if turns < 1:
            raise ValueError("turns must be at least 1")
        self.turns = turns
        # one semaphore per event loop (a server process has one; tests may run several)
        self._semaphores: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, asyncio.Semaphore
        ] = weakref.WeakKeyDictionary()

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold one of the turns; waits, in arrival order, while all are taken."""
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.turns)
        async with semaphore:
            yield
