"""Sync: online/offline, what waits to upload, what the server refused and why (edit and
resend, or discard), last sync, "sync now" and a progress bar. The engine does the work in
the background; this screen only shows its status and asks it to run."""

from __future__ import annotations

import json
import logging
import math
from typing import Any

import flet as ft

from app import fmt
from app.chrome import screen, section_title
from app.screens.conflicts import open_count
from components.checklist_question import parse_number
from components.empty_state import empty_state
from services.failures import log_failure

log = logging.getLogger(__name__)

#: Payload fields a person may correct before resending, per mutation type.
EDITABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "visit.record": ("people_reached", "notes"),
    "concern.create": ("category", "description"),
    "concern.comment": ("text",),
    "concern.transition": ("note",),
    "resident.create": ("name", "note"),
}


def build(state) -> ft.View:
    t = state.t
    content = ft.Column(spacing=12, key="sync-body")

    def fill() -> None:
        content.controls = _content(state, fill)

    def on_status(changed: bool) -> None:
        state.refresh_counts()
        fill()

    fill()
    view = screen(
        state, route="/sync", title=t("sync.title"), body=[content], tab="sync", on_status=on_status
    )
    view.data["fill"] = fill
    return view


def _content(state, fill) -> list[ft.Control]:
    t = state.t
    s = state.sync
    online = ft.Row(
        [
            ft.Icon(
                ft.Icons.CLOUD_DONE_OUTLINED if s.online else ft.Icons.CLOUD_OFF,
                color=ft.Colors.PRIMARY if s.online else ft.Colors.OUTLINE,
                size=28,
            ),
            ft.Text(
                t("sync.online") if s.online else t("sync.offline"),
                size=20,
                weight=ft.FontWeight.W_600,
                key="sync-online",
            ),
        ]
    )
    counts = ft.Row(
        [
            ft.Text(
                t("sync.pending_n", n=s.pending) if s.pending else t("sync.all_sent"),
                size=16,
                key="sync-pending",
            ),
            ft.Text(
                t("sync.rejected_n", n=s.rejected),
                size=16,
                color=ft.Colors.ERROR,
                visible=bool(s.rejected),
            ),
        ],
        spacing=16,
        wrap=True,
    )
    last = ft.Text(
        t("sync.last", when=fmt.ago(t, s.last_sync_at)) if s.last_sync_at else t("sync.never"),
        color=ft.Colors.ON_SURFACE_VARIANT,
        key="sync-last",
    )
    total = s.progress_total or 0
    progress = ft.Column(
        [
            ft.ProgressBar(value=(s.progress_done / total) if total else None, key="sync-progress"),
            ft.Text(t("sync.progress", done=s.progress_done, total=total), size=14)
            if total
            else ft.Container(),
        ],
        visible=s.syncing,
        spacing=4,
    )

    def sync_now(e=None) -> None:
        if state.engine is not None:
            state.engine.request_sync()

    out: list[ft.Control] = [
        online,
        counts,
        last,
        progress,
        ft.Row(
            [
                ft.FilledButton(
                    t("sync.now"),
                    icon=ft.Icons.SYNC,
                    on_click=sync_now,
                    expand=True,
                    disabled=s.syncing,
                    key="sync-now",
                )
            ]
        ),
    ]
    conflicts = open_count(state)
    if conflicts:
        out.append(
            ft.ListTile(
                leading=ft.Icon(ft.Icons.CALL_SPLIT, color=ft.Colors.TERTIARY),
                title=ft.Text(t("conflict.open_n", n=conflicts), size=16),
                trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT),
                on_click=lambda e: state.nav.push("conflicts"),
                key="sync-conflicts",
            )
        )
    if s.last_error and not s.syncing:
        out.append(
            ft.Text(
                t("sync.last_error", reason=_error_words(t, s)),
                color=ft.Colors.ERROR,
                key="sync-error",
            )
        )
    out.append(section_title(t("sync.rejected_title")))
    rejected = state.store.rejected() if state.store is not None else []
    if not rejected:
        out.append(
            empty_state(t("sync.no_rejected"), icon=ft.Icons.VERIFIED_OUTLINED, key="no-rejected")
        )
    for item in rejected:
        out.append(_rejected_card(state, item, fill))
    return out


