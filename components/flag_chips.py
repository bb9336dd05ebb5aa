"""Small labelled chips for resident flags (60+, living alone, ...) and status tags."""

from __future__ import annotations

import flet as ft

_WARM = {"aged_60", "lives_alone", "needs_help", "pending", "rejected"}


def tag(label: str, *, warm: bool = False, key: str | None = None) -> ft.Container:
    return ft.Container(
        content=ft.Text(
            label,
            size=14,
            color=ft.Colors.ON_TERTIARY_CONTAINER if warm else ft.Colors.ON_SECONDARY_CONTAINER,
        ),
        bgcolor=ft.Colors.TERTIARY_CONTAINER if warm else ft.Colors.SECONDARY_CONTAINER,
        padding=ft.Padding.symmetric(horizontal=8, vertical=2),
        border_radius=8,
        key=key,
    )


def flag_chips(flags: list[tuple[str, str]]) -> ft.Row:
    """``flags`` is ``[(flag_key, translated_label), ...]``."""
    return ft.Row([tag(label, warm=k in _WARM) for k, label in flags], spacing=4, wrap=True)
