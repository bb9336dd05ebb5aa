"""One concern: what it is, its event history, comment, and the moves the role allows."""

from __future__ import annotations

import logging

import flet as ft

from app import fmt
from app.chrome import screen, section_title
from app.office.concern_actions import event_outcome, workflow_section
from components.empty_state import empty_state
from components.flag_chips import tag
from services.protocol import CONCERN_TRANSITIONS, transition_allowed

log = logging.getLogger(__name__)


def build(state, concern_id: str) -> ft.View:
    t = state.t
    store = state.store
    c = store.concern(concern_id)
    if c is None:
        return screen(
            state,
            route=f"/concern/{concern_id}",
            title=t("concern.title"),
            body=[empty_state(t("error.not_found"), icon=ft.Icons.SEARCH_OFF)],
        )
    events = store.concern_events(concern_id)
    status = c.get("status", "open")

    header = [
        ft.Row(
            [
                tag(t(f"kind.{c.get('kind', 'request')}"), warm=True),
                tag(t(f"status.{status}")),
                *([tag(t("common.pending"), warm=True)] if c.get("pending") else []),
            ],
            spacing=6,
        ),
        ft.Text(c.get("description", ""), size=18, selectable=True, key="concern-description-text"),
        ft.Text(fmt.category(t, c.get("category")), color=ft.Colors.ON_SURFACE_VARIANT),
    ]
    house_id = c.get("household_id")
    if house_id:
        house = store.household(house_id)
        if house:
            header.append(
                ft.Row(
                    [
                        ft.TextButton(
                            t(
                                "concern.household",
                                address=f"{house.get('estate_name', '')} {fmt.address(house)}",
                            ),
                            icon=ft.Icons.HOME_OUTLINED,
                            on_click=lambda e: state.nav.push("household", household_id=house_id),
                            key="concern-household",
                        )
                    ]
                )
            )
    if c.get("created_by_name"):
        header.append(
            ft.Text(
                t("concern.by", who=c["created_by_name"], date=fmt.date(c.get("created_at"))),
                size=14,
                color=ft.Colors.ON_SURFACE_VARIANT,
            )
        )

    history: list[ft.Control] = []
    for ev in events:
        action = ev.get("action")
        if action == "transition":
            what = t(
                "event.transition",
                from_=t(f"status.{ev.get('from_status') or 'open'}"),
                to=t(f"status.{ev.get('to_status') or 'open'}"),
            )
        else:
            what = t(f"event.{action}") if t.has(f"event.{action}") else ""
            how = event_outcome(t, ev)
            if how:
                what = t("event.with", what=what, how=how)
        lines: list[ft.Control] = [
            ft.Row(
                [
                    ft.Text(what, weight=ft.FontWeight.W_600),
                    # no expand here: an expanding child inside a wrapping row cannot be laid
                    # out and paints as a grey box
                    ft.Text(
                        f"{ev.get('user_name', '')} · {fmt.date_time(ev.get('created_at'))}",
                        size=14,
                        color=ft.Colors.ON_SURFACE_VARIANT,
                    ),
                    *([tag(t("common.pending"), warm=True)] if ev.get("pending") else []),
                ],
                wrap=True,
            )
        ]
        if ev.get("text"):
            lines.append(ft.Text(ev["text"], size=14))
        history.append(
            ft.Container(
                content=ft.Column(lines, spacing=2),
                padding=ft.Padding.only(left=12, top=4, bottom=4),
                border=ft.Border.only(left=ft.BorderSide(3, ft.Colors.SECONDARY)),
                key=f"event-{ev['id']}",
            )
        )

    comment = ft.TextField(
        label=t("concern.comment"), multiline=True, min_lines=2, max_lines=5, key="concern-comment"
    )

    def send(e=None) -> None:
        text = (comment.value or "").strip()
        if not text:
            return
        try:
            store.comment_concern(concern_id, text)
        except Exception:
            log.exception("comment failed")
            state.toast(t("error.generic"), error=True)
            return
        state.after_write()
        state.toast(t("concern.comment_saved"))
        state.nav.refresh()

    def move(to_status: str):
        def handler(e=None) -> None:
            try:
                store.transition_concern(concern_id, to_status, note=(comment.value or "").strip())
            except Exception:
                log.exception("transition failed")
                state.toast(t("error.generic"), error=True)
                return
            state.after_write()
            state.toast(t("concern.moved", status=t(f"status.{to_status}")))
            state.nav.refresh()

        return handler

    allowed = [
        s
        for s in sorted(CONCERN_TRANSITIONS.get(status, ()))
        if transition_allowed(state.role, status, s)
    ]
    move_buttons = [
        ft.OutlinedButton(
            t("concern.move_to", status=t(f"status.{s}")),
            on_click=move(s),
            key=f"move-{s}",
        )
        for s in allowed
    ]
    body = [
        *header,
        *workflow_section(state, c),
        section_title(t("concern.history")),
        *history,
        comment,
        ft.Row(
            [
                ft.FilledButton(
                    t("concern.send"),
                    icon=ft.Icons.SEND,
                    on_click=send,
                    key="concern-send",
                )
            ]
        ),
        ft.Row(move_buttons, wrap=True, spacing=8),
    ]
    view = screen(state, route=f"/concern/{concern_id}", title=t("concern.title"), body=body)
    view.data.update({"send": send, "move": move, "allowed": allowed})
    return view
