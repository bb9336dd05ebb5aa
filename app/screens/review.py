"""Questionnaire answers residents sent by QR, waiting for the neighbour head to deal with."""

from __future__ import annotations

import logging

import flet as ft

from app import fmt
from app.chrome import screen
from components.empty_state import empty_state

log = logging.getLogger(__name__)
OUTCOMES = ("resident_updated", "concern_raised", "no_action")


def build(state) -> ft.View:
    t = state.t
    store = state.store
    try:
        rows = store.responses_to_review(offset=0, limit=50)
        titles = {q["id"]: t.text(q.get("title")) for q in store.questionnaires()}
    except Exception:
        log.exception("responses to review failed")
        rows, titles = [], {}

    def mark(response_id: str, outcome: str):
        def handler(e=None) -> None:
            try:
                store.review_response(response_id, outcome)
            except Exception:
                log.exception("review failed")
                state.toast(t("error.generic"), error=True)
                return
            state.after_write()
            state.toast(t("review.done"))
            state.nav.refresh()

        return handler

    cards: list[ft.Control] = []
    for r in rows:
        answers = r.get("answers") or {}
        lines = [f"{k}: {v}" for k, v in list(answers.items())[:6]]
        cards.append(
            ft.Container(
                content=ft.Column(
                    [
                        ft.Text(
                            titles.get(r.get("questionnaire_id"), ""), weight=ft.FontWeight.W_600
                        ),
                        ft.Text(
                            " · ".join(
                                x
                                for x in (
                                    r.get("estate_name", ""),
                                    r.get("address", ""),
                                    fmt.date_time(r.get("submitted_at")),
                                )
                                if x
                            ),
                            size=13,
                            color=ft.Colors.ON_SURFACE_VARIANT,
                        ),
                        ft.Text("\n".join(lines), size=14),
                        ft.Row(
                            [
                                ft.OutlinedButton(
                                    t(f"review.outcome.{o}"),
                                    on_click=mark(r["id"], o),
                                    height=48,
                                    key=f"review-{o}-{r['id']}",
                                )
                                for o in OUTCOMES
                            ],
                            wrap=True,
                        ),
                    ],
                    spacing=4,
                ),
                padding=12,
                border_radius=12,
                border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
                key=f"response-{r['id']}",
            )
        )
    if not cards:
        cards.append(empty_state(t("review.empty"), icon=ft.Icons.INBOX_OUTLINED))
    return screen(state, route="/review", title=t("review.title"), body=cards)
