"""The frame around screens: app bar with the sync badge, offline banner, bottom navigation."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app.nav import Screen
from components.offline_banner import offline_banner
from components.sync_badge import SyncBadge

TABS = ("home", "households", "concerns", "sync", "settings")
#: a 街道 login reads figures only: no household or concern lists to open
FIGURES_ONLY_TABS = ("home", "sync", "settings")
_TAB_ICONS = {
    "home": (ft.Icons.HOME_OUTLINED, ft.Icons.HOME),
    "households": (ft.Icons.PEOPLE_OUTLINE, ft.Icons.PEOPLE),
    "concerns": (ft.Icons.ASSIGNMENT_OUTLINED, ft.Icons.ASSIGNMENT),
    "sync": (ft.Icons.SYNC_OUTLINED, ft.Icons.SYNC),
    "settings": (ft.Icons.SETTINGS_OUTLINED, ft.Icons.SETTINGS),
}


def tabs_for(role: str) -> tuple[str, ...]:
    """The bottom navigation's tabs for a role."""
    return FIGURES_ONLY_TABS if role == "street" else TABS


def _nav_bar(state, current: str) -> ft.NavigationBar:
    tabs = tabs_for(state.role)

    def on_change(e) -> None:
        index = e.control.selected_index
        if 0 <= index < len(tabs) and tabs[index] != current:
            state.nav.root(tabs[index])

    return ft.NavigationBar(
        destinations=[
            ft.NavigationBarDestination(
                icon=_TAB_ICONS[name][0],
                selected_icon=_TAB_ICONS[name][1],
                label=state.t(f"nav.{name}"),
            )
            for name in tabs
        ],
        selected_index=tabs.index(current) if current in tabs else None,
        on_change=on_change,
        key="nav-bar",
    )


def screen(
    state,
    *,
    route: str,
    title: str,
    body: list[ft.Control],
    tab: str | None = None,
    fab: ft.FloatingActionButton | None = None,
    on_status: Callable[[bool], None] | None = None,
    scroll: bool = True,
    actions: list[ft.Control] | None = None,
) -> ft.View:
    """A screen: top-level when ``tab`` is given (bottom navigation), else a pushed page with
    a back arrow. ``on_status(data_changed)`` is called on every sync status change while the
    screen is on top."""
    badge = SyncBadge(state.badge_state(), on_click=lambda e: state.nav.root("sync"))
    banner = offline_banner(state.t("sync.offline_banner"), visible=not state.sync.online)
    leading = None
    if tab is None:
        leading = ft.IconButton(
            ft.Icon(ft.Icons.ARROW_BACK, semantics_label=state.t("nav.back")),
            tooltip=state.t("nav.back"),
            on_click=lambda e: state.nav.back(),
            key="back",
        )
    appbar = ft.AppBar(
        leading=leading,
        automatically_imply_leading=False,
        title=ft.Text(
            title, size=20, weight=ft.FontWeight.W_600, overflow=ft.TextOverflow.ELLIPSIS
        ),
        actions=[*(actions or []), ft.Container(badge.control, padding=ft.Padding.only(right=8))],
        bgcolor=ft.Colors.SURFACE_CONTAINER,
    )
    view = Screen(
        path=route,
        appbar=appbar,
        controls=[banner, *body],
        navigation_bar=_nav_bar(state, tab) if tab else None,
        floating_action_button=fab,
        scroll=ft.ScrollMode.AUTO if scroll else None,
        padding=ft.Padding.symmetric(horizontal=12, vertical=8),
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        spacing=12,
    )
    view.data = {"badge": badge, "banner": banner, "on_status": on_status}
    return view


def section_title(text: str, *, trailing: ft.Control | None = None) -> ft.Row:
    items: list[ft.Control] = [
        ft.Text(text, size=18, weight=ft.FontWeight.W_600, color=ft.Colors.PRIMARY, expand=True)
    ]
    if trailing is not None:
        items.append(trailing)
    return ft.Row(items, vertical_alignment=ft.CrossAxisAlignment.CENTER)
