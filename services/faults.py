"""A fault-injecting httpx transport: the bad network between a phone and the server.

Wraps a real transport and, at the given rates, drops the request before it leaves, drops
the response AFTER the server handled it (the nastiest case: the server committed, the
phone never heard), times out either way, or answers 503 in the server's place. Used by
the field simulator (``--faults``) and by the exactly-once tests.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random

import httpx


@dataclasses.dataclass
class FaultRates:
    drop_request: float = 0.0
    drop_response: float = 0.0
    timeout_before: float = 0.0
    timeout_after: float = 0.0
    server_error: float = 0.0

    @classmethod
    def uniform(cls, total: float) -> FaultRates:
        """``total`` spread evenly over the five kinds."""
        each = total / 5
        return cls(each, each, each, each, each)


class FaultyTransport(httpx.AsyncBaseTransport):
    """``FaultyTransport(httpx.AsyncHTTPTransport(), FaultRates(...), seed=1)``.

    Only requests whose path contains one of ``paths`` are disturbed (default: sync calls).
    ``injected`` counts each kind of fault it caused."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport | None = None,
        rates: FaultRates | None = None,
        *,
        seed: int | None = None,
        paths: tuple[str, ...] = ("/sync/",),
    ) -> None:
        self.inner = inner or httpx.AsyncHTTPTransport()
        self.rates = rates or FaultRates()
        self.rng = random.Random(seed)
        self.paths = paths
        self.enabled = True
        self.injected: dict[str, int] = {f.name: 0 for f in dataclasses.fields(FaultRates)}
        self.sent = 0

    def _roll(self, kind: str) -> bool:
        if self.rng.random() < getattr(self.rates, kind):
            self.injected[kind] += 1
            return True
        return False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        disturb = self.enabled and any(p in request.url.path for p in self.paths)
        if disturb:
            if self._roll("drop_request"):
                raise httpx.ConnectError("injected: request dropped", request=request)
            if self._roll("timeout_before"):
                raise httpx.ConnectTimeout("injected: connect timeout", request=request)
            if self._roll("server_error"):
                return httpx.Response(503, json={"detail": "injected"}, request=request)
        response = await self.inner.handle_async_request(request)
        self.sent += 1
        if disturb:
            after = self._roll("drop_response") and "drop_response"
            after = after or (self._roll("timeout_after") and "timeout_after")
            if after:
                # the server has handled the request; the phone never sees the answer
                await response.aread()
                await response.aclose()
                await asyncio.sleep(0)
                if after == "drop_response":
                    raise httpx.ReadError("injected: response lost", request=request)
                raise httpx.ReadTimeout("injected: read timeout", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
