"""A thin bar showing how much of a whole is done (visited households of an estate).

Drawn from two plain boxes rather than ``ft.ProgressBar``: a progress bar brings its own
"progressbar" role, which inside a tappable card takes the card's "button" role from screen
readers, and wrapping it in ``ft.Semantics`` to hide that role breaks the layout in Flet 1.0.5
(the card renders as a grey block some 100,000 px tall). The figure itself is in the card's
text, so the bar needs no semantics of its own."""

from __future__ import annotations

import flet as ft


def coverage_bar(done: int, total: int, *, height: int = 6, key: str | None = None) -> ft.Container:
    done = max(0, min(done, total))
    parts: list[ft.Control] = []
    if done:
        parts.append(ft.Container(bgcolor=ft.Colors.PRIMARY, border_radius=height / 2, expand=done))
    if total - done:
        parts.append(ft.Container(expand=total - done))
    return ft.Container(
        ft.Row(parts, spacing=0),
        height=height,
        border_radius=height / 2,
        bgcolor=ft.Colors.SECONDARY_CONTAINER,
        key=key,
    )
