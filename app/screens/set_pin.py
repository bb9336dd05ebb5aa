"""Set or change the PIN (offered right after the first login, and from settings)."""

from __future__ import annotations

import flet as ft

from app.nav import Screen
from app.pin import hash_pin, is_valid_pin


def build(state, first_run: bool = False) -> ft.View:
    t = state.t

    def pin_field(label: str, key: str) -> ft.TextField:
        return ft.TextField(
            label=label,
            password=True,
            keyboard_type=ft.KeyboardType.NUMBER,
            max_length=6,
            counter=t("pin.digits"),
            key=key,
        )

    first = pin_field(t("pin.new"), "pin-new")
    second = pin_field(t("pin.repeat"), "pin-repeat")
    message = ft.Text("", color=ft.Colors.ERROR, visible=False, key="pin-set-message")

    def leave() -> None:
        if first_run:
            state.nav.root("home")
        else:
            state.nav.back()

    async def save(e=None) -> None:
        a, b = first.value or "", second.value or ""
        if not is_valid_pin(a):
            message.value, message.visible = t("pin.invalid"), True
        elif a != b:
            message.value, message.visible = t("pin.mismatch"), True
        else:
            await state.set_pin(hash_pin(a))
            state.toast(t("pin.saved"))
            leave()
            return
        state.page.update()

    second.on_submit = save
    controls: list[ft.Control] = [
        ft.Icon(ft.Icons.PIN_OUTLINED, size=48, color=ft.Colors.PRIMARY),
        ft.Text(t("pin.set_explain"), color=ft.Colors.ON_SURFACE_VARIANT),
        first,
        second,
        message,
        ft.FilledButton(t("common.save"), on_click=save, key="pin-save"),
    ]
    if first_run:
        controls.append(ft.TextButton(t("pin.skip"), on_click=lambda e: leave(), key="pin-skip"))
    view = Screen(
        path="/pin",
        appbar=ft.AppBar(
            title=ft.Text(t("pin.set_title")),
            automatically_imply_leading=not first_run,
            leading=None
            if first_run
            else ft.IconButton(
                ft.Icon(ft.Icons.ARROW_BACK, semantics_label=t("nav.back")),
                tooltip=t("nav.back"),
                on_click=lambda e: state.nav.back(),
                key="back",
            ),
        ),
        controls=controls,
        padding=ft.Padding.symmetric(horizontal=24, vertical=16),
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        spacing=14,
        scroll=ft.ScrollMode.AUTO,
    )
    view.data = {"save": save}
    return view
