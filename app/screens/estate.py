"""One estate: its coverage, "show questionnaire QR" for the whole estate (a poster on the
phone's screen, answers attributed to the estate), and its households, paged, by building."""

from __future__ import annotations

import logging

import flet as ft

from app.chrome import screen
from app.paging import Pager
from app.qr_dialog import qr_button
from app.screens.households import household_row_tile
from components.coverage_bar import coverage_bar
from components.empty_state import empty_state
from components.labelled import labelled

log = logging.getLogger(__name__)


def build(state, estate_id: str) -> ft.View:
    t = state.t
    store = state.store
    estate = next((e for e in store.estates(state.today()) if e["id"] == estate_id), None)
    if estate is None:
        return screen(
            state,
            route=f"/estate/{estate_id}",
            title=t("hh.title"),
            body=[empty_state(t("error.not_found"), icon=ft.Icons.SEARCH_OFF)],
        )
    chosen = {"building": None, "not_visited": False}

    def filters() -> dict:
        return {
            "estate_id": estate_id,
            "building": chosen["building"],
            "not_visited_days": 30 if chosen["not_visited"] else None,
        }

    pager = Pager(
        fetch=lambda offset, limit: store.households(**filters(), offset=offset, limit=limit),
        count=lambda: store.count_households(**filters()),
        render=lambda row: household_row_tile(state, row, show_estate=False),
        empty=lambda: empty_state(t("hh.empty"), icon=ft.Icons.SEARCH_OFF, key="estate-empty"),
        more_label=t("common.load_more"),
        error_label=t("error.generic"),
        key="estate-list",
    )
    summary = ft.Text("", color=ft.Colors.ON_SURFACE_VARIANT, key="estate-count")

    def reload(update: bool = True) -> None:
        pager.reload()
        summary.value = t("hh.count", n=pager.total)
        if update:
            state.page.update()

    def after_sync(data_changed: bool) -> None:
        if not data_changed:
            return
        try:
            pager.refresh()
        except Exception:
            log.exception("estate households refresh failed")
            return
        summary.value = t("hh.count", n=pager.total)

    building = ft.Dropdown(
        label=t("hh.filter_building"),
        value="",
        options=[ft.DropdownOption(key="", text=t("hh.all_buildings"))]
        + [
            ft.DropdownOption(key=b, text=t("hh.building_n", b=b))
            for b in store.buildings(estate_id)
        ],
        expand=True,
        key="estate-building",
    )

    def on_building(e) -> None:
        chosen["building"] = building.value or None
        reload()

    building.on_select = on_building
    stale_chip = ft.Chip(label=ft.Text(t("hh.not_visited")), key="estate-chip-not-visited")

    def on_stale(e) -> None:
        chosen["not_visited"] = not chosen["not_visited"]
        stale_chip.selected = chosen["not_visited"]
        reload()

    stale_chip.on_select = on_stale

    n = estate.get("household_count", 0) or 0
    v = estate.get("visited_this_month", 0) or 0
    share = (v / n) if n else 0.0
    header = ft.Container(
        content=ft.Column(
            [
                ft.Row(
                    [
                        ft.Text(
                            t("estate.coverage", pct=round(share * 100)),
                            size=15,
                            color=ft.Colors.PRIMARY,
                            weight=ft.FontWeight.W_600,
                        )
                    ]
                ),
                coverage_bar(v, n),
                ft.Text(
                    t(
                        "home.estate_line",
                        households=n,
                        visited=v,
                        stale=estate.get("not_visited_30", 0) or 0,
                    ),
                    size=14,
                    color=ft.Colors.ON_SURFACE_VARIANT,
                ),
            ],
            spacing=6,
        ),
        padding=12,
        border_radius=12,
        bgcolor=ft.Colors.SURFACE_CONTAINER_LOW,
    )
    reload(update=False)
    view = screen(
        state,
        route=f"/estate/{estate_id}",
        title=estate.get("name", ""),
        body=[
            header,
            ft.Row([qr_button(state, estate_id=estate_id, key="estate-qr")]),
            ft.Row([labelled(building, t("hh.filter_building")), stale_chip], spacing=8),
            summary,
            pager.control,
        ],
        on_status=after_sync,
    )
    view.on_scroll = pager.on_scroll
    view.data.update({"pager": pager, "after_sync": after_sync})
    return view
