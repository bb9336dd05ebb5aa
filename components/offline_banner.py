"""A thin banner saying the phone is offline and that entries are kept locally."""

from __future__ import annotations

import flet as ft


def offline_banner(text: str, visible: bool, key: str = "offline-banner") -> ft.Container:
    return ft.Container(
        content=ft.Row(
            [
                ft.Icon(ft.Icons.CLOUD_OFF, size=18, color=ft.Colors.ON_SECONDARY_CONTAINER),
                ft.Text(text, size=14, color=ft.Colors.ON_SECONDARY_CONTAINER, expand=True),
            ],
            spacing=8,
        ),
        bgcolor=ft.Colors.SECONDARY_CONTAINER,
        padding=ft.Padding.symmetric(horizontal=12, vertical=8),
        border_radius=8,
        visible=visible,
        key=key,
    )
