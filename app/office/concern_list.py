"""The office's concern list: every concern of the scope with its assignee, due date and an
overdue mark, filtered by status, overdue, category, estate and assignee; opened from the
dashboard with the figure's own filters (tap "overdue 7" → those 7). Read from the store, so
it works offline."""

from __future__ import annotations

from typing import Any

import flet as ft

from app import fmt
from app.chrome import screen
from app.office.download import download_button
from app.paging import Pager
from app.theme import MIN_TEXT
from components.empty_state import empty_state
from components.flag_chips import tag
from components.icon_button import icon_button
from components.labelled import labelled
from services.downloads import ledger_request
from services.protocol import CONCERN_STATUSES

ALL = ""
#: filters the screen offers (the rest come from the dashboard and stay as they came)
_PICKED = ("status", "overdue", "category", "estate_id", "assignee_id")


def build(
    state,
    title: str | None = None,
    mine: bool = False,
    ledger: dict | None = None,
    **given: Any,
) -> ft.View:
    """``given``: the store's concern filters (``services.office``); ``mine``: raised by me;
    ``ledger``: the period and place (``first``, ``last``, ``district_id``, ``estate_id``) the
    download button exports, when the list was opened from a figure (else the whole scope, or
    the estate picked)."""
    t = state.t
    store = state.store
    today = state.today()
    current: dict[str, Any] = {"status": None, "overdue": False, **given}
    if mine:
        current["created_by"] = (state.user or {}).get("id")

    def filters() -> dict:
        return {k: v for k, v in current.items() if v not in (None, ALL, False) or k == "overdue"}

    def fetch(offset: int, limit: int) -> list[dict]:
        return store.office_concerns(today=today, offset=offset, limit=limit, **filters())

    def count() -> int:
        return store.count_office_concerns(today=today, **filters())

    def render(c: dict) -> ft.Control:
        return concern_row(state, c)

    pager = Pager(
        fetch=fetch,
        count=count,
        render=render,
        empty=lambda: empty_state(
            t("office.list_empty"), icon=ft.Icons.CHECK_CIRCLE_OUTLINE, key="office-list-empty"
        ),
        more_label=t("common.load_more"),
        error_label=t("error.generic"),
        key="office-list",
    )
    total = ft.Text("", size=14, color=ft.Colors.ON_SURFACE_VARIANT, key="office-list-count")

    def reload(update: bool = True) -> None:
        pager.reload()
        total.value = t("office.list_count", n=pager.total)
        if update:
            state.page.update()

    def pick(name: str, control: ft.Control):
        def handler(e) -> None:
            value = control.value
            current[name] = bool(value) if name == "overdue" else (value or None)
            reload()

        return handler

    status = _dropdown(
        t("office.filter_status"),
        current.get("status"),
        [(s, t(f"status.{s}")) for s in CONCERN_STATUSES],
        t("office.all"),
        key="office-filter-status",
    )
    category = _dropdown(
        t("concern.category"),
        current.get("category"),
        [(c, fmt.category(t, c)) for c in store.concern_categories()],
        t("office.all"),
        key="office-filter-category",
    )
    estate = _dropdown(
        t("office.estate"),
        current.get("estate_id"),
        [(e["id"], e["name"]) for e in store.estates(today)],
        t("office.all"),
        key="office-filter-estate",
    )
    assignee = _dropdown(
        t("office.assignee"),
        current.get("assignee_id"),
        [(a["id"], a["name"]) for a in store.assignees()],
        t("office.all"),
        key="office-filter-assignee",
    )
    overdue = ft.Switch(
        label=t("office.only_overdue"), value=bool(current["overdue"]), key="office-filter-overdue"
    )
    for name, control in zip(_PICKED, (status, overdue, category, estate, assignee), strict=True):
        if isinstance(control, ft.Dropdown):
            control.on_select = pick(name, control)
        else:
            control.on_change = pick(name, control)
    reload(update=False)

    def ledger_of_list() -> tuple[str, dict[str, str]]:
        if ledger:
            return ledger_request("concerns", **ledger)
        return ledger_request("concerns", estate_id=current.get("estate_id") or None)

    download = download_button(
        state,
        t("download.concerns"),
        ledger_of_list,
        key="office-list-download",
        fallback_name="concerns.xlsx",
    )
    bar = ft.ResponsiveRow(
        [
            _col(labelled(status, t("office.filter_status")), md=3),
            _col(labelled(category, t("concern.category")), md=3),
            _col(labelled(estate, t("office.estate")), md=3),
            _col(labelled(assignee, t("office.assignee")), md=3),
        ],
        spacing=8,
        run_spacing=8,
    )
    view = screen(
        state,
        route="/office/concerns",
        title=title or t("office.concerns_title"),
        body=[
            bar,
            ft.Row(
                [overdue, total, download],
                spacing=16,
                wrap=True,
                vertical_alignment=ft.CrossAxisAlignment.CENTER,
            ),
            pager.control,
        ],
        tab=None if title else "concerns",
        actions=[
            icon_button(
                ft.Icons.GROUPS_OUTLINED,
                t("meeting.list_title"),
                on_click=lambda e: state.nav.push("meetings"),
                key="open-meetings",
            )
        ],
        on_status=lambda changed: pager.refresh() if changed else None,
    )
    view.on_scroll = pager.on_scroll
    view.data.update({"pager": pager, "current": current})
    return view


