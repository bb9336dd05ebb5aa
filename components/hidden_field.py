"""A text field whose text is hidden (a password, a phone number being typed) with an eye
button to show it. Flutter's own reveal icon has no accessible name; this one says in the
app's language what it does, and says the opposite once the text shows."""

from __future__ import annotations

import flet as ft

from components.icon_button import icon_button, relabel


def hidden_field(*, show_label: str, hide_label: str, key: str, **field_args) -> ft.TextField:
    """A ``TextField`` with ``password=True`` and a named show/hide button (key
    ``<key>-reveal``); ``field_args`` go to the field."""
    eye = icon_button(ft.Icons.VISIBILITY_OUTLINED, show_label, key=f"{key}-reveal")
    field = ft.TextField(password=True, suffix_icon=eye, key=key, **field_args)

    def toggle(e) -> None:
        field.password = not field.password
        if field.password:
            relabel(eye, ft.Icons.VISIBILITY_OUTLINED, show_label)
        else:
            relabel(eye, ft.Icons.VISIBILITY_OFF_OUTLINED, hide_label)
        field.update()

    eye.on_click = toggle
    return field
