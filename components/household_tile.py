"""One household in a list: address, estate, people, last visit, tags; tap opens it."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from components.flag_chips import tag


def household_tile(
    *,
    title: str,
    subtitle: str,
    detail: str,
    tags: list[tuple[str, bool]],
    on_click: Callable,
    key: str | None = None,
    found: str | None = None,
) -> ft.Container:
    """``tags`` is ``[(label, warm), ...]``; ``on_click`` receives the Flet event. ``found``
    (the member a search matched, already worded) is shown under the address."""
    chips = [tag(label, warm=warm) for label, warm in tags]
    found_line: list[ft.Control] = (
        [
            ft.Row(
                [
                    ft.Icon(ft.Icons.PERSON_SEARCH, size=18, color=ft.Colors.PRIMARY),
                    ft.Text(found, size=16, weight=ft.FontWeight.W_500, expand=True),
                ],
                spacing=4,
                key=f"{key}-found" if key else None,
            )
        ]
        if found
        else []
    )
    return ft.Container(
        content=ft.Row(
            [
                ft.Icon(ft.Icons.HOME_OUTLINED, color=ft.Colors.PRIMARY),
                ft.Column(
                    [
                        ft.Row(
                            [ft.Text(title, size=17, weight=ft.FontWeight.W_600), *chips],
                            spacing=6,
                            wrap=True,
                        ),
                        *found_line,
                        ft.Text(subtitle, size=14, color=ft.Colors.ON_SURFACE_VARIANT),
                        ft.Text(detail, size=14, color=ft.Colors.ON_SURFACE_VARIANT),
                    ],
                    spacing=2,
                    expand=True,
                ),
                ft.Icon(ft.Icons.CHEVRON_RIGHT, color=ft.Colors.OUTLINE),
            ],
            spacing=12,
        ),
        padding=ft.Padding.symmetric(horizontal=12, vertical=10),
        border_radius=12,
        bgcolor=ft.Colors.SURFACE_CONTAINER_LOWEST,
        border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
        on_click=on_click,
        ink=True,
        key=key,
    )
