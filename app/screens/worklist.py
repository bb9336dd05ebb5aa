"""One worklist (follow-ups due, 60+ not vaccinated, living alone not visited, never visited)
in walking order, paged from the store. On the vaccination list each person carries the
statuses as large buttons: one tap records the new status (a ``resident.update``, offline
like every edit) and the list and its count follow at once."""

from __future__ import annotations

import logging

import flet as ft

from app import fmt
from app.chrome import screen
from app.paging import Pager
from components.empty_state import empty_state
from components.flag_chips import tag
from components.household_tile import household_tile
from components.toggle_chips import ToggleChips
from services.failures import log_failure

log = logging.getLogger(__name__)

#: the statuses a head records from the list (unknown is where everyone starts)
RECORDABLE = ("none", "partial", "full", "booster")
ICONS = {
    "follow_ups": ft.Icons.EVENT_REPEAT,
    "unvaccinated": ft.Icons.VACCINES_OUTLINED,
    "alone_unvisited": ft.Icons.PERSON_PIN_CIRCLE_OUTLINED,
    "never_visited": ft.Icons.HOME_OUTLINED,
}


def build(state, kind: str) -> ft.View:
    t = state.t
    store = state.store

    def open_household(hid: str):
        return lambda e: state.nav.push("household", household_id=hid)

    def place(row: dict) -> str:
        return " ".join(x for x in (row.get("estate_name") or "", fmt.address(row)) if x)

    def household_row(row: dict) -> ft.Control:
        if kind == "follow_ups":
            detail = t("work.due_on", date=row.get("follow_up_date") or "")
            tags = [(t("work.overdue"), True)] if row.get("overdue") else []
        else:
            detail = t("hh.never_visited")
            tags = []
        people = row.get("member_count") or row.get("people_count") or 0
        return household_tile(
            title=fmt.address(row),
            subtitle=" · ".join(
                x
                for x in (row.get("estate_name") or "", t("hh.people", n=people) if people else "")
                if x
            ),
            detail=detail,
            tags=tags,
            on_click=open_household(row["household_id"]),
            key=f"work-{row['id']}",
        )

    def person_lines(row: dict) -> list[ft.Control]:
        age = row.get("age")
        head = row.get("name", "") + (f" · {t('house.age', age=age)}" if age is not None else "")
        return [
            ft.Text(head, size=18, weight=ft.FontWeight.W_600),
            ft.Text(place(row), size=16, color=ft.Colors.ON_SURFACE_VARIANT),
        ]

    def alone_row(row: dict) -> ft.Control:
        last = row.get("last_visit_at")
        detail = t("hh.last_visit", date=fmt.date(last)) if last else t("hh.never_visited")
        return ft.Container(
            content=ft.Row(
                [
                    ft.Icon(ICONS[kind], color=ft.Colors.PRIMARY),
                    ft.Column(
                        [
                            *person_lines(row),
                            ft.Text(detail, size=16, color=ft.Colors.ON_SURFACE_VARIANT),
                        ],
                        spacing=2,
                        expand=True,
                    ),
                    ft.Icon(ft.Icons.CHEVRON_RIGHT, color=ft.Colors.OUTLINE),
                ],
                spacing=12,
            ),
            padding=ft.Padding.symmetric(horizontal=12, vertical=10),
            border_radius=12,
            border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
            on_click=open_household(row["household_id"]),
            ink=True,
            key=f"work-{row['id']}",
        )

    def vaccination_row(row: dict) -> ft.Control:
        status = row.get("vaccination") or "unknown"
        chips = ToggleChips(
            [(v, t(f"vacc.{v}")) for v in RECORDABLE],
            value=status if status in RECORDABLE else None,
            multiple=False,
            on_change=lambda value, r=row: record(r, str(value)),
            key=f"work-vacc-{row['id']}",
            redrawn=True,  # record() refreshes the list, which draws the row again
        )
        return ft.Container(
            content=ft.Column(
                [
                    ft.Row(
                        [
                            ft.Column(person_lines(row), spacing=2, expand=True),
                            ft.IconButton(
                                ft.Icon(
                                    ft.Icons.CHEVRON_RIGHT,
                                    semantics_label=t("work.open_household"),
                                ),
                                tooltip=t("work.open_household"),
                                on_click=open_household(row["household_id"]),
                                width=48,
                                height=48,
                                key=f"work-open-{row['id']}",
                            ),
                        ],
                        vertical_alignment=ft.CrossAxisAlignment.START,
                    ),
                    # a status the buttons cannot show (unknown) is said in words
                    *(
                        []
                        if status in RECORDABLE
                        else [tag(t("work.vacc_now", status=t(f"vacc.{status}")), warm=True)]
                    ),
                    chips.control,
                ],
                spacing=8,
            ),
            padding=12,
            border_radius=12,
            border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
            key=f"work-{row['id']}",
        )

    def record(row: dict, status: str) -> None:
        try:
            store.update_resident(row["id"], vaccination=status)
        except Exception as err:  # the store refuses bad input with a readable error
            log_failure(log, "recording a vaccination", err)
            state.toast(t("error.generic"), error=True)
            refresh()
            return
        state.after_write()
        state.toast(t("work.vacc_recorded", name=row.get("name", ""), status=t(f"vacc.{status}")))
        refresh()

    render = {
        "follow_ups": household_row,
        "never_visited": household_row,
        "alone_unvisited": alone_row,
        "unvaccinated": vaccination_row,
    }[kind]

    pager = Pager(
        fetch=lambda offset, limit: store.worklist(kind, state.today(), offset=offset, limit=limit),
        count=lambda: store.worklist_counts(state.today())[kind],
        render=render,
        empty=lambda: empty_state(t("work.empty"), icon=ft.Icons.TASK_ALT, key="work-empty"),
        more_label=t("common.load_more"),
        error_label=t("error.generic"),
        key="work-list",
    )
    summary = ft.Text("", size=16, key="work-count")

    def refresh(update: bool = True) -> None:
        """Re-read the rows shown, keeping the place in the list (after a record or a sync)."""
        try:
            pager.refresh()
        except Exception:
            log.exception("worklist %s refresh failed", kind)
            pager.reload()
        summary.value = t("work.count", n=pager.total)
        if update:
            state.page.update()

    def after_sync(data_changed: bool) -> None:
        if data_changed:
            refresh(update=False)  # the status push updates the page

    pager.reload()
    summary.value = t("work.count", n=pager.total)
    view = screen(
        state,
        route=f"/worklist/{kind}",
        title=t(f"work.{kind}"),
        body=[
            ft.Text(t(f"work.{kind}_hint"), size=16, color=ft.Colors.ON_SURFACE_VARIANT),
            summary,
            pager.control,
        ],
        on_status=after_sync,
    )
    view.on_scroll = pager.on_scroll
    view.data.update({"pager": pager, "refresh": refresh, "record": record})
    return view
