"""The one app state object of a session: services, user, sync status, language, navigation.

It is created per Flet session in ``app.main`` and passed to every screen builder; nothing
imports it as a global. Screens read data through ``state.store`` and change it through the
store's write methods, then call ``state.after_write()`` so the engine uploads in the background.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import flet as ft

from app import prefs as P
from app import theme
from app.i18n import DEFAULT_LANG, Translator
from app.nav import Navigator
from app.paths import store_path
from components.sync_badge import BadgeState

log = logging.getLogger(__name__)


def preload_services() -> None:
    """Import the store and the sync engine (pypinyin loads its dictionary on import, ~0.3 s).
    ``app.main`` runs this in a worker thread while the first screen shows, so signing in
    does not pay for it on the event loop."""
    import services.store  # noqa: F401
    import services.sync  # noqa: F401


def _open_store(path: Path, user: dict) -> Any:
    """Open (create, migrate) a user's store and remember the user: blocking, for a thread."""
    preload_services()
    from services.store import Store

    store = Store(path)
    try:
        store.set_user(user)
    except BaseException:
        store.close()
        raise
    return store


#: Seconds between saving a visit and the upload it asks for. The save goes back to the
#: household page, the screen a head waits for at the door, and started at once the upload's
#: work and the badge's redraws (syncing, then online) shared the phone with drawing it.
#: Measured with bench/app_bench.py on a busy 2-core machine (server, app and browser on
#: it), a visit saved -> the household page on screen, saves alternating between the two
#: ways in the same runs: 40 each, median 150 -> 125 ms, 90th percentile 340 -> 175 ms;
#: again once the server's push had got cheaper, 20 each at load 7-9: median 105 -> 100 ms,
#: 90th percentile 220 -> 180 ms. The entry waits safe in the outbox, shown as pending.
#: Other writes upload at once: their screens redraw when the upload comes back (a meeting
#: once its decision is acknowledged), and a redraw later than now fell on the next tap, a
#: decision's dialog, and took it away.
UPLOAD_AFTER_VISIT = 0.4


@dataclass
class SyncView:
    """The engine's status, as the screens need it (also used before the engine exists)."""

    online: bool = False
    syncing: bool = False
    pending: int = 0
    rejected: int = 0
    last_sync_at: Any = None
    last_error: str | None = None
    progress_done: int = 0
    progress_total: int = 0
    needs_login: bool = False
    phase: str | None = None
    error_kind: str | None = None

    @classmethod
    def from_status(cls, s: Any) -> SyncView:
        return cls(**{f: getattr(s, f, getattr(cls, f, None)) for f in cls.__dataclass_fields__})


