"""Dialogs of the concern workflow: giving a concern to someone with a due date, and one
review-meeting decision (resolve, refer, assign, merge) with its own fields. Each checks what
was typed, shows the problem under the field, and hands a clean dict to ``on_submit`` (which
returns False when the write failed, keeping the dialog open); ``on_closed`` runs when the
client reports the dialog gone after a write (a screen rebuilt while its dialog was still
closing left the browser's dialog stranded over the new screen)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable

import flet as ft

from app.office.period import parse_day
from components.labelled import labelled

log = logging.getLogger(__name__)

#: the due date offered first: a week on (the category's rule set the original one)
DEFAULT_DAYS = 7


async def refresh_assignees(state) -> None:
    """Keep the server's list of people concerns can be given to in the store, for the
    pickers (offline too); without a connection the kept list stays as it was."""
    from services.http import SyncError
    from services.reports_client import fetch_assignees

    try:
        people = await fetch_assignees(state.server_url, state.token or "")
    except SyncError as exc:
        log.info("assignees not refreshed: %s", exc.kind)
        return
    await asyncio.to_thread(state.store.keep_assignees, people)


def _people_for(state, concern: dict) -> list[dict]:
    """Who this concern can be given to: staff, and its own district's head."""
    return state.store.assignees(district_id=state.store.concern_district(concern["id"]))


def _assignee_picker(state, concern: dict, *, key: str) -> ft.Dropdown:
    people = _people_for(state, concern)
    value = concern.get("assignee_id")
    if value not in {p["id"] for p in people}:
        value = people[0]["id"] if people else None
    return ft.Dropdown(
        label=state.t("office.assignee"),
        value=value,
        options=[ft.DropdownOption(key=p["id"], text=p["name"]) for p in people],
        key=key,
    )


def _due_field(state, value: str | None, *, key: str) -> ft.TextField:
    default = (state.today() + dt.timedelta(days=DEFAULT_DAYS)).isoformat()
    return ft.TextField(
        label=state.t("office.due_date"),
        value=value or default,
        hint_text="YYYY-MM-DD",
        key=key,
    )


def _note_field(state, *, key: str) -> ft.TextField:
    return ft.TextField(
        label=state.t("office.note"),
        multiline=True,
        min_lines=1,
        max_lines=4,
        max_length=4000,
        key=key,
    )


def _show(
    state,
    title: str,
    fields: list[ft.Control],
    submit: Callable,
    *,
    key: str,
    on_closed: Callable[[], None] | None,
) -> ft.AlertDialog:
    t = state.t

    def dismissed(e) -> None:
        if e.control.data.get("written") and on_closed is not None:
            on_closed()

    dialog = ft.AlertDialog(
        title=ft.Text(title),
        content=ft.Column(fields, tight=True, spacing=12, width=380),
        scrollable=True,
        actions=[
            ft.TextButton(
                t("common.cancel"), on_click=lambda e: state.page.pop_dialog(), key=f"{key}-cancel"
            ),
            ft.FilledButton(t("common.save"), on_click=lambda e: submit(), key=f"{key}-save"),
        ],
        on_dismiss=dismissed,
        data={"written": False},
        key=key,
    )
    state.page.show_dialog(dialog)
    return dialog


def _check_due(state, field: ft.TextField) -> dt.date | None:
    day = parse_day(field.value)
    if day is None:
        field.error = state.t("office.bad_date")
    elif day < state.today():
        field.error, day = state.t("office.due_past"), None
    else:
        field.error = None
    return day


def _done(state, ok: bool) -> None:
    if ok is not False:
        closed = state.page.pop_dialog()
        if closed is not None:
            closed.data["written"] = True
    state.page.update()


def assign_dialog(
    state,
    concern: dict,
    on_submit: Callable[[dict], bool],
    on_closed: Callable[[], None] | None = None,
) -> ft.AlertDialog:
    """Who follows the concern up and by when (``concern.assign``)."""
    t = state.t
    who = _assignee_picker(state, concern, key="assign-who")
    due = _due_field(state, concern.get("due_date"), key="assign-due")
    note = _note_field(state, key="assign-note")

    def submit() -> None:
        day = _check_due(state, due)
        if day is None:
            state.page.update()
            return
        person = next((p for p in _people_for(state, concern) if p["id"] == who.value), None)
        ok = on_submit({"assignee": person, "due_date": day, "note": (note.value or "").strip()})
        _done(state, ok)

    return _show(
        state,
        t("office.assign_title"),
        [labelled(who, t("office.assignee")), due, note],
        submit,
        key="assign-dialog",
        on_closed=on_closed,
    )


def decision_dialog(
    state,
    concern: dict,
    decision: str,
    agenda: list[dict],
    on_submit: Callable[[dict], bool],
    on_closed: Callable[[], None] | None = None,
) -> ft.AlertDialog:
    """One decision for one agenda item, with the fields that decision needs."""
    t = state.t
    fields: list[ft.Control] = [
        ft.Text(concern.get("description", ""), max_lines=3, overflow=ft.TextOverflow.ELLIPSIS)
    ]
    department = ft.TextField(label=t("meeting.department"), max_length=64, key="decide-department")
    who = _assignee_picker(state, concern, key="decide-who")
    due = _due_field(state, None, key="decide-due")
    others = [c for c in agenda if c["id"] != concern["id"] and not c.get("merged_into")]
    target = ft.Dropdown(
        label=t("meeting.merge_into"),
        value=others[0]["id"] if others else None,
        options=[
            ft.DropdownOption(key=c["id"], text=c.get("description", "")[:40]) for c in others
        ],
        key="decide-target",
    )
    note = _note_field(state, key="decide-note")
    fields += {
        "refer": [department],
        "assign": [labelled(who, t("office.assignee")), due],
        "merge": [labelled(target, t("meeting.merge_into"))],
        "resolve": [],
    }[decision]
    fields.append(note)

    def submit() -> None:
        out: dict = {"note": (note.value or "").strip()}
        if decision == "refer":
            text = (department.value or "").strip()
            department.error = None if text else t("meeting.need_department")
            if not text:
                state.page.update()
                return
            out["department"] = text
        elif decision == "assign":
            day = _check_due(state, due)
            if day is None:
                state.page.update()
                return
            out["assignee"] = next(
                (p for p in _people_for(state, concern) if p["id"] == who.value), None
            )
            out["due_date"] = day
        elif decision == "merge":
            if not target.value:
                target.error = t("meeting.need_target")
                state.page.update()
                return
            out["merge_into"] = target.value
        _done(state, on_submit(out))

    return _show(
        state, t(f"decision.{decision}"), fields, submit, key="decide-dialog", on_closed=on_closed
    )
