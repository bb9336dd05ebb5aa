"""A TCP proxy on loopback that cuts connections: the flaky mobile network in one object.

Each accepted connection is forwarded to the target; with probability ``cut_rate`` it is cut
after a random number of bytes of the server's answer (so some requests reach the server
and commit, and their answers never arrive whole). Runs in the caller's event loop."""

from __future__ import annotations

import asyncio
import contextlib
import random


class CuttingProxy:
    def __init__(self, target_port: int, *, cut_rate: float = 0.3, seed: int = 0) -> None:
        self.target_port = target_port
        self.cut_rate = cut_rate
        self.rng = random.Random(seed)
        self.cuts = 0
        self.connections = 0
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task] = set()

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.sockets[0].getsockname()[1]

    async def __aenter__(self) -> CuttingProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc) -> None:
        assert self._server is not None
        self._server.close()
        for t in list(self._tasks):
            t.cancel()
        for t in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        self.connections += 1
        cut_after = self.rng.randint(0, 3000) if self.rng.random() < self.cut_rate else None
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            self._tasks.discard(task)
            return

        async def pipe(src, dst, limit):
            sent = 0
            try:
                while True:
                    data = await src.read(4096)
                    if not data:
                        break
                    if limit is not None and sent + len(data) > limit:
                        dst.write(data[: max(0, limit - sent)])
                        await dst.drain()
                        self.cuts += 1
                        return "cut"
                    dst.write(data)
                    await dst.drain()
                    sent += len(data)
            except (ConnectionError, OSError):
                return "error"
            return "eof"

        try:
            up = asyncio.create_task(pipe(reader, up_writer, None))
            down = asyncio.create_task(pipe(up_reader, writer, cut_after))
            done, pending = await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
            for t in pending:
                t.cancel()
        finally:
            for w in (writer, up_writer):
                with contextlib.suppress(Exception):
                    w.transport.abort()  # a hard cut, like a lost signal
            self._tasks.discard(task)
