"""Empty, loading and error placeholders: an icon, one sentence, maybe one action."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft


def empty_state(
    message: str,
    *,
    icon: str = ft.Icons.INBOX_OUTLINED,
    action_label: str | None = None,
    on_action: Callable | None = None,
    loading: bool = False,
    key: str | None = None,
) -> ft.Container:
    top: ft.Control = (
        ft.ProgressRing(width=32, height=32)
        if loading
        else ft.Icon(icon, size=40, color=ft.Colors.OUTLINE)
    )
    items: list[ft.Control] = [
        top,
        ft.Text(message, text_align=ft.TextAlign.CENTER, color=ft.Colors.ON_SURFACE_VARIANT),
    ]
    if action_label and on_action:
        items.append(ft.FilledTonalButton(action_label, on_click=on_action))
    return ft.Container(
        content=ft.Column(items, horizontal_alignment=ft.CrossAxisAlignment.CENTER, spacing=12),
        padding=ft.Padding.symmetric(vertical=32, horizontal=16),
        alignment=ft.Alignment.CENTER,
        key=key,
    )
