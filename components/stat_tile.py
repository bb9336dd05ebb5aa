"""A figure with its label, for the home screen's summary grid."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft


def stat_tile(
    value: int | str,
    label: str,
    *,
    icon: str,
    on_click: Callable | None = None,
    emphasis: bool = False,
    key: str | None = None,
) -> ft.Container:
    color = ft.Colors.ERROR if emphasis else ft.Colors.PRIMARY
    return ft.Container(
        content=ft.Column(
            [
                ft.Row([ft.Icon(icon, size=20, color=color), ft.Text(label, size=14, expand=True)]),
                ft.Text(str(value), size=28, weight=ft.FontWeight.BOLD, color=color),
            ],
            spacing=4,
        ),
        padding=12,
        border_radius=12,
        bgcolor=ft.Colors.SURFACE_CONTAINER_LOW,
        border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
        on_click=on_click,
        ink=on_click is not None,
        expand=True,
        key=key,
    )
