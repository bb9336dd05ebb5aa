"""An icon button a screen reader can name: Flutter web reads an icon button's name from its
icon's semantics label, not from its tooltip, so one label is given to both."""

from __future__ import annotations

import flet as ft


def icon_button(icon: ft.IconData, label: str, **button_args) -> ft.IconButton:
    """An ``IconButton`` showing ``icon``, named and tooltipped ``label``; ``button_args``
    (``on_click``, ``url``, ``key``...) go to the button."""
    return ft.IconButton(ft.Icon(icon, semantics_label=label), tooltip=label, **button_args)


def relabel(button: ft.IconButton, icon: ft.IconData, label: str) -> None:
    """Change what ``button`` shows and says (a show/hide toggle)."""
    button.icon = ft.Icon(icon, semantics_label=label)
    button.tooltip = label
