"""A name for a control whose own semantics carry none. Flutter's dropdown menu reaches a
screen reader as a bare "button, collapsed": its field's label does not come through."""

from __future__ import annotations

import flet as ft


def labelled(control: ft.Control, label: str) -> ft.Semantics:
    """``control`` inside a semantics node named ``label``; it takes the control's place in
    a row (its ``expand``), so hide or show the wrapper, not the control."""
    return ft.Semantics(content=control, label=label, expand=control.expand)