def _error_words(t, s: Any) -> str:
    if s.error_kind and t.has(f"sync.err.{s.error_kind}"):
        return t(f"sync.err.{s.error_kind}")
    text = str(s.last_error).lower()
    if any(w in text for w in ("network", "connect", "timeout", "offline")):
        return t("sync.err.network")
    if any(w in text for w in ("server", "500", "502", "503")):
        return t("sync.err.server")
    return t("sync.err.other")


def _reason(t, item: dict) -> str:
    """Why the server refused an entry, in the catalogue's words (its own message is for
    developers and stays out of the screen)."""
    code = item.get("code") or ""
    return t(f"reject.{code}") if t.has(f"reject.{code}") else t("reject.other")


def _summary(state, item: dict) -> str:
    """What the refused entry was about, in the person's words: the household, the concern,
    the move or the text they wrote (the local rows are still there until discarded)."""
    t, store = state.t, state.store
    mtype = item.get("type", "")
    payload = item.get("payload") or {}
    parts: list[str] = []
    try:
        house_id = payload.get("household_id") or (
            item.get("entity_id") if mtype == "household.update" else None
        )
        concern_id = payload.get("concern_id")
        if mtype == "concern.transition" and payload.get("to_status"):
            parts.append(t("concern.move_to", status=t(f"status.{payload['to_status']}")))
        if concern_id and store is not None:
            concern = store.concern(concern_id) or {}
            parts.append(str(concern.get("description") or ""))
            house_id = house_id or concern.get("household_id")
        if house_id and store is not None and not concern_id:
            house = store.household(house_id) or {}
            parts.append(f"{house.get('estate_name') or ''} {fmt.address(house)}".strip())
        if mtype == "resident.update" and store is not None:
            parts.append(str((store.resident(item.get("entity_id")) or {}).get("name") or ""))
        if mtype == "questionnaire.review" and t.has(f"review.outcome.{payload.get('outcome')}"):
            parts.append(t(f"review.outcome.{payload['outcome']}"))
    except Exception:  # a summary must never break the sync screen
        log.exception("rejected item summary failed")
    for key in ("description", "notes", "text", "name", "note"):
        if payload.get(key):
            parts.append(str(payload[key]))
            break
    return " · ".join(p[:80] for p in parts if p)


def _rejected_card(state, item: dict, fill) -> ft.Control:
    t = state.t
    mtype = item.get("type", "")
    code = item.get("code") or ""
    kind = t(f"mutation.{mtype}") if t.has(f"mutation.{mtype}") else t("mutation.other")
    reason = _reason(t, item)

    def discard(e=None) -> None:
        def really(ev=None) -> None:
            state.page.pop_dialog()
            state.store.discard_rejected(item["id"])
            state.refresh_counts()
            state.toast(t("sync.discarded"))
            fill()
            state.push_status()

        state.page.show_dialog(
            ft.AlertDialog(
                title=ft.Text(t("sync.discard")),
                content=ft.Text(t("sync.discard_confirm")),
                actions=[
                    ft.TextButton(t("common.cancel"), on_click=lambda ev: state.page.pop_dialog()),
                    ft.FilledButton(t("sync.discard"), on_click=really, key="discard-confirm"),
                ],
                key="discard-dialog",
            )
        )

    def edit(e=None) -> None:
        open_editor(state, item, fill)

    return ft.Container(
        content=ft.Column(
            [
                ft.Row(
                    [
                        ft.Icon(ft.Icons.ERROR_OUTLINE, color=ft.Colors.ERROR),
                        ft.Text(kind, weight=ft.FontWeight.W_600, expand=True),
                        ft.Text(
                            fmt.date_time(item.get("created_at")),
                            size=14,
                            color=ft.Colors.ON_SURFACE_VARIANT,
                        ),
                    ]
                ),
                ft.Text(
                    f"{reason}（{code}）",
                    color=ft.Colors.ERROR,
                    key=f"rejected-reason-{item['id']}",
                ),
                ft.Text(
                    _summary(state, item),
                    size=14,
                    max_lines=3,
                    overflow=ft.TextOverflow.ELLIPSIS,
                    key=f"rejected-summary-{item['id']}",
                ),
                ft.Row(
                    [
                        ft.FilledTonalButton(
                            t("sync.edit_resend"),
                            icon=ft.Icons.EDIT,
                            on_click=edit,
                            key=f"resend-{item['id']}",
                        ),
                        ft.TextButton(
                            t("sync.discard"),
                            icon=ft.Icons.DELETE_OUTLINE,
                            on_click=discard,
                            key=f"discard-{item['id']}",
                        ),
                    ],
                    wrap=True,
                ),
            ],
            spacing=4,
        ),
        padding=12,
        border_radius=12,
        border=ft.Border.all(1, ft.Colors.ERROR),
        key=f"rejected-{item['id']}",
    )


