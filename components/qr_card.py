"""A large QR code on the phone's screen, for a resident to scan at the door.

Takes plain values only: the PNG bytes (``services.qr.qr_png``), the title, the URL it holds,
and an optional instruction line from the caller's catalogue.
"""

from __future__ import annotations

import flet as ft


def qr_card(
    *,
    png: bytes,
    title: str,
    url: str,
    instruction: str | None = None,
    size: int = 300,
    key: str | None = "qr-card",
) -> ft.Container:
    """Title, the QR image (``size`` logical pixels square, on white so any scanner reads it
    in a dark theme too), an optional instruction, and the URL as selectable text."""
    items: list[ft.Control] = [
        ft.Text(
            title,
            size=20,
            weight=ft.FontWeight.BOLD,
            text_align=ft.TextAlign.CENTER,
            color=ft.Colors.BLACK,
        ),
        ft.Image(
            src=png,
            width=size,
            height=size,
            fit=ft.BoxFit.CONTAIN,
            filter_quality=ft.FilterQuality.NONE,  # crisp modules, no blur
            semantics_label=title,
            key=f"{key}-image" if key else None,
        ),
    ]
    if instruction:
        items.append(
            ft.Text(instruction, size=16, text_align=ft.TextAlign.CENTER, color=ft.Colors.BLACK)
        )
    items.append(
        ft.Text(
            url,
            size=14,
            selectable=True,
            text_align=ft.TextAlign.CENTER,
            color=ft.Colors.BLACK_54,
        )
    )
    return ft.Container(
        content=ft.Column(
            items, horizontal_alignment=ft.CrossAxisAlignment.CENTER, spacing=12, tight=True
        ),
        bgcolor=ft.Colors.WHITE,
        border_radius=12,
        padding=16,
        alignment=ft.Alignment.CENTER,
        key=key,
    )
