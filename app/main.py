"""The Flet entry: one :class:`AppState` per session, then login, lock or home."""

from __future__ import annotations

import datetime as dt
import logging
import threading

import flet as ft

from app import theme
from app.i18n import DEFAULT_LANG
from app.nav import Navigator
from app.paths import data_dir, preset_server
from app.prefs import ClientPrefs, Prefs, token_vault
from app.screens import BUILDERS
from app.state import AppState, preload_services

log = logging.getLogger(__name__)

#: Hidden longer than this, the app asks for the PIN again when it comes back.
RELOCK_AFTER = dt.timedelta(minutes=5)


def make_state(
    page: ft.Page,
    *,
    prefs: Prefs,
    vault: Prefs | None = None,
    secure: bool = False,
    base_dir=None,
    default_server: str | None = None,
) -> AppState:
    """Build the session's state and navigator (``app.main`` and tests both use this)."""
    theme.apply(page)
    theme.apply_language(page, DEFAULT_LANG)
    state = AppState(
        page=page,
        prefs=prefs,
        vault=vault or prefs,
        secure_token=secure,
        data_dir=base_dir or data_dir(),
        default_server=preset_server() if default_server is None else default_server,
    )
    page.title = state.t("app.name")  # again in start(), once the saved language is known
    state.nav = Navigator(page, BUILDERS, state)
    return state


async def start(state: AppState) -> None:
    """Show the first screen: login on first run, the PIN lock for a remembered session with
    a PIN, else home (the store opens and the engine starts syncing in the background)."""
    _preload_in_background()
    await state.restore()
    state.page.title = state.t("app.name")
    if not (state.token and state.user):
        state.nav.root("login")
    elif await state.has_pin():
        state.nav.root("lock")
    else:
        await state.open_workspace()
        state.nav.root("home")


def _preload_in_background() -> None:
    """Import the store and sync modules in a worker thread while the first screen shows."""

    def run() -> None:
        try:
            preload_services()
        except Exception:  # open_workspace imports again and reports a real failure there
            log.exception("preloading the services failed")

    threading.Thread(target=run, name="preload-services", daemon=True).start()


def _lifecycle(state: AppState):
    hidden_at: dict[str, dt.datetime] = {}

    async def handler(e) -> None:
        kind = getattr(e, "state", None)
        value = getattr(kind, "value", kind)
        if value == "hide":
            hidden_at["t"] = dt.datetime.now()
        elif value in ("resume", "show"):
            since = hidden_at.pop("t", None)
            if (
                since
                and dt.datetime.now() - since > RELOCK_AFTER
                and state.user
                and await state.has_pin()
                and state.nav.current not in ("login", "lock")
            ):
                state.nav.root("lock")
                return
            if state.engine is not None:
                state.engine.request_sync()

    return handler


async def main(page: ft.Page) -> None:
    prefs = ClientPrefs()
    vault, secure = token_vault(page, prefs)
    state = make_state(page, prefs=prefs, vault=vault, secure=secure)
    page.on_app_lifecycle_state_change = _lifecycle(state)

    async def closed(e=None) -> None:
        await state.close_workspace()

    page.on_close = closed
    _watch_connectivity(state)
    state.nav.announcer = ft.SemanticsService()  # made inside the session: registered with it
    await start(state)


def _watch_connectivity(state: AppState) -> None:
    """Tell the engine when the platform says the network went or came back (it also probes
    the server itself; this just makes "back online" sync at once)."""

    def changed(e) -> None:
        kinds = [getattr(k, "value", k) for k in (getattr(e, "connectivity", None) or [])]
        online = any(k != "none" for k in kinds)
        if state.engine is not None:
            state.engine.set_online(online)

    try:
        ft.Connectivity(on_change=changed)
    except Exception:  # a client without the service: the engine's own probe still works
        log.info("connectivity service unavailable", exc_info=True)
