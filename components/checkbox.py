"""A checkbox a finger can hit: Flutter draws a labelled checkbox 40 px tall in a browser (its
desktop tap-target size); padding the label makes the whole row 48 px and more, growing with
the text."""

from __future__ import annotations

import flet as ft


def checkbox(label: str, **checkbox_args) -> ft.Checkbox:
    """A ``Checkbox`` labelled ``label`` whose row is at least 48 px tall; ``checkbox_args``
    (``value``, ``key``, ``on_change``...) go to the checkbox."""
    text = ft.Container(ft.Text(label), padding=ft.Padding.symmetric(vertical=13))
    return ft.Checkbox(label=text, **checkbox_args)
