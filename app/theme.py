"""Material 3 look: one seed colour, the shipped CJK font, large touch targets, and text sized
for older eyes: body text 16 px and nothing under 14 px at the standard size, scaled as a
whole by the text-size setting (标准 / 大 / 特大).

Flet 1.0.5 has no app-wide text scale, so the scale is applied twice: the theme's text styles
(every text, field, button and label that does not set a size) and ``scale_text`` over a built
control tree (texts that set their own size). The factor in force is read back from the
page's theme (``text_scale_of``), so a list that adds tiles later sizes them alike.
"""

from __future__ import annotations

import dataclasses

import flet as ft

FONT_FAMILY = "NotoSansSC"
#: Relative to the assets directory given to ``ft.run``.
FONT_ASSET = "fonts/NotoSansSC-Subset.otf"
SEED_COLOR = ft.Colors.TEAL
#: Smallest height of anything tappable (Material's 48 dp).
TOUCH = 48
#: The text-size setting: name -> factor over the standard sizes.
TEXT_SCALES: dict[str, float] = {"standard": 1.0, "large": 1.2, "xlarge": 1.4}
DEFAULT_TEXT_SIZE = "standard"
#: Body text at the standard size; secondary lines and chips are never under MIN_TEXT.
BODY = 16
MIN_TEXT = 14

# Material's text styles at the standard size (body 16, never under 14)
_TEXT_SIZES = {
    "display_large": 48,
    "display_medium": 40,
    "display_small": 34,
    "headline_large": 30,
    "headline_medium": 26,
    "headline_small": 24,
    "title_large": 22,
    "title_medium": 18,
    "title_small": 16,
    "body_large": 17,
    "body_medium": BODY,
    "body_small": MIN_TEXT,
    "label_large": BODY,
    "label_medium": MIN_TEXT,
    "label_small": MIN_TEXT,
}
# Buttons are at least TOUCH tall by their padding around the label, never by a fixed height:
# a fixed height cuts the label once the phone's own text size grows (which the app cannot
# see), while padding grows the button with its text.
_BUTTON = ft.ButtonStyle(padding=ft.Padding.symmetric(horizontal=16, vertical=14))


def build_theme(scale: float = 1.0) -> ft.Theme:
    return ft.Theme(
        color_scheme_seed=SEED_COLOR,
        font_family=FONT_FAMILY,
        use_material3=True,
        # web and desktop default to compact density: 32-40 px buttons, chips and icons
        visual_density=ft.VisualDensity.STANDARD,
        # each style names the font: a text theme replaces the styles font_family set
        text_theme=ft.TextTheme(
            **{
                name: ft.TextStyle(size=round(size * scale, 1), font_family=FONT_FAMILY)
                for name, size in _TEXT_SIZES.items()
            }
        ),
        text_button_theme=ft.TextButtonTheme(style=_BUTTON),
        outlined_button_theme=ft.OutlinedButtonTheme(style=_BUTTON),
        filled_button_theme=ft.FilledButtonTheme(style=_BUTTON),
        segmented_button_theme=ft.SegmentedButtonTheme(style=_BUTTON),
        # icon buttons 24 px + 12 px around: 48 px (Material draws them 40 px)
        icon_button_theme=ft.IconButtonTheme(style=ft.ButtonStyle(padding=ft.Padding.all(12))),
        chip_theme=ft.ChipTheme(padding=ft.Padding.symmetric(horizontal=8, vertical=12)),
    )


def apply(page: ft.Page, scale: float = 1.0) -> None:
    """Set fonts, theme and the languages Flutter's own texts speak (call once per session,
    before the first view, and again when the text size changes)."""
    page.fonts = {FONT_FAMILY: FONT_ASSET}
    page.theme = build_theme(scale)
    page.theme_mode = ft.ThemeMode.LIGHT


def apply_language(page: ft.Page, lang: str) -> None:
    """Flutter's own texts (a field's "6 characters remaining", tooltips, date pickers) in
    the app's language."""
    zh, en = ft.Locale("zh", "CN"), ft.Locale("en", "US")
    page.locale_configuration = ft.LocaleConfiguration(
        supported_locales=[zh, en], current_locale=en if lang == "en" else zh
    )


def text_scale_of(page: ft.Page | None) -> float:
    """The text-size factor the page's theme was built with (1.0 before a theme is set)."""
    try:
        return page.theme.text_theme.body_medium.size / BODY  # type: ignore[union-attr]
    except (AttributeError, TypeError):
        return 1.0


def scale_text(control: ft.BaseControl | None, scale: float) -> None:
    """Size every text under ``control`` that sets its own size to that size times ``scale``
    (idempotent: the size as written is kept aside, so scaling again never compounds)."""
    seen: set[int] = set()

    def walk(c) -> None:
        if isinstance(c, list | tuple):
            for x in c:
                walk(x)
            return
        if not isinstance(c, ft.BaseControl) or id(c) in seen:
            return
        seen.add(id(c))
        if isinstance(c, ft.Text) and c.size:
            base = getattr(c, "_written_size", None) or c.size
            c._written_size = base
            c.size = round(base * scale, 1)
        for f in dataclasses.fields(c):
            if f.name.startswith("_") or f.name in ("parent", "data"):
                continue
            v = getattr(c, f.name, None)
            if isinstance(v, ft.BaseControl | list | tuple):
                walk(v)

    walk(control)
