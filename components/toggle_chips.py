"""A wrapping row of large toggle chips: several may be on (flags) or exactly one (a status).

Each chip is a full 48 px touch target with a tick when on (Material's filter chips are 32 px,
too small for the volunteers' thumbs). No data access: options and callbacks come in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import flet as ft

TOUCH = 48


class ToggleChips:
    """``.control`` is the row; ``.value`` the chosen values (a set when ``multiple``, else
    one value or None). ``on_change(value)`` fires after every tap."""

    def __init__(
        self,
        options: Iterable[tuple[str, str]],
        *,
        value: Iterable[str] | str | None = None,
        multiple: bool = True,
        on_change: Callable[[object], None] | None = None,
        key: str | None = None,
        redrawn: bool = False,
    ):
        """``redrawn``: the owner draws the chips again from its data after ``on_change`` (a
        row of a list re-read from the store), so a tap leaves them as they are: Flet
        freezes a row drawn again under its old key, and changing it in place would fail."""
        self.multiple = multiple
        self.redrawn = redrawn
        self._on_change = on_change
        if multiple:
            self.value: object = set(value or [])
        else:
            self.value = value
        self._chips: dict[str, ft.Container] = {}
        for option, label in options:
            self._chips[option] = ft.Container(
                content=ft.Row(
                    [ft.Icon(ft.Icons.CHECK, size=18), ft.Text(label, size=16)],
                    spacing=6,
                    tight=True,
                    vertical_alignment=ft.CrossAxisAlignment.CENTER,
                ),
                # 48 px and more inside the 1 px border, by padding around the label: a
                # fixed height would cut the label once the phone's text size grows
                padding=ft.Padding.symmetric(horizontal=14, vertical=13),
                border_radius=TOUCH // 2,
                ink=True,
                on_click=lambda e, o=option: self.toggle(o),
                key=f"{key}-{option}" if key else None,
                data=option,
            )
        self.control = ft.Row(
            list(self._chips.values()), wrap=True, spacing=8, run_spacing=8, key=key
        )
        self._paint()

    def is_on(self, option: str) -> bool:
        return option in self.value if self.multiple else self.value == option  # type: ignore[operator]

    def toggle(self, option: str) -> None:
        """Tap ``option``: flips it (several), or chooses it (one; tapping the chosen one
        again keeps it, a status is never empty)."""
        if self.multiple:
            self.value ^= {option}  # type: ignore[operator]
        else:
            self.value = option
        if not self.redrawn:
            self._paint()
        if self._on_change:
            self._on_change(self.value)

    def _paint(self) -> None:
        for option, chip in self._chips.items():
            on = self.is_on(option)
            tick, text = chip.content.controls
            tick.visible = on
            chip.bgcolor = ft.Colors.SECONDARY_CONTAINER if on else None
            chip.border = ft.Border.all(1, ft.Colors.SECONDARY if on else ft.Colors.OUTLINE)
            text.weight = ft.FontWeight.W_600 if on else None
