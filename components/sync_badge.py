"""The sync badge shown in every top-level app bar: online/offline, syncing, unsent count."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import flet as ft


@dataclass(frozen=True)
class BadgeState:
    """What the badge shows; labels are already translated."""

    online: bool
    syncing: bool
    pending: int
    rejected: int
    label: str  # e.g. "离线 · 3 条待上传"


def _look(state: BadgeState) -> tuple[str, str, str]:
    if state.rejected:
        return ft.Icons.ERROR_OUTLINE, ft.Colors.ERROR, ft.Colors.ERROR_CONTAINER
    if state.syncing:
        return ft.Icons.SYNC, ft.Colors.PRIMARY, ft.Colors.PRIMARY_CONTAINER
    if not state.online:
        return ft.Icons.CLOUD_OFF, ft.Colors.ON_SURFACE_VARIANT, ft.Colors.SURFACE_CONTAINER_HIGHEST
    if state.pending:
        return ft.Icons.CLOUD_UPLOAD_OUTLINED, ft.Colors.TERTIARY, ft.Colors.TERTIARY_CONTAINER
    return ft.Icons.CLOUD_DONE_OUTLINED, ft.Colors.PRIMARY, ft.Colors.SURFACE_CONTAINER_HIGH


class SyncBadge:
    """A tappable pill (``.control``); ``show(state)`` changes it in place (the caller
    updates the page)."""

    def __init__(
        self, state: BadgeState, on_click: Callable | None = None, key: str = "sync-badge"
    ):
        self._icon = ft.Icon(ft.Icons.CLOUD_OUTLINED, size=18)
        self._text = ft.Text("", size=14, weight=ft.FontWeight.W_500, no_wrap=True)
        self.control = ft.Container(
            content=ft.Row([self._icon, self._text], spacing=6, tight=True),
            # 48 px tall by its padding, so a larger text grows the badge instead of cutting it
            padding=ft.Padding.symmetric(horizontal=12, vertical=14),
            border_radius=24,
            alignment=ft.Alignment.CENTER,
            on_click=on_click,
            ink=True,
            key=key,
        )
        self.state = state
        self.show(state)

    def show(self, state: BadgeState) -> None:
        icon, fg, bg = _look(state)
        self._icon.icon = icon
        self._icon.color = fg
        self._text.value = state.label
        self._text.color = fg
        self.control.bgcolor = bg
        self.state = state
