"""The background sync engine: push the outbox, then pull the scope (docs/sync-protocol.md).

- Push before pull, the outbox in order, in batches. Per mutation: applied / duplicate ->
  done; rejected -> kept with the server's code and message, never blocking the rest. A
  mutation no server could receive (not JSON-safe or too large; an older version could write
  one) is rejected on the phone with ``unsendable`` before the push, and the rest go on.
  Network error, timeout or 5xx -> the same batch is sent again later (exponential backoff
  with jitter); the server's idempotency makes a resend after a lost answer harmless.
  401 -> stop, ``needs_login``, outbox kept.
- Pull pages after the stored cursor, each page and its cursor in one store transaction;
  410 (or a cursor the server calls malformed) -> ``store.reset_scope()`` and again from no
  cursor, outbox untouched.
- The background loop outlives any failure: an unexpected error is logged by type and
  frames (never its text), shown as ``error_kind="internal"`` and retried with backoff.
- Triggers: ``request_sync()`` (after a local write, on app resume), connectivity back (a
  ``GET /health`` probe while offline), every ``period`` seconds. One sync at a time; a
  trigger during a sync schedules exactly one follow-up. ``cancel()`` stops the running sync
  at its next await (whatever was acknowledged stays acknowledged).

    engine = SyncEngine(store, "http://127.0.0.1:8000", token)
    unsubscribe = engine.subscribe(lambda status: print(status.pending))
    await engine.start()
    engine.request_sync()
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import logging
import random
from collections.abc import Callable
from typing import Any

import httpx
from pydantic import ValidationError

from services.failures import log_failure
from services.http import (
    MESSAGES,
    SyncError,
    error_for_exception,
    error_for_status,
    make_client,
)
from services.protocol import DEFAULT_PULL_LIMIT, MAX_PUSH_BYTES, MAX_PUSH_MUTATIONS, PushResponse
from services.sendable import UNSENDABLE, Unsendable, encode_mutation, push_body
from services.store import Store

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class SyncStatus:
    """What the UI shows about syncing. ``progress_done``/``progress_total`` count mutations
    while pushing and pages while pulling (total = done + 1 while more pages follow).
    ``phase`` ("push" | "pull" | None) and ``error_kind`` (see services.http.SyncError) are
    part of the contract so the app can pick its own catalogue text."""

    online: bool = True
    syncing: bool = False
    pending: int = 0
    rejected: int = 0
    last_sync_at: dt.datetime | None = None
    last_error: str | None = None
    progress_done: int = 0
    progress_total: int = 0
    needs_login: bool = False
    phase: str | None = None
    error_kind: str | None = None


Subscriber = Callable[[SyncStatus], Any]


class SyncEngine:
    """Keeps one store in sync with the server, in the background, one sync at a time."""

    def __init__(
        self,
        store: Store,
        base_url: str,
        token: str | None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        client: httpx.AsyncClient | None = None,
        device_id: str | None = None,
        batch_size: int = 100,
        pull_limit: int = DEFAULT_PULL_LIMIT,
        period: float = 300.0,
        probe_interval: float = 15.0,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        timeout: float = 15.0,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.base_url = base_url
        self._token = token
        self._own_client = client is None
        self._client = client or make_client(base_url, transport=transport, timeout=timeout)
        self.device_id = device_id or store.device_id
        self.batch_size = max(1, min(int(batch_size), MAX_PUSH_MUTATIONS))
        self.pull_limit = pull_limit
        self.period = period
        self.probe_interval = probe_interval
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self._rng = rng or random.Random()
        self._failures = 0
        self._subscribers: list[Subscriber] = []
        counts = store.outbox_counts()
        self._status = SyncStatus(
            pending=counts["pending"], rejected=counts["rejected"], needs_login=token is None
        )
        self._lock = asyncio.Lock()
        self._stopping = False
        self._wanted = asyncio.Event()
        self._runner: asyncio.Task | None = None
        self._kick: asyncio.Task | None = None
        self._inner: asyncio.Task | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # ---- status -------------------------------------------------------------------------
    @property
    def status(self) -> SyncStatus:
        return self._status

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(status)`` on every status change; returns an unsubscribe function."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(callback)

        return unsubscribe

    def _update(self, **changes: Any) -> None:
        new = dataclasses.replace(self._status, **changes)
        if new == self._status:
            return
        self._status = new
        for callback in list(self._subscribers):
            try:
                callback(new)
            except Exception as exc:  # a broken listener must not stop syncing
                # type and frames only: the message may hold what the UI was showing
                log_failure(log, "sync status subscriber", exc)

    def _refresh_counts(self, **changes: Any) -> None:
        counts = self.store.outbox_counts()
        self._update(pending=counts["pending"], rejected=counts["rejected"], **changes)

    # ---- controls -----------------------------------------------------------------------
    def set_token(self, token: str) -> None:
        """Use a new token after the user signed in again; clears ``needs_login``."""
        self._token = token
        self._update(needs_login=False, last_error=None, error_kind=None)
        self.request_sync()

    def set_online(self, online: bool) -> None:
        """Tell the engine the platform's connectivity changed; back online -> a sync."""
        self._update(online=bool(online))
        if online:
            self._failures = 0
            self.request_sync()

    def request_sync(self) -> None:
        """Ask for a sync soon; returns at once. Many requests during a sync -> one follow-up.
        Safe to call from any thread (Flet runs plain handlers in worker threads): off the
        engine's event loop the request is handed over to it."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is None or (self._loop is not None and running is not self._loop):
            if self._loop is not None and not self._loop.is_closed():
                self._loop.call_soon_threadsafe(self.request_sync)
            else:
                self._wanted.set()  # no loop yet: the first start()/sync picks it up
            return
        self._loop = running
        self._wanted.set()
        if self._runner is not None and not self._runner.done():
            return  # the background loop picks it up
        if self._kick is not None and not self._kick.done():
            return  # the running kick loops while requests keep coming
        self._kick = running.create_task(self._serve_requests())

    async def wait_idle(self) -> SyncStatus:
        """Wait until no sync is running and no requested one is queued (tests and
        the app's "pull to refresh" use it). Does not start one."""
        while True:
            kick = self._kick
            if kick is not None and not kick.done():
                await asyncio.shield(kick)
                continue
            if self._lock.locked() or (
                self._wanted.is_set()
                and self._runner is not None
                and not self._runner.done()
                and not self._status.needs_login
            ):
                await asyncio.sleep(0.01)  # the runner owns these; look again shortly
                continue
            return self._status

    async def _serve_requests(self) -> None:
        while self._wanted.is_set() and not self._status.needs_login and not self._stopping:
            await self.sync_now()

    async def start(self) -> None:
        """Start the background loop (periodic syncs, connectivity probes, triggers)."""
        self._loop = asyncio.get_running_loop()
        self._stopping = False
        if self._runner is None or self._runner.done():
            self._wanted.set()  # sync once at start
            self._runner = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop the background loop and any running sync; close the owned HTTP client."""
        # a cancellation can get lost on its way (Python 3.11's wait_for, for one, swallows
        # one that arrives as its timeout fires): the flag ends the loop at its next turn
        self._stopping = True
        for task in (self._runner, self._kick, self._inner):
            if task is not None and not task.done():
                task.cancel()
        for task in (self._runner, self._kick, self._inner):
            if task is not None:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._runner = self._kick = self._inner = None
        if self._own_client:
            await self._client.aclose()

    def cancel(self) -> None:
        """Cancel the sync in progress, if any (the background loop carries on)."""
        if self._inner is not None and not self._inner.done():
            self._inner.cancel()

    # ---- the loop -----------------------------------------------------------------------
    def backoff_delay(self) -> float:
        """Exponential backoff with jitter: half fixed, half random, capped."""
        if self._failures <= 0:
            return 0.0
        cap = min(self.backoff_max, self.backoff_base * 2 ** (self._failures - 1))
        return cap / 2 + self._rng.uniform(0, cap / 2)

    def _next_wait(self) -> float:
        if not self._status.online:
            return self.probe_interval
        if self._failures:
            return self.backoff_delay()
        return self.period

    async def _run(self) -> None:
        while not self._stopping:
            if self._status.needs_login:
                await self._wanted.wait()  # set_token() wakes us
            try:
                await asyncio.wait_for(self._wanted.wait(), timeout=self._next_wait())
                triggered = True
            except TimeoutError:
                triggered = False
            if self._stopping:
                return
            try:
                if not triggered and not self._status.online:
                    if not await self.probe():
                        continue
                await self.sync_now()
            except Exception as exc:  # the loop must outlive anything: it is the only uploader
                self._failed(exc)

    async def probe(self) -> bool:
        """``GET /health``: True (and online) if the server answers."""
        try:
            resp = await self._client.get("/health")
            ok = resp.status_code == 200
        except httpx.HTTPError:
            ok = False
        if ok:
            self._failures = 0
            self._update(online=True)
        return ok

    async def sync_until_idle(self, timeout: float) -> SyncStatus:
        """Sync, retrying through transient faults with backoff, until the outbox has nothing
        left to push and a pull completed, or ``timeout`` seconds passed (for the
        simulator, tests and a "sync now" button)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            status = await self.sync_now()
            if status.needs_login:
                return status
            if status.last_error is None and status.pending == 0:
                return status
            left = deadline - loop.time()
            if left <= 0:
                return status
            await asyncio.sleep(min(left, max(self.backoff_delay(), 0.01)))

    async def sync_now(self) -> SyncStatus:
        """One full sync (push, then pull); waits for a running one first. Never raises for
        network or server trouble: the outcome is in the returned status."""
        self._loop = asyncio.get_running_loop()
        async with self._lock:
            self._wanted.clear()
            if self._token is None:
                self._update(needs_login=True)
                return self._status
            self._inner = asyncio.get_running_loop().create_task(self._sync_once())
            try:
                await asyncio.shield(self._inner)
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if (current is not None and current.cancelling()) or not self._inner.cancelled():
                    # we were cancelled ourselves (stop()): cancel the sync too. Asking the
                    # task, not the sync, matters: stop() cancels both at once, and a sync
                    # seen cancelled first once made this look like cancel() and swallowed
                    # the stop, so the background loop ran on and stop() never returned.
                    self._inner.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await self._inner
                    raise
                self._refresh_counts(
                    syncing=False,
                    phase=None,
                    last_error=MESSAGES["cancelled"],
                    error_kind="cancelled",
                )
            finally:
                self._inner = None
            return self._status

    def _failed(self, exc: Exception) -> None:
        """An unexpected error ended a sync: log it without its text, show it, back off."""
        log_failure(log, "sync", exc)
        self._failures += 1
        self._update(
            syncing=False, phase=None, last_error=MESSAGES["internal"], error_kind="internal"
        )

    async def _sync_once(self) -> None:
        try:
            self._refresh_counts(syncing=True, progress_done=0, progress_total=0)
            await self._push_all()
            await self._pull_all()
        except SyncError as err:
            if err.transient:
                self._failures += 1
            offline = err.kind in ("network", "timeout")
            self._refresh_counts(
                syncing=False,
                phase=None,
                online=not offline and self._status.online,
                needs_login=err.kind == "auth" or self._status.needs_login,
                last_error=err.message,
                error_kind=err.kind,
            )
            return
        except Exception as exc:  # a bug or a broken store: report it, keep the engine alive
            self._failed(exc)
            with contextlib.suppress(Exception):
                self._refresh_counts()
            return
        self._failures = 0
        self._refresh_counts(
            syncing=False,
            phase=None,
            online=True,
            last_sync_at=dt.datetime.now(dt.UTC),
            last_error=None,
            error_kind=None,
        )

    # ---- HTTP ---------------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    async def _send(
        self, method: str, url: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        try:
            resp = await self._client.request(
                method, url, headers={**self._headers(), **(headers or {})}, **kwargs
            )
        except httpx.TransportError as exc:
            raise error_for_exception(exc) from None
        if resp.status_code != 200:
            raise error_for_status(resp)
        return resp

    @staticmethod
    def _json(resp: httpx.Response, model: type) -> Any:
        try:
            return model.model_validate_json(resp.content)
        except (ValueError, ValidationError):
            raise SyncError("protocol", MESSAGES["protocol"]) from None

    # ---- push ---------------------------------------------------------------------------
    async def _push_all(self) -> None:
        total = self.store.outbox_counts()["pending"]
        done = 0
        size = self.batch_size
        self._update(phase="push", progress_done=0, progress_total=total)
        while True:
            batch, body, unsendable = self._next_push(size)
            if unsendable:
                self.store.mark_results(unsendable)
                done += len(unsendable)
                self._refresh_counts(progress_done=done)
            if not batch:
                if unsendable:
                    continue
                return
            try:
                resp = await self._send(
                    "POST",
                    "/sync/push",
                    content=body,
                    headers={"Content-Type": "application/json"},
                )
            except SyncError as err:
                if err.kind == "too_large" and size > 1:
                    size = max(1, size // 2)  # e.g. long notes: smaller batches fit
                    continue
                if err.kind in ("bad_request", "too_large") and len(batch) == 1:
                    # the server refuses this one mutation's envelope: set it aside, go on
                    self.store.mark_results(
                        [
                            {
                                "id": batch[0]["id"],
                                "status": "rejected",
                                "error": {"code": f"http_{err.status}", "message": err.message},
                            }
                        ]
                    )
                    size = self.batch_size  # found it: back to full batches
                    continue
                if err.kind == "bad_request" and size > 1:
                    size = 1  # find the one the server refuses
                    continue
                raise
            results = self._json(resp, PushResponse).results
            known = {m["id"] for m in batch}
            answered = [r for r in results if r.id in known]
            if not answered:
                raise SyncError("protocol", MESSAGES["protocol"])
            self.store.mark_results(answered)
            done += len(answered)
            counts = self.store.outbox_counts()
            self._update(
                progress_done=done,
                progress_total=max(total, done + counts["pending"]),
                pending=counts["pending"],
                rejected=counts["rejected"],
            )

    def _next_push(self, size: int) -> tuple[list[dict], bytes, list[dict]]:
        """The next batch of at most ``size`` pending mutations that fits one push body, that
        body, and the results that set aside the unsendable ones met on the way."""
        batch: list[dict] = []
        encoded: list[bytes] = []
        unsendable: list[dict] = []
        room = MAX_PUSH_BYTES - len(push_body(self.device_id, []))
        for mutation in self.store.outbox_batch(size):
            try:
                one = encode_mutation(mutation)
            except Unsendable as exc:
                error = {"code": UNSENDABLE, "message": exc.reason}
                unsendable.append({"id": mutation["id"], "status": "rejected", "error": error})
                continue
            if batch and len(one) + 1 > room:
                break  # the rest waits for the next push
            room -= len(one) + 1
            batch.append(mutation)
            encoded.append(one)
        return batch, push_body(self.device_id, encoded), unsendable

    # ---- pull ---------------------------------------------------------------------------
    async def _fetch_page(self, cursor: str | None) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": self.pull_limit}
        if cursor is not None:
            params["cursor"] = cursor
        resp = await self._send("GET", "/sync/pull", params=params)
        # a full pull is ~16k rows: a plain parse and a shape check, not a pydantic model
        # per row, keep the first download of a staff phone fast
        try:
            body = json.loads(resp.content)
        except ValueError:
            raise SyncError("protocol", MESSAGES["protocol"]) from None
        if not _is_pull_page(body):
            raise SyncError("protocol", MESSAGES["protocol"])
        return body

    async def _pull_all(self) -> None:
        """Pages after the stored cursor; while one page is being stored, the next one is
        already on its way (each page and its cursor still go in one transaction, in order)."""
        cursor = self.store.cursor
        restarted = False
        pages = changed = 0
        self._update(phase="pull", progress_done=0, progress_total=1)
        fetch = asyncio.ensure_future(self._fetch_page(cursor))
        try:
            while True:
                try:
                    page = await fetch
                except SyncError as err:
                    if err.kind in ("gone", "bad_request") and cursor is not None and not restarted:
                        await asyncio.to_thread(self.store.reset_scope)
                        cursor, restarted = None, True
                        fetch = asyncio.ensure_future(self._fetch_page(None))
                        continue
                    raise
                if page["has_more"]:
                    fetch = asyncio.ensure_future(self._fetch_page(page["cursor"]))
                # the store is synchronous: keep the event loop (the UI) free while it writes
                await asyncio.to_thread(self.store.apply_pull_page, page["changes"], page["cursor"])
                cursor = page["cursor"]
                pages += 1
                self._update(progress_done=pages, progress_total=pages + int(page["has_more"]))
                changed += len(page["changes"])
                if not page["has_more"]:
                    if changed:
                        await asyncio.to_thread(self.store.warm_search)
                    return
        finally:
            if not fetch.done():
                fetch.cancel()
                with contextlib.suppress(BaseException):
                    await fetch


_OPS = frozenset({"upsert", "delete"})


def _is_pull_page(body: Any) -> bool:
    """The shape of ``services.protocol.PullResponse``, checked without building models."""
    if not isinstance(body, dict):
        return False
    changes = body.get("changes")
    if not isinstance(changes, list) or not isinstance(body.get("cursor"), str):
        return False
    if not isinstance(body.get("has_more"), bool):
        return False
    for ch in changes:
        if not (
            isinstance(ch, dict)
            and isinstance(ch.get("entity"), str)
            and isinstance(ch.get("id"), str)
            and ch.get("op") in _OPS
            and isinstance(ch.get("version"), int)
            and (ch.get("data") is None or isinstance(ch["data"], dict))
        ):
            return False
    return True
