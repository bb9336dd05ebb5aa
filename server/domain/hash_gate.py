"""At most N password hashes at once per server process.

Each argon2 verification holds 19 MiB and a core for tens of milliseconds, so unbounded
concurrent logins are a lever to exhaust the server's memory. ``HashGate.run`` runs a hash in
one of ``slots`` dedicated threads (so the memory the allocator keeps for them is bounded
too); a login finding every slot busy waits for one at most ``wait`` seconds, and at most
``queue`` logins wait at all. Anything beyond raises ``Busy`` at once, which the route
answers with 503 and Retry-After: a flood is refused quickly instead of piling up.
"""

from __future__ import annotations

import asyncio
import math
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class Busy(Exception):
    """Every hashing slot is taken and the wait is over (or the queue full)."""

    def __init__(self, retry_after: int):
        super().__init__(f"password hashing busy; retry after {retry_after} s")
        self.retry_after = retry_after


class HashGate:
    def __init__(self, slots: int, wait: float, queue: int):
        if slots < 1 or queue < 0 or wait < 0:
            raise ValueError("slots must be at least 1; wait and queue at least 0")
        self.slots = slots
        self.wait = wait
        self.queue = queue
        self.waiting = 0
        self._executor = ThreadPoolExecutor(max_workers=slots, thread_name_prefix="password-hash")
        # one semaphore per event loop (a server process has one; tests may run several)
        self._semaphores: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, asyncio.Semaphore
        ] = weakref.WeakKeyDictionary()

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        sem = self._semaphores.get(loop)
        if sem is None:
            sem = self._semaphores[loop] = asyncio.Semaphore(self.slots)
        return sem

    @property
    def all_busy(self) -> bool:
        """Whether every slot is taken. Call it on the event loop."""
        return self._semaphore().locked()

    @property
    def saturated(self) -> bool:
        """Whether a login coming now would be refused without waiting (every slot busy and
        the queue full). Call it on the event loop."""
        return self.all_busy and self.waiting >= self.queue

    @property
    def retry_after(self) -> int:
        return max(1, math.ceil(self.wait))

    async def run(self, fn: Callable[..., T], *args) -> T:
        """``fn(*args)`` in a hashing thread once a slot is free; Busy if none comes soon."""
        sem = self._semaphore()
        if sem.locked():
            if self.waiting >= self.queue:
                raise Busy(self.retry_after)
            self.waiting += 1
            try:
                await asyncio.wait_for(sem.acquire(), self.wait)
            except TimeoutError:
                raise Busy(self.retry_after) from None
            finally:
                self.waiting -= 1
        else:
            await sem.acquire()
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
        finally:
            sem.release()

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
