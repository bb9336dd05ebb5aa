"""A TCP proxy on loopback that cuts connections: the flaky mobile network in one object.

Each accepted connection is forwarded to the target. Every chunk of the server's answer is,
with probability ``cut_rate``, passed on only in part and the connection then cut: the
server has handled (and committed) the request, the phone gets half an answer. Every chunk
of a request is, with probability ``cut_rate / 3``, dropped with the connection. Runs in the
caller's event loop."""

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
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
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
        for w in list(self._writers):
            w.transport.abort()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)
        await self._server.wait_closed()

    async def _pipe(self, src, dst, conn: dict, upstream: bool) -> None:
        """Copy ``src`` to ``dst``. Upstream (requests): each request is dropped with the
        connection at rate cut_rate / 3. Downstream (answers): each answer is cut after a
        random number of bytes at rate cut_rate."""
        with contextlib.suppress(ConnectionError, OSError):
            while True:
                data = await src.read(65536)
                if not data:
                    return
                if upstream:
                    if self.rng.random() < self.cut_rate / 3:
                        self.cuts += 1
                        return
                    conn["answer_left"] = (
                        self.rng.randint(0, 4000) if self.rng.random() < self.cut_rate else None
                    )
                else:
                    left = conn.get("answer_left")
                    if left is not None and len(data) > left:
                        dst.write(data[:left])
                        with contextlib.suppress(ConnectionError, OSError):
                            await dst.drain()
                        self.cuts += 1
                        return
                    if left is not None:
                        conn["answer_left"] = left - len(data)
                dst.write(data)
                await dst.drain()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._tasks.add(asyncio.current_task())
        self._writers.add(writer)
        self.connections += 1
        up_writer = None
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
            self._writers.add(up_writer)
            conn: dict = {}
            up = asyncio.ensure_future(self._pipe(reader, up_writer, conn, True))
            down = asyncio.ensure_future(self._pipe(up_reader, writer, conn, False))
            await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
        except OSError:
            pass
        finally:
            for w in (writer, up_writer):
                if w is not None:
                    w.transport.abort()  # a hard cut, like a lost signal
                    self._writers.discard(w)
            for t in (locals().get("up"), locals().get("down")):
                if t is not None:
                    with contextlib.suppress(BaseException):
                        await t
            self._tasks.discard(asyncio.current_task())
