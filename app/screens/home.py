"""Home: the worklists with their counts (who to see next), my estates with coverage,
households not visited for 30+ days, my open concerns."""

from __future__ import annotations

import asyncio
import logging

import flet as ft

from app.chrome import screen, section_title
from app.screens.worklist import ICONS as WORKLIST_ICONS
from app.theme import scale_text, text_scale_of
from components.coverage_bar import coverage_bar
from components.empty_state import empty_state
from components.stat_tile import stat_tile

log = logging.getLogger(__name__)


def build(state) -> ft.View:
    t = state.t
    body = ft.Column(spacing=12, key="home-body")

    def fill() -> None:
        body.controls = _content(state, _load(state))

    async def refill() -> None:
        # after a sync the store may still be busy (search warm-up, a follow-up sync holding
        # its lock): query in a worker thread so the event loop (the UI) never waits on it
        data = await asyncio.to_thread(_load, state)
        body.controls = _content(state, data)
        scale_text(body, text_scale_of(state.page))
        try:
            state.page.update()
        except Exception:  # the session may be closing
            log.debug("home refresh failed", exc_info=True)

    def on_status(data_changed: bool) -> None:
        if data_changed and state.store is not None:
            try:
                state.page.run_task(refill)
            except RuntimeError:  # no event loop bound to the session (view tests)
                fill()

    fill()
    return screen(
        state,
        route="/home",
        title=t("app.name"),
        body=[body],
        tab="home",
        on_status=on_status,
        fab=ft.FloatingActionButton(
            icon=ft.Icons.SEARCH,
            content=ft.Text(t("home.find_household")),
            on_click=lambda e: state.nav.root("households"),
            key="home-find",
        ),
    )


def _load(state) -> dict | None:
    """The home screen's figures from the store (blocking; None when the store failed)."""
    store = state.store
    try:
        data = {
            "summary": store.home_summary(state.today()),
            "estates": store.estates(state.today()),
        }
    except Exception:
        log.exception("home summary failed")
        return None
    try:
        data["worklists"] = store.worklist_counts(state.today())
    except Exception:
        log.exception("worklist counts failed")
        data["worklists"] = None
    try:
        data["to_review"] = len(store.responses_to_review(offset=0, limit=10_000))
    except Exception:
        log.exception("responses to review failed")
        data["to_review"] = 0
    return data


