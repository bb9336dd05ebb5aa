"""'Show questionnaire QR': pick a questionnaire, then show its public form's URL for an
estate (and optionally one household) as a big QR code (components.qr_card) for a resident to
scan at the door or at the gate."""

from __future__ import annotations

import logging

import flet as ft

log = logging.getLogger(__name__)


def show_qr(state, questionnaire: dict, *, estate_id: str | None, household_id: str | None) -> None:
    """Replace any open dialog with the QR of ``questionnaire``'s form for this place."""
    from components.qr_card import qr_card
    from services.qr import qr_png, questionnaire_url

    t = state.t
    url = questionnaire_url(state.server_url, questionnaire["slug"], estate_id, household_id)
    state.page.pop_dialog()
    state.page.show_dialog(
        ft.AlertDialog(
            # in a tight column the card is as tall as its content, not the whole screen
            content=ft.Column(
                [
                    qr_card(
                        png=qr_png(url),
                        title=t.text(questionnaire.get("title")),
                        url=url,
                        instruction=t("house.qr_instruction"),
                        size=260,
                    )
                ],
                tight=True,
            ),
            content_padding=ft.Padding.all(8),
            actions=[ft.TextButton(t("common.close"), on_click=lambda e: state.page.pop_dialog())],
            actions_alignment=ft.MainAxisAlignment.CENTER,
            key="qr-dialog",
            data={"url": url},
        )
    )


def pick_questionnaire(state, *, estate_id: str | None, household_id: str | None = None) -> None:
    """The list of active questionnaires; tapping one shows its QR for this place."""
    t = state.t
    try:
        items = [q for q in state.store.questionnaires() if q.get("active", True) and q.get("slug")]
    except Exception:
        log.exception("questionnaires read failed")
        items = []
    options: list[ft.Control] = [
        ft.ListTile(
            title=ft.Text(t.text(q.get("title"))),
            leading=ft.Icon(ft.Icons.QR_CODE_2),
            on_click=lambda e, q=q: show_qr(
                state, q, estate_id=estate_id, household_id=household_id
            ),
            min_height=56,
            key=f"qr-pick-{q['slug']}",
        )
        for q in items
    ] or [ft.Text(t("house.qr_none"))]
    state.page.show_dialog(
        ft.AlertDialog(
            title=ft.Text(t("house.qr_pick")),
            content=ft.Column(
                options,
                tight=True,
                scroll=ft.ScrollMode.AUTO,
                width=360,
                height=min(420, 60 * len(options)),
            ),
            actions=[ft.TextButton(t("common.cancel"), on_click=lambda e: state.page.pop_dialog())],
            key="qr-pick-dialog",
        )
    )


def qr_button(
    state, *, estate_id: str | None, household_id: str | None = None, key: str = "show-qr"
) -> ft.OutlinedButton:
    """The "show questionnaire QR" button for a household page or an estate page."""
    return ft.OutlinedButton(
        state.t("house.show_qr"),
        icon=ft.Icons.QR_CODE_2,
        on_click=lambda e: pick_questionnaire(
            state, estate_id=estate_id, household_id=household_id
        ),
        key=key,
    )
