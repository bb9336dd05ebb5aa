"""An in-process stand-in for the sync API behind ``httpx.MockTransport``, for engine tests
that need exact control over answers (status codes, blocking, scripted failures). The
engine is tested against the real server in test_sync_live.py and test_exactly_once.py."""

from __future__ import annotations

import asyncio
import json

import httpx

from services.protocol import PullResponse, PushRequest


class FakeServer:
    def __init__(self, changes: list[dict] | None = None, page_size: int = 2) -> None:
        self.changes = list(changes or [])
        self.page_size = page_size
        self.applied: dict[str, dict] = {}
        self.push_batches: list[list[str]] = []
        self.pull_cursors: list[str | None] = []
        self.log: list[str] = []
        self.reject_entities: set[str] = set()
        self.refuse_envelope: set[str] = set()  # a batch holding one of these entities: 422
        self.fail: dict[str, list[int]] = {"push": [], "pull": [], "health": []}
        self.health_ok = True
        self.gate: asyncio.Event | None = None  # if set, pulls wait for it
        self.entered_pull = asyncio.Event()
        self.token = "t0k"
        self.epoch = 1  # cursors from another epoch are 410

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        kind = {"/sync/push": "push", "/sync/pull": "pull", "/health": "health"}.get(path)
        if kind == "health":
            if not self.health_ok:
                raise httpx.ConnectError("down", request=request)
            return httpx.Response(
                200, json={"status": "ok", "server_time": "2026-11-24T00:00:00+00:00"}
            )
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return httpx.Response(401, json={"detail": "bad token"})
        if kind and self.fail[kind]:
            code = self.fail[kind].pop(0)
            if code == 0:
                raise httpx.ConnectError("network down", request=request)
            return httpx.Response(code, json={"detail": "scripted"})
        self.log.append(kind)
        if kind == "push":
            return self._push(request)
        return await self._pull(request)

    def _push(self, request: httpx.Request) -> httpx.Response:
        body = PushRequest.model_validate(json.loads(request.content))
        if any(str(m.entity_id) in self.refuse_envelope for m in body.mutations):
            return httpx.Response(422, json={"detail": "bad envelope"})
        self.push_batches.append([str(m.id) for m in body.mutations])
        results = []
        for m in body.mutations:
            mid = str(m.id)
            if mid in self.applied:
                results.append({"id": mid, "status": "duplicate"})
            elif str(m.entity_id) in self.reject_entities:
                results.append(
                    {
                        "id": mid,
                        "status": "rejected",
                        "error": {"code": "out_of_scope", "message": "not yours"},
                    }
                )
            else:
                self.applied[mid] = m.model_dump(mode="json")
                results.append({"id": mid, "status": "applied"})
        return httpx.Response(200, json={"results": results})

    async def _pull(self, request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("cursor")
        self.pull_cursors.append(cursor)
        self.entered_pull.set()
        if self.gate is not None:
            await self.gate.wait()
        start = 0
        if cursor is not None:
            if ":" not in cursor:
                return httpx.Response(400, json={"detail": "malformed cursor"})
            epoch, pos = cursor.split(":")
            if int(epoch) != self.epoch:
                return httpx.Response(410, json={"detail": "gone"})
            start = int(pos)
        page = self.changes[start : start + self.page_size]
        end = start + len(page)
        body = {
            "changes": page,
            "cursor": f"{self.epoch}:{end}",
            "has_more": end < len(self.changes),
        }
        PullResponse.model_validate(body)
        return httpx.Response(200, json=body)