def _content(state, data: dict | None) -> list[ft.Control]:
    t = state.t
    if data is None:
        return [empty_state(t("error.generic"), icon=ft.Icons.ERROR_OUTLINE)]
    summary, estates = data["summary"], data["estates"]
    name = (state.user or {}).get("name", "")
    out: list[ft.Control] = [
        ft.Text(t("home.greeting", name=name), size=22, weight=ft.FontWeight.W_600)
    ]
    if not estates:
        loading = state.sync.syncing or state.sync.last_sync_at is None
        out.append(
            empty_state(
                t("home.first_sync") if loading else t("home.no_data"),
                loading=loading,
                key="home-empty",
            )
        )
        return out
    households = summary.get("households", 0) or 0
    visited = summary.get("visited_this_month", 0) or 0
    pct = round(100 * visited / households) if households else 0
    out += [
        ft.Row(
            [
                stat_tile(
                    households,
                    t("home.households"),
                    icon=ft.Icons.HOME_WORK_OUTLINED,
                    key="stat-households",
                    on_click=lambda e: state.nav.root("households"),
                ),
                stat_tile(
                    f"{visited}",
                    t("home.coverage", pct=pct),
                    icon=ft.Icons.TASK_ALT,
                    key="stat-visited",
                ),
            ],
            spacing=12,
        ),
        ft.Row(
            [
                stat_tile(
                    summary.get("not_visited_30", 0),
                    t("home.not_visited_30"),
                    icon=ft.Icons.SCHEDULE,
                    emphasis=bool(summary.get("not_visited_30")),
                    key="stat-stale",
                    on_click=lambda e: state.nav.root("households", not_visited=True),
                ),
                stat_tile(
                    summary.get("my_open_concerns", 0),
                    t("home.open_concerns"),
                    icon=ft.Icons.ASSIGNMENT_LATE_OUTLINED,
                    key="stat-concerns",
                    on_click=lambda e: state.nav.root("concerns", mine=True),
                ),
            ],
            spacing=12,
        ),
    ]
    to_review = data["to_review"]
    if to_review:
        out.append(
            ft.Container(
                content=ft.Row(
                    [
                        ft.Icon(ft.Icons.QR_CODE_SCANNER, color=ft.Colors.TERTIARY),
                        ft.Text(t("home.to_review", n=to_review), size=16, expand=True),
                        ft.Icon(ft.Icons.CHEVRON_RIGHT, color=ft.Colors.OUTLINE),
                    ],
                    spacing=12,
                ),
                padding=ft.Padding.symmetric(horizontal=12, vertical=14),
                border_radius=12,
                bgcolor=ft.Colors.TERTIARY_CONTAINER,
                on_click=lambda e: state.nav.push("review"),
                ink=True,
                key="home-review",
            )
        )
    if data.get("worklists") is not None:
        out.append(section_title(t("work.title")))
        out.extend(_worklist_rows(state, data["worklists"]))
    out.append(section_title(t("home.my_estates")))
    for estate in estates:
        n = estate.get("household_count", 0) or 0
        v = estate.get("visited_this_month", 0) or 0
        share = (v / n) if n else 0.0
        out.append(
            ft.Container(
                content=ft.Column(
                    [
                        ft.Row(
                            [
                                ft.Text(
                                    estate.get("name", ""),
                                    size=17,
                                    weight=ft.FontWeight.W_600,
                                    expand=True,
                                ),
                                ft.Text(
                                    f"{round(share * 100)}%",
                                    color=ft.Colors.PRIMARY,
                                    weight=ft.FontWeight.W_600,
                                ),
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
                border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
                on_click=lambda e, eid=estate["id"]: state.nav.push("estate", estate_id=eid),
                ink=True,
                key=f"estate-{estate['id']}",
            )
        )
    out.append(ft.Container(height=72))  # room above the floating button
    return out


def _worklist_rows(state, counts: dict) -> list[ft.Control]:
    """One row per worklist: its name, what is urgent, the count; tap opens the list."""
    from services.worklists import WORKLISTS

    t = state.t
    rows: list[ft.Control] = []
    for kind in WORKLISTS:
        n = counts.get(kind, 0) or 0
        overdue = counts.get("follow_ups_overdue", 0) if kind == "follow_ups" else 0
        label: list[ft.Control] = [ft.Text(t(f"work.{kind}"), size=17)]
        if overdue:
            label.append(ft.Text(t("work.overdue_n", n=overdue), size=16, color=ft.Colors.ERROR))
        rows.append(
            ft.Container(
                content=ft.Row(
                    [
                        ft.Icon(WORKLIST_ICONS[kind], color=ft.Colors.PRIMARY),
                        ft.Column(label, spacing=0, expand=True),
                        ft.Text(
                            str(n),
                            size=22,
                            weight=ft.FontWeight.BOLD,
                            color=ft.Colors.ERROR if overdue else ft.Colors.PRIMARY,
                            key=f"work-count-{kind}",
                        ),
                        ft.Icon(ft.Icons.CHEVRON_RIGHT, color=ft.Colors.OUTLINE),
                    ],
                    spacing=12,
                    vertical_alignment=ft.CrossAxisAlignment.CENTER,
                ),
                padding=ft.Padding.symmetric(horizontal=12, vertical=10),
                border_radius=12,
                border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
                on_click=lambda e, k=kind: state.nav.push("worklist", kind=k),
                ink=True,
                key=f"home-work-{kind}",
            )
        )
    return rows