def open_editor(state, item: dict, fill) -> None:
    """A dialog with the payload's editable fields; saving resends with the corrected payload."""
    t = state.t
    payload = dict(item.get("payload") or {})
    fields: dict[str, ft.TextField] = {}
    for name in EDITABLE_FIELDS.get(item.get("type", ""), ()):
        value = payload.get(name)
        label = t(f"field.{name}") if t.has(f"field.{name}") else name
        fields[name] = ft.TextField(
            label=label,
            value=""
            if value is None
            else (value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)),
            multiline=isinstance(value, str) and name != "name",
            keyboard_type=ft.KeyboardType.NUMBER
            if isinstance(value, int)
            else ft.KeyboardType.TEXT,
            key=f"edit-{name}",
        )
    # answers no server takes (a NaN an older version stored): typed again
    numbers = {
        key: ft.TextField(
            label=label,
            keyboard_type=ft.KeyboardType.NUMBER,
            helper=t("sync.edit_number_hint"),
            key=f"edit-answer-{key}",
        )
        for key, label in _broken_numbers(state, item).items()
    }

    def resend(e=None) -> None:
        new_payload = dict(payload)
        for name, field_control in fields.items():
            raw = field_control.value or ""
            if isinstance(payload.get(name), int) and not isinstance(payload.get(name), bool):
                try:
                    new_payload[name] = int(raw.strip())
                except ValueError:
                    field_control.error = t("sync.edit_invalid", field=field_control.label)
                    state.page.update()
                    return
            else:
                new_payload[name] = raw
        if numbers:
            answers = dict(payload.get("answers") or {})
            for key, field_control in numbers.items():
                number = parse_number((field_control.value or "").strip())
                if number is None:
                    field_control.error = t("visit.number_invalid")
                    state.page.update()
                    return
                field_control.error = None
                answers[key] = number
            new_payload["answers"] = answers
        try:
            state.store.resend_rejected(item["id"], new_payload)
        except ValueError:  # the shared rules refuse it: say so, and let them edit or cancel
            message.value, message.visible = t("sync.resend_invalid"), True
            state.page.update()
            return
        except Exception as err:
            state.page.pop_dialog()
            log_failure(log, "resend", err)
            state.toast(t("error.generic"), error=True)
            return
        state.page.pop_dialog()
        state.after_write()
        state.toast(t("sync.resent"))
        fill()
        state.page.update()

    message = ft.Text("", color=ft.Colors.ERROR, visible=False, key="edit-message")
    state.page.show_dialog(
        ft.AlertDialog(
            title=ft.Text(t("sync.edit_title")),
            content=ft.Column(
                [
                    *(list(fields.values()) or [ft.Text(_reason(t, item))]),
                    *numbers.values(),
                    message,
                ],
                tight=True,
                width=360,
            ),
            actions=[
                ft.TextButton(t("common.cancel"), on_click=lambda e: state.page.pop_dialog()),
                ft.FilledButton(t("sync.edit_resend"), on_click=resend, key="resend-confirm"),
            ],
            key="edit-dialog",
        )
    )


def _broken_numbers(state, item: dict) -> dict[str, str]:
    """A visit's answers that are numbers no server takes (NaN or an infinity, which an older
    version could store), by key, with their question's label."""
    payload = item.get("payload") or {}
    answers = payload.get("answers")
    if item.get("type") != "visit.record" or not isinstance(answers, dict):
        return {}
    broken = [k for k, v in answers.items() if isinstance(v, float) and not math.isfinite(v)]
    if not broken:
        return {}
    version = payload.get("checklist_version")
    checklist = None
    if isinstance(version, int) and not isinstance(version, bool) and 0 < version < 2**31:
        checklist = state.store.checklist(version)
    labels = {q.get("key"): q.get("label") for q in (checklist or {}).get("questions") or []}
    return {k: state.t.text(labels.get(k)) or k for k in broken}
