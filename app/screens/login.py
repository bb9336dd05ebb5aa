"""Sign in with a username and a password. The server address comes preset (the
``XIANGLIN_SERVER`` setting of the build or the environment, or the last one used) and sits
under 高级 (advanced), open only when no address is known. Every failure says what to do in
words: wrong password, account locked for N minutes, server unreachable."""

from __future__ import annotations

import logging
import math

import flet as ft

from app.i18n import LANGUAGES
from app.nav import Screen
from components.hidden_field import hidden_field

log = logging.getLogger(__name__)


def build(state, notice: str | None = None) -> ft.View:
    t = state.t
    server = ft.TextField(
        label=t("login.server"),
        hint_text=t("login.server_hint"),
        value=state.server_url,
        keyboard_type=ft.KeyboardType.URL,
        prefix_icon=ft.Icons.DNS_OUTLINED,
        key="login-server",
    )
    advanced = ft.ExpansionTile(
        title=ft.Text(t("login.advanced"), size=16),
        subtitle=ft.Text(
            state.server_url or t("login.server_missing"),
            size=14,
            color=ft.Colors.ON_SURFACE_VARIANT,
        ),
        leading=ft.Icon(ft.Icons.TUNE),
        controls=[server],
        controls_padding=ft.Padding.only(top=8, bottom=8),
        expanded=not state.server_url,
        min_tile_height=48,
        key="login-advanced",
    )
    # Nothing takes the focus by itself: in the browser, a field focused before the screen
    # reader's semantics are switched on (they come on when asked, after the first frame)
    # lost its text when the next field was typed into; and a keyboard that opens
    # unasked covers half the screen before the person has read it.
    username = ft.TextField(
        label=t("login.username"),
        value=(state.user or {}).get("username", ""),
        prefix_icon=ft.Icons.PERSON_OUTLINE,
        key="login-username",
    )
    password = hidden_field(
        label=t("login.password"),
        show_label=t("field.show_password"),
        hide_label=t("field.hide_password"),
        prefix_icon=ft.Icons.LOCK_OUTLINE,
        key="login-password",
    )
    message = ft.Text(
        notice or "", color=ft.Colors.ERROR, visible=bool(notice), key="login-message"
    )
    busy = ft.ProgressBar(visible=False)
    submit = ft.FilledButton(
        t("login.submit"),
        icon=ft.Icons.LOGIN,
        expand=True,
        key="login-submit",
    )

    def show_error(text: str) -> None:
        message.value = text
        message.visible = True
        busy.visible = False
        submit.disabled = False
        # the handler already sent the busy state itself, so Flet sends nothing more for it
        state.page.update()

    async def do_login(e=None) -> None:
        from services.auth import LoginError, login

        url = (server.value or "").strip().rstrip("/")
        user, pw = (username.value or "").strip(), password.value or ""
        if not user or not pw:
            show_error(t("login.missing_fields"))
            return
        if not url or not url.startswith(("http://", "https://")):
            advanced.expanded = True  # the place to put it right
            show_error(t("login.bad_server") if url else t("login.server_missing"))
            return
        message.visible = False
        busy.visible = True
        submit.disabled = True
        state.page.update()
        device_id = await _device_id(state)
        try:
            token, info = await login(url, user, pw, device_id)
        except LoginError as err:
            show_error(failure_text(t, err))
            return
        except Exception:  # never show a raw exception to the user
            log.exception("login failed unexpectedly")
            show_error(t("error.generic"))
            return
        info = dict(info)
        info.setdefault("username", user)
        try:
            await state.sign_in(url, token, info)
        except Exception:  # the phone's own store would not open: say so, stay here
            log.exception("opening the workspace after login failed")
            show_error(t("error.generic"))
            return
        password.value = ""
        if await state.has_pin():
            state.nav.root("home")
        else:
            state.nav.root("set_pin", first_run=True)

    submit.on_click = do_login
    password.on_submit = do_login

    lang_row = ft.Row(
        [
            ft.TextButton(
                label,
                on_click=lambda e, code=code: state.page.run_task(state.set_language, code),
                key=f"lang-{code}",
            )
            for code, label in LANGUAGES.items()
        ],
        alignment=ft.MainAxisAlignment.CENTER,
    )
    view = Screen(
        path="/login",
        controls=[
            ft.Column(
                [
                    ft.Container(height=24),
                    ft.Icon(ft.Icons.DIVERSITY_3, size=56, color=ft.Colors.PRIMARY),
                    ft.Text(t("app.name"), size=30, weight=ft.FontWeight.BOLD),
                    ft.Text(t("app.tagline"), color=ft.Colors.ON_SURFACE_VARIANT),
                    ft.Container(height=8),
                    ft.Text(t("login.title"), size=20, weight=ft.FontWeight.W_600),
                ],
                horizontal_alignment=ft.CrossAxisAlignment.CENTER,
                spacing=8,
            ),
            username,
            password,
            message,
            busy,
            ft.Row([submit]),
            advanced,
            lang_row,
        ],
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        scroll=ft.ScrollMode.AUTO,
        padding=ft.Padding.symmetric(horizontal=24, vertical=16),
        spacing=14,
    )
    view.data = {"do_login": do_login}
    return view


def failure_text(t, err) -> str:
    """A failed sign-in in words the person can act on (``err``: a ``LoginError``)."""
    kind = getattr(err, "kind", "server")
    wait = getattr(err, "retry_after", None)
    if kind == "rate_limited" and wait:
        return t("login.err.locked", n=max(1, math.ceil(wait / 60)))
    if kind == "busy" and wait:
        return t("login.err.busy_for", n=max(1, int(wait)))
    key = f"login.err.{kind}"
    return t(key) if t.has(key) else t("login.err.server")


async def _device_id(state) -> str:
    """A random id for this device, made once and kept in prefs (the server logs it per token)."""
    import uuid

    existing = await state.prefs.get("xl.device")
    if existing:
        return existing
    new = str(uuid.uuid4())
    await state.prefs.set("xl.device", new)
    return new
