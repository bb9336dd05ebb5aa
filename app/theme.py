"""Material 3 look: one seed colour, the shipped CJK font, large touch targets."""

from __future__ import annotations

import flet as ft

FONT_FAMILY = "NotoSansSC"
#: Relative to the assets directory given to ``ft.run``.
FONT_ASSET = "fonts/NotoSansSC-Subset.otf"
SEED_COLOR = ft.Colors.TEAL
#: Smallest height of anything tappable (Material's 48 dp).
TOUCH = 48


def build_theme() -> ft.Theme:
    return ft.Theme(
        color_scheme_seed=SEED_COLOR,
        font_family=FONT_FAMILY,
        use_material3=True,
    )


def apply(page: ft.Page) -> None:
    """Set fonts and theme on the page (call once per session, before the first view)."""
    page.fonts = {FONT_FAMILY: FONT_ASSET}
    page.theme = build_theme()
    page.theme_mode = ft.ThemeMode.LIGHT
