"""The PIN lock shown when a remembered session reopens."""

from __future__ import annotations

import logging

import flet as ft

from app import prefs as P
from app.nav import Screen
from app.pin import MAX_TRIES, verify_pin

log = logging.getLogger(__name__)


def build(state) -> ft.View:
    t = state.t
    field = ft.TextField(
        label=t("pin.field"),
        password=True,
        keyboard_type=ft.KeyboardType.NUMBER,
        max_length=6,
        counter=t("pin.digits"),
        autofocus=True,
        text_align=ft.TextAlign.CENTER,
        text_size=24,
        width=240,
        key="pin-field",
    )
    message = ft.Text("", color=ft.Colors.ERROR, visible=False, key="pin-message")

    async def unlock(e=None) -> None:
        stored = await state.prefs.get(P.KEY_PIN)
        if stored and verify_pin(field.value or "", stored):
            state.pin_failures = 0
            field.value = ""
            if state.store is None:
                try:
                    await state.open_workspace()
                except Exception:  # the phone's own store would not open: say so, stay here
                    log.exception("opening the workspace after unlock failed")
                    message.value, message.visible = t("error.generic"), True
                    state.page.update()
                    return
            state.nav.root("home")
            return
        state.pin_failures += 1
        field.value = ""
        left = MAX_TRIES - state.pin_failures
        if left <= 0:
            # A lost phone must not allow guessing: after MAX_TRIES the session is dropped.
            await state.sign_out()
            state.nav.root("login", notice=t("pin.locked_out"))
            return
        message.value = t("pin.wrong", left=left)
        message.visible = True
        state.page.update()

    async def forgot(e) -> None:
        await state.sign_out()
        state.nav.root("login")

    field.on_submit = unlock
    view = Screen(
        path="/lock",
        controls=[
            ft.Container(height=48),
            ft.Icon(ft.Icons.LOCK_OUTLINE, size=56, color=ft.Colors.PRIMARY),
            ft.Text(t("pin.lock_title"), size=20, weight=ft.FontWeight.W_600),
            ft.Text((state.user or {}).get("name", ""), color=ft.Colors.ON_SURFACE_VARIANT),
            field,
            message,
            ft.FilledButton(t("pin.unlock"), on_click=unlock, width=240, key="pin-unlock"),
            ft.TextButton(t("pin.forgot"), on_click=forgot, key="pin-forgot"),
        ],
        horizontal_alignment=ft.CrossAxisAlignment.CENTER,
        spacing=16,
    )
    view.data = {"unlock": unlock}
    return view
