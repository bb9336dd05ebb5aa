"""The concern screen's workflow part: who follows it up and by when (overdue marked), how a
meeting decided it, the resident's call-back — read by everyone, so the head who raised it
sees the outcome — and, for staff and district heads, assigning it and recording the
call-back (满意 / 基本满意 / 不满意; 不满意 reopens it)."""

from __future__ import annotations

import logging

import flet as ft

from app.office.dialogs import assign_dialog
from services.office import is_overdue
from services.protocol import CALLBACK_OUTCOMES, runs_concern_workflow

log = logging.getLogger(__name__)


def workflow_section(state, c: dict) -> list[ft.Control]:
    t = state.t
    lines: list[ft.Control] = []
    facts = []
    if c.get("assignee_name"):
        facts.append(t("office.assigned_to", name=c["assignee_name"]))
    if c.get("due_date"):
        facts.append(t("office.due", date=c["due_date"]))
    if facts:
        late = is_overdue(c, state.today())
        lines.append(
            ft.Row(
                [
                    ft.Icon(
                        ft.Icons.ALARM if late else ft.Icons.EVENT,
                        size=18,
                        color=ft.Colors.ERROR if late else ft.Colors.ON_SURFACE_VARIANT,
                    ),
                    ft.Text(
                        " · ".join([*facts, *([t("office.overdue_mark")] if late else [])]),
                        color=ft.Colors.ERROR if late else ft.Colors.ON_SURFACE_VARIANT,
                        key="concern-due-line",
                    ),
                ],
                spacing=6,
            )
        )
    if c.get("referred_to"):
        lines.append(ft.Text(t("office.referred_to", department=c["referred_to"])))
    if c.get("callback"):
        lines.append(
            ft.Text(
                t("office.callback_line", outcome=t(f"callback.{c['callback']}")),
                weight=ft.FontWeight.W_600,
                key="concern-callback-line",
            )
        )
    if not runs_concern_workflow(state.role):
        return lines
    status = c.get("status")
    buttons: list[ft.Control] = []
    if status in ("open", "in_review"):
        buttons.append(
            ft.OutlinedButton(
                t("office.assign_title"),
                icon=ft.Icons.PERSON_ADD_ALT,
                on_click=lambda e: assign_dialog(
                    state,
                    c,
                    lambda f: _write(state, _assign(state, c, f), from_dialog=True),
                    on_closed=lambda: _saved(state),
                ),
                key="concern-assign",
            )
        )
    if needs_callback(c):
        lines.append(ft.Text(t("office.callback_ask"), weight=ft.FontWeight.W_600))
        buttons += [
            ft.FilledTonalButton(
                t(f"callback.{o}"),
                on_click=lambda e, o=o: _write(
                    state, lambda: state.store.record_callback(c["id"], o)
                ),
                key=f"callback-{o}",
            )
            for o in CALLBACK_OUTCOMES
        ]
    if buttons:
        lines.append(ft.Row(buttons, wrap=True, spacing=8))
    return lines


def event_outcome(t, ev: dict) -> str:
    """What a workflow event decided, in words: the meeting's decision or the call-back's
    verdict ("" for other events)."""
    detail = ev.get("detail") or {}
    action = ev.get("action")
    if action == "decision" and t.has(f"decision.{detail.get('decision')}"):
        words = t(f"decision.{detail['decision']}")
        if detail.get("department"):
            words = t("event.with", what=words, how=detail["department"])
        return words
    if action == "callback" and t.has(f"callback.{detail.get('outcome')}"):
        return t(f"callback.{detail['outcome']}")
    if action == "assign" and detail.get("due_date"):
        return t("office.due", date=detail["due_date"])
    return ""


def needs_callback(c: dict) -> bool:
    """Resolved and not yet called back since (a dissatisfied call-back reopened it, so a
    later resolution asks again)."""
    if c.get("status") != "resolved":
        return False
    called, resolved = c.get("callback_at"), c.get("resolved_at")
    return not c.get("callback") or bool(called and resolved and str(called) < str(resolved))


def _assign(state, c: dict, fields: dict):
    return lambda: state.store.assign_concern(
        c["id"], assignee=fields["assignee"], due_date=fields["due_date"], note=fields["note"]
    )


def _write(state, action, *, from_dialog: bool = False) -> bool:
    """Run one store write; on success upload in the background and show the result (a
    dialog shows it once it has closed: ``_saved``)."""
    try:
        action()
    except Exception:
        log.exception("workflow write failed")
        state.toast(state.t("error.generic"), error=True)
        return False
    state.after_write()
    if not from_dialog:
        _saved(state)
    return True


def _saved(state) -> None:
    state.toast(state.t("office.saved"))
    state.nav.refresh()