def _dropdown(label: str, value, options, all_label: str, *, key: str) -> ft.Dropdown:
    return ft.Dropdown(
        label=label,
        value=value or ALL,
        options=[ft.DropdownOption(key=ALL, text=all_label)]
        + [ft.DropdownOption(key=k, text=text) for k, text in options],
        dense=True,
        expand=True,
        key=key,
    )


def _col(control: ft.Control, *, md: int) -> ft.Control:
    control.col = {"xs": 6, "md": md}
    return control


def concern_row(state, c: dict, *, trailing: ft.Control | None = None) -> ft.Control:
    """One concern as the office reads it: kind, category, status, overdue; the text; where,
    who follows it up and by when. Tap opens it."""
    t = state.t
    due = c.get("due_date")
    line = [
        c.get("estate_name") or "",
        fmt.address(c) if c.get("address") else "",
        t("office.assigned_to", name=c["assignee_name"])
        if c.get("assignee_name")
        else t("office.unassigned"),
        t("office.due", date=due) if due else "",
    ]
    tags = [
        tag(t(f"kind.{c.get('kind', 'request')}"), warm=c.get("kind") == "complaint"),
        tag(t(f"status.{c.get('status', 'open')}")),
    ]
    if c.get("overdue"):
        tags.append(
            ft.Container(
                ft.Text(t("office.overdue_mark"), size=MIN_TEXT, color=ft.Colors.ON_ERROR),
                bgcolor=ft.Colors.ERROR,
                padding=ft.Padding.symmetric(horizontal=8, vertical=2),
                border_radius=8,
                key=f"overdue-{c['id']}",
            )
        )
    if c.get("pending"):
        tags.append(tag(t("common.pending"), warm=True))
    return ft.Container(
        content=ft.Row(
            [
                ft.Column(
                    [
                        ft.Row(
                            [
                                *tags,
                                ft.Text(
                                    fmt.category(t, c.get("category")),
                                    size=MIN_TEXT,
                                    color=ft.Colors.ON_SURFACE_VARIANT,
                                ),
                            ],
                            spacing=6,
                            wrap=True,
                        ),
                        ft.Text(
                            c.get("description", ""),
                            size=16,
                            max_lines=2,
                            overflow=ft.TextOverflow.ELLIPSIS,
                        ),
                        ft.Text(
                            " · ".join(x for x in line if x),
                            size=MIN_TEXT,
                            color=ft.Colors.ERROR
                            if c.get("overdue")
                            else ft.Colors.ON_SURFACE_VARIANT,
                        ),
                    ],
                    spacing=4,
                    expand=True,
                ),
                *([trailing] if trailing is not None else []),
            ],
            vertical_alignment=ft.CrossAxisAlignment.CENTER,
        ),
        padding=12,
        border_radius=12,
        border=ft.Border.all(1, ft.Colors.ERROR if c.get("overdue") else ft.Colors.OUTLINE_VARIANT),
        on_click=lambda e, cid=c["id"]: state.nav.push("concern", concern_id=cid),
        ink=True,
        key=f"concern-{c['id']}",
    )
