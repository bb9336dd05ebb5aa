"""A questionnaire's QR poster from the app: staff pick the estate the answers will count for
(or the whole community) and download the A4 PDF (``GET /posters/{slug}.pdf``) to print."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.office.download import download_button
from components.labelled import labelled

#: the estate dropdown's "no estate" choice
WHOLE = ""


def poster_dialog(state, model: Any, q: dict) -> ft.AlertDialog:
    """Open the poster dialog of questionnaire ``q``; ``model.estate_names`` lists estates."""
    t = state.t
    estate = ft.Dropdown(
        label=t("poster.estate"),
        value=WHOLE,
        options=[ft.DropdownOption(key=WHOLE, text=t("poster.whole"))]
        + [
            ft.DropdownOption(key=i, text=n)
            for i, n in sorted(model.estate_names.items(), key=lambda kv: kv[1])
        ],
        key="poster-estate",
    )

    def request() -> tuple[str, dict[str, str]]:
        return f"/posters/{q['slug']}.pdf", ({"estate": estate.value} if estate.value else {})

    dialog = ft.AlertDialog(
        title=ft.Text(t("poster.title", name=t.text(q["title"]))),
        content=ft.Column(
            [
                ft.Text(t("poster.note")),
                labelled(estate, t("poster.estate")),
                download_button(
                    state,
                    t("poster.download"),
                    request,
                    key="poster-download",
                    fallback_name=f"{q['slug']}.pdf",
                    icon=ft.Icons.PRINT,
                ),
            ],
            tight=True,
            spacing=12,
            width=420,
        ),
        actions=[ft.TextButton(t("common.close"), on_click=lambda e: state.page.pop_dialog())],
        key="poster-dialog",
    )
    state.page.show_dialog(dialog)
    return dialog
