"""Many wrong logins at once against a real server process, and its memory meanwhile.

The server must run with ``--forwarded-allow-ips 127.0.0.1``: each attempt then comes "from"
its own client address (``X-Forwarded-For``, on loopback only) with its own username, so no
rate limit refuses it before its password is checked and every one of them asks for an argon2
verification: the worst case for the server's memory. Memory is read from
``/proc/<pid>/status``: VmRSS when idle, VmHWM (the peak, reset before the flood through
``/proc/<pid>/clear_refs``) for the flood.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import time
from pathlib import Path

import httpx

FORWARDED_ARGS = ["--forwarded-allow-ips", "127.0.0.1"]


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def rss_kib(pid: int) -> int:
    return _status_kib(pid, "VmRSS")


def reset_peak(pid: int) -> None:
    """Start VmHWM afresh at the current RSS (Linux 4.0 and later)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_kib(pid: int) -> int:
    return _status_kib(pid, "VmHWM")


@dataclasses.dataclass
class FloodResult:
    statuses: collections.Counter
    idle_kib: int
    peak_kib: int
    after_kib: int
    seconds: float
    slowest_refusal: float  # seconds, the slowest 429/503 answer

    @property
    def peak_over_idle_mib(self) -> float:
        return (self.peak_kib - self.idle_kib) / 1024


async def _flood(url: str, n: int) -> tuple[collections.Counter, float, float]:
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:

        async def attempt(i: int) -> tuple[int, float]:
            t = time.perf_counter()
            r = await client.post(
                "/api/v1/auth/login",
                json={"username": f"flood{i:03d}", "password": "wrong", "device_id": f"d{i}"},
                headers={"X-Forwarded-For": f"10.77.{i // 200}.{i % 200 + 1}"},
            )
            return r.status_code, time.perf_counter() - t

        start = time.perf_counter()
        answers = await asyncio.gather(*(attempt(i) for i in range(n)))
        seconds = time.perf_counter() - start
    refusals = [s for code, s in answers if code in (429, 503)]
    return collections.Counter(code for code, _ in answers), seconds, max(refusals, default=0.0)


def wrong_login_flood(url: str, pid: int, n: int) -> FloodResult:
    """``n`` concurrent wrong logins against the server at ``url`` (process ``pid``)."""
    idle = rss_kib(pid)
    reset_peak(pid)
    statuses, seconds, slowest_refusal = asyncio.run(_flood(url, n))
    return FloodResult(statuses, idle, peak_kib(pid), rss_kib(pid), seconds, slowest_refusal)
