"""One past visit, read only: when, how, by whom, each answer under its question (from the
checklist version the visit used), notes, follow-up, and the concerns raised in it."""

from __future__ import annotations

import flet as ft

from app import fmt
from app.chrome import screen, section_title
from components.empty_state import empty_state
from components.flag_chips import tag
from services.questionnaire_answers import describe_answers


def answer_rows(
    state, visit: dict, *, key_prefix: str, selectable: bool = True
) -> list[ft.Control]:
    """A visit's answers as "question / answer" blocks, in the checklist's order (also the
    household page's last-visit summary, inside a tappable card: not ``selectable`` there, as
    selectable text keeps its own semantics and the card would be read as empty)."""
    checklist = state.store.checklist(visit.get("checklist_version"))
    lines = describe_answers(checklist, visit.get("answers") or {}, state.lang)
    return [
        ft.Column(
            [
                ft.Text(label, size=14, color=ft.Colors.ON_SURFACE_VARIANT),
                ft.Text(answer, size=16, selectable=selectable),
            ],
            spacing=0,
            key=f"{key_prefix}-{i}",
        )
        for i, (label, answer) in enumerate(lines)
    ]


def concern_row(state, c: dict, *, key: str) -> ft.Control:
    """A concern as one tappable row: what, status and category, pending; opens it."""
    t = state.t
    return ft.ListTile(
        leading=ft.Icon(ft.Icons.ASSIGNMENT_LATE_OUTLINED, color=ft.Colors.TERTIARY),
        title=ft.Text(c.get("description", ""), max_lines=2, overflow=ft.TextOverflow.ELLIPSIS),
        subtitle=ft.Text(f"{t('status.' + c['status'])} · {fmt.category(t, c.get('category'))}"),
        trailing=tag(t("common.pending"), warm=True) if c.get("pending") else None,
        on_click=lambda e, cid=c["id"]: state.nav.push("concern", concern_id=cid),
        min_height=56,
        key=key,
    )


def method_label(t, visit: dict) -> str:
    key = f"method.{visit.get('method')}"
    return t(key) if t.has(key) else ""


def build(state, visit_id: str) -> ft.View:
    t = state.t
    store = state.store
    v = store.visit(visit_id)
    route = f"/visit/{visit_id}"
    if v is None:
        return screen(
            state,
            route=route,
            title=t("visitview.title"),
            body=[empty_state(t("error.not_found"), icon=ft.Icons.SEARCH_OFF)],
        )
    house = store.household(v.get("household_id")) or {}
    answers = answer_rows(state, v, key_prefix="answer")
    concerns = store.concerns(visit_id=visit_id)
    body: list[ft.Control] = [
        ft.Text(
            f"{house.get('estate_name') or ''} {fmt.address(house)}".strip(),
            size=16,
            color=ft.Colors.ON_SURFACE_VARIANT,
        ),
        ft.Row(
            [
                ft.Text(
                    t(
                        "visitview.method_people",
                        method=method_label(t, v),
                        n=v.get("people_reached", 0),
                    ),
                    size=18,
                    weight=ft.FontWeight.W_600,
                ),
                *([tag(t("common.pending"), warm=True)] if v.get("pending") else []),
            ],
            wrap=True,
        ),
        ft.Text(
            t(
                "visitview.by",
                who=v.get("user_name") or "",
                when=fmt.date_time(v.get("visited_at")),
            ),
            size=14,
            color=ft.Colors.ON_SURFACE_VARIANT,
        ),
        section_title(t("visitview.answers")),
        *(answers or [ft.Text(t("visitview.no_answers"), color=ft.Colors.ON_SURFACE_VARIANT)]),
    ]
    if v.get("notes"):
        body += [
            section_title(t("visit.notes")),
            ft.Text(v["notes"], size=16, selectable=True, key="past-visit-notes"),
        ]
    if v.get("follow_up_date"):
        body.append(
            ft.Text(
                t("house.follow_up", date=fmt.date(v["follow_up_date"])),
                size=16,
                color=ft.Colors.TERTIARY,
            )
        )
    if concerns:
        body.append(section_title(t("visitview.concerns")))
        body += [concern_row(state, c, key=f"past-visit-concern-{c['id']}") for c in concerns]
    body.append(ft.Container(height=24))
    return screen(state, route=route, title=t("visitview.title"), body=body)
