"""The phone's sync engine in its own process, so a test can kill -9 it at any instant.

    python -m tests.services.engine_child STORE URL TOKEN MODE [MARKER]

MODE ``normal``: sync until idle, print the final status as JSON. MODE ``hang``: after the
first push answer arrives from the server (so the server has committed that batch), write
MARKER and hang before the engine can record the acknowledgement: the parent kills us there.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
from pathlib import Path

import httpx

from services.store import Store
from services.sync import SyncEngine


class HangAfterCommit(httpx.AsyncBaseTransport):
    def __init__(self, marker: Path) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.marker = marker

    async def handle_async_request(self, request):
        response = await self.inner.handle_async_request(request)
        if request.url.path.endswith("/sync/push"):
            await response.aread()
            self.marker.write_text(str(response.status_code))
            await asyncio.Event().wait()  # hang: killed here, before the local ack
        return response


async def main(store_path: str, url: str, token: str, mode: str, marker: str | None) -> int:
    store = Store(store_path)
    transport = HangAfterCommit(Path(marker)) if mode == "hang" else None
    engine = SyncEngine(
        store, url, token, transport=transport, batch_size=50, backoff_base=0.05, backoff_max=0.5
    )
    status = await engine.sync_until_idle(120)
    await engine.stop()
    print(json.dumps(dataclasses.asdict(status), default=str))
    return 0 if status.pending == 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(*sys.argv[1:5], sys.argv[5] if len(sys.argv) > 5 else None)))