@dataclass
class AppState:
    page: ft.Page
    prefs: P.Prefs
    vault: P.Prefs
    data_dir: Path
    secure_token: bool = False
    default_server: str = ""
    t: Translator = field(default_factory=Translator)
    server_url: str = ""
    user: dict | None = None
    token: str | None = None
    store: Any = None  # services.store.Store once signed in
    engine: Any = None  # services.sync.SyncEngine once signed in
    sync: SyncView = field(default_factory=SyncView)
    nav: Navigator | None = None
    pin_failures: int = 0
    pin_on: bool = False  # mirrors whether a PIN hash is stored
    #: opens a URL outside the app (``tel:`` for the dialer); None = the platform's launcher.
    #: View tests put a recorder here: the dialer is beyond what a test can reach.
    open_url: Callable[[str], Awaitable[None]] | None = None
    #: hands a file's bytes to the user (the browser's download, the phone's save dialog);
    #: None = Flet's file picker. View tests put a recorder here.
    save_bytes: Callable[[str, bytes], Awaitable[None]] | None = None
    #: the text-size setting (a key of ``theme.TEXT_SCALES``)
    text_size: str = theme.DEFAULT_TEXT_SIZE
    _unsubscribe: Callable | None = None

    # ---- language --------------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self.t.lang

    async def set_language(self, lang: str) -> None:
        self.t = Translator(lang)
        self.page.title = self.t("app.name")
        theme.apply_language(self.page, self.t.lang)
        await self.prefs.set(P.KEY_LANG, self.t.lang)
        if self.nav:
            self.nav.rebuild_all()

    # ---- text size -------------------------------------------------------------------------
    async def set_text_size(self, name: str) -> None:
        """Scale every screen's text (``theme.TEXT_SCALES``: standard, large, xlarge); kept on
        the device."""
        if name not in theme.TEXT_SCALES:
            raise ValueError(f"unknown text size {name!r}")
        self.text_size = name
        theme.apply(self.page, theme.TEXT_SCALES[name])
        await self.prefs.set(P.KEY_TEXT_SIZE, name)
        if self.nav:
            self.nav.rebuild_all()

    # ---- messages --------------------------------------------------------------------------
    def toast(self, text: str, *, error: bool = False) -> None:
        """A short message at the bottom of the screen."""
        self.page.show_dialog(
            ft.SnackBar(
                ft.Text(text, color=ft.Colors.ON_ERROR if error else None),
                bgcolor=ft.Colors.ERROR if error else None,
                duration=ft.Duration(seconds=4),
            )
        )

    async def launch(self, url: str) -> None:
        """Open ``url`` with the phone (``tel:...`` opens the dialer)."""
        if self.open_url is not None:
            await self.open_url(url)
        else:
            await ft.UrlLauncher().launch_url(url)

    async def save_file(self, name: str, content: bytes) -> None:
        """Give the user a file: a download in the browser, a save dialog on a phone."""
        if self.save_bytes is not None:
            await self.save_bytes(name, content)
        else:
            await ft.FilePicker().save_file(file_name=name, src_bytes=content)

    # ---- session ---------------------------------------------------------------------------
    async def restore(self) -> None:
        """Read language, server address and the remembered user from the device."""
        self.t = Translator(await self.prefs.get(P.KEY_LANG) or DEFAULT_LANG)
        theme.apply_language(self.page, self.t.lang)
        size = await self.prefs.get(P.KEY_TEXT_SIZE)
        self.text_size = size if size in theme.TEXT_SCALES else theme.DEFAULT_TEXT_SIZE
        theme.apply(self.page, theme.TEXT_SCALES[self.text_size])
        self.server_url = await self.prefs.get(P.KEY_SERVER) or self.default_server
        raw_user = await self.prefs.get(P.KEY_USER)
        self.token = await self.vault.get(P.KEY_TOKEN)
        try:
            self.user = json.loads(raw_user) if raw_user else None
        except ValueError:
            self.user = None
        if not self.token:
            self.user = None

    async def has_pin(self) -> bool:
        self.pin_on = bool(await self.prefs.get(P.KEY_PIN))
        return self.pin_on

    async def set_pin(self, pin_hash: str | None) -> None:
        if pin_hash:
            await self.prefs.set(P.KEY_PIN, pin_hash)
        else:
            await self.prefs.remove(P.KEY_PIN)
        self.pin_on = bool(pin_hash)

    async def sign_in(self, server_url: str, token: str, user: dict) -> None:
        """Remember a fresh login and open this user's store and engine."""
        self.server_url, self.token, self.user = server_url, token, user
        await self.prefs.set(P.KEY_SERVER, server_url)
        await self.prefs.set(P.KEY_USER, json.dumps(user, ensure_ascii=False))
        await self.vault.set(P.KEY_TOKEN, token)
        await self.open_workspace()

    async def open_workspace(self) -> None:
        """Open the signed-in user's store and start the background sync engine. The store's
        first import (the pinyin dictionary, ~0.3 s) and its file open run in a worker
        thread, so the event loop (the UI) never waits for them."""
        assert self.user and self.token
        await self.close_workspace()
        self.store = await asyncio.to_thread(
            _open_store, store_path(self.data_dir, self.user["id"]), self.user
        )
        from services.sync import SyncEngine  # already imported by _open_store

        self.pin_failures = 0
        self.engine = SyncEngine(self.store, self.server_url, self.token)
        self._unsubscribe = self.engine.subscribe(self._on_status)
        self.refresh_counts()
        await self.engine.start()
        self.engine.request_sync()

    async def close_workspace(self) -> None:
        if self._unsubscribe:
            self._unsubscribe()
            self._unsubscribe = None
        if self.engine is not None:
            try:
                await self.engine.stop()
            except Exception:  # stopping must never block signing out
                log.exception("sync engine did not stop cleanly")
            self.engine = None
        if self.store is not None:
            self.store.close()
            self.store = None

    async def sign_out(self) -> None:
        """Revoke the token on the server when reachable, then forget token and user on this
        device; the store file and its outbox stay for the next sign-in of the same user."""
        await self.close_workspace()
        if self.token and self.server_url:
            from services.auth import logout

            try:
                await logout(self.server_url, self.token, timeout=5)
            except Exception:  # offline or server trouble: the phone forgets the token anyway
                log.info("server logout failed; token forgotten locally")
        await self.vault.remove(P.KEY_TOKEN)
        await self.prefs.remove(P.KEY_USER)
        await self.set_pin(None)
        self.token = None
        self.user = None
        self.sync = SyncView()

    # ---- sync ------------------------------------------------------------------------------
    def after_write(self, *, upload_in: float = 0.0) -> None:
        """Call after every local write: refresh counts and let the engine upload, at once
        or ``upload_in`` seconds later (``UPLOAD_AFTER_VISIT``)."""
        self.refresh_counts()
        if self.engine is not None:
            if upload_in > 0:
                self.page.run_task(self._upload_later, self.engine, upload_in)
            else:
                self.engine.request_sync()
        self.push_status()

    async def _upload_later(self, engine: Any, seconds: float) -> None:
        await asyncio.sleep(seconds)
        if engine is self.engine:  # not signed out (or in again) meanwhile
            engine.request_sync()

    def refresh_counts(self) -> None:
        if self.store is not None:
            counts = self.store.outbox_counts()
            self.sync.pending = counts.get("pending", 0)
            self.sync.rejected = counts.get("rejected", 0)

    def _on_status(self, status: Any) -> None:
        was_syncing = self.sync.syncing
        self.sync = SyncView.from_status(status)
        if self.sync.needs_login and self.nav and self.nav.current not in ("login", "lock"):
            self.page.run_task(self._session_expired)
            return
        finished = was_syncing and not self.sync.syncing
        self.push_status(data_changed=finished)

    async def _session_expired(self) -> None:
        await self.close_workspace()
        await self.vault.remove(P.KEY_TOKEN)
        self.token = None
        if self.nav:
            self.nav.root("login", notice=self.t("login.session_expired"))

    def push_status(self, *, data_changed: bool = False) -> None:
        """Show the current sync status in every live view (badge, banner, hooks)."""
        if self.nav is None:
            return
        for entry in self.nav.stack:
            view = entry.view
            hooks = getattr(view, "data", None)
            if not isinstance(hooks, dict):
                continue
            if hooks.get("badge") is not None:
                hooks["badge"].show(self.badge_state())
            if hooks.get("banner") is not None:
                hooks["banner"].visible = not self.sync.online
            if entry is self.nav.stack[-1] and hooks.get("on_status"):
                hooks["on_status"](data_changed)
        try:
            self.page.update()
        except Exception:  # the session may be closing
            log.debug("page update after status change failed", exc_info=True)

    def badge_state(self) -> BadgeState:
        s, t = self.sync, self.t
        if s.syncing:
            label = t("sync.syncing")
        elif s.rejected:
            label = t("sync.rejected_n", n=s.rejected)
        elif s.pending:
            label = t("sync.pending_n", n=s.pending)
        elif s.online:
            label = t("sync.online")
        else:
            label = t("sync.offline")
        return BadgeState(s.online, s.syncing, s.pending, s.rejected, label)

    # ---- helpers for screens ---------------------------------------------------------------
    @property
    def role(self) -> str:
        return (self.user or {}).get("role", "head")

    def today(self) -> dt.date:
        return dt.date.today()
