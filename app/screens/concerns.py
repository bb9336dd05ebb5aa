"""Concerns by status, paged; "only mine" for the neighbour head's own."""

from __future__ import annotations

import flet as ft

from app import fmt
from app.chrome import screen
from app.paging import Pager
from components.empty_state import empty_state
from components.flag_chips import tag
from components.icon_button import icon_button
from components.toggle_chips import ToggleChips

STATUSES = ("open", "in_review", "resolved", "referred", "closed")


def build(state, status: str = "open", mine: bool = False) -> ft.View:
    t = state.t
    store = state.store
    current = {"status": status, "mine": mine}

    def fetch(offset: int, limit: int) -> list[dict]:
        return store.concerns(
            status=current["status"], mine=current["mine"], offset=offset, limit=limit
        )

    def count() -> int:
        # The store API has no concern count; one page beyond the shown ones is enough to
        # know whether "load more" is needed.
        return len(
            store.concerns(status=current["status"], mine=current["mine"], offset=0, limit=10_000)
        )

    def render(c: dict) -> ft.Control:
        return ft.Container(
            content=ft.Column(
                [
                    ft.Row(
                        [
                            tag(
                                t(f"kind.{c.get('kind', 'request')}"),
                                warm=c.get("kind") == "complaint",
                            ),
                            ft.Text(
                                fmt.category(t, c.get("category")),
                                size=14,
                                color=ft.Colors.ON_SURFACE_VARIANT,
                                expand=True,
                            ),
                            *([tag(t("common.pending"), warm=True)] if c.get("pending") else []),
                        ],
                        spacing=6,
                    ),
                    ft.Text(
                        c.get("description", ""),
                        size=16,
                        max_lines=2,
                        overflow=ft.TextOverflow.ELLIPSIS,
                    ),
                    ft.Text(
                        " · ".join(
                            x
                            for x in (
                                c.get("estate_name", ""),
                                fmt.address(c) if c.get("address") else "",
                                fmt.date(c.get("updated_at") or c.get("created_at")),
                            )
                            if x
                        ),
                        size=14,
                        color=ft.Colors.ON_SURFACE_VARIANT,
                    ),
                ],
                spacing=4,
            ),
            padding=12,
            border_radius=12,
            border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
            on_click=lambda e, cid=c["id"]: state.nav.push("concern", concern_id=cid),
            ink=True,
            key=f"concern-{c['id']}",
        )

    pager = Pager(
        fetch=fetch,
        count=count,
        render=render,
        empty=lambda: empty_state(
            t("concern.empty"), icon=ft.Icons.CHECK_CIRCLE_OUTLINE, key="concern-empty"
        ),
        more_label=t("common.load_more"),
        error_label=t("error.generic"),
        key="concern-list",
    )

    # chips that wrap onto a second line: five segments ran off the screen's edge at a large
    # text size, the last one reachable only by scrolling sideways
    tabs = ToggleChips(
        [(s, t(f"status.{s}")) for s in STATUSES],
        value=status,
        multiple=False,
        on_change=lambda chosen: on_tab(chosen),
        key="concern-status",
    )
    # a chip like the household filters: a switch with its label is 40 px tall, too small a
    # target
    only_mine = ft.Chip(
        label=ft.Text(t("concern.mine")), selected=mine, show_checkmark=True, key="concern-mine"
    )

    def reload(update: bool = True) -> None:
        pager.reload()
        if update:
            state.page.update()

    def on_tab(chosen) -> None:
        current["status"] = chosen or "open"
        reload()

    def on_mine(e) -> None:
        current["mine"] = not current["mine"]
        only_mine.selected = current["mine"]
        reload()

    only_mine.on_select = on_mine
    reload(update=False)
    actions = []
    if hasattr(store, "responses_to_review"):
        actions.append(
            icon_button(
                ft.Icons.QR_CODE_SCANNER,
                t("review.title"),
                on_click=lambda e: state.nav.push("review"),
                key="open-review",
            )
        )
    view = screen(
        state,
        route="/concerns",
        title=t("concern.title"),
        body=[tabs.control, ft.Row([only_mine]), pager.control],
        tab="concerns",
        actions=actions,
        on_status=lambda changed: pager.refresh() if changed else None,
    )
    view.on_scroll = pager.on_scroll
    view.data.update({"pager": pager, "current": current})
    return view
