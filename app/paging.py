"""Paged lists built from Python a page at a time: Flet's ListView is lazy only in the
Flutter client, so building 11,000 tiles at once would stall. A pager fetches ``page_size``
rows, appends their tiles, and offers "load more" (also triggered by scrolling near the end).
"""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

PAGE_SIZE = 50


class Pager:
    def __init__(
        self,
        *,
        fetch: Callable[[int, int], list[dict]],
        count: Callable[[], int],
        render: Callable[[dict], ft.Control],
        empty: Callable[[], ft.Control],
        more_label: str,
        page_size: int = PAGE_SIZE,
        key: str = "list",
    ):
        self.fetch, self.count, self.render, self.empty = fetch, count, render, empty
        self.page_size = page_size
        self.total = 0
        self.loaded = 0
        self.items = ft.Column(spacing=8, key=key)
        self.more = ft.OutlinedButton(
            more_label,
            on_click=lambda e: self.load_more(),
            height=48,
            visible=False,
            key=f"{key}-more",
        )
        self.control = ft.Column(
            [self.items, ft.Row([self.more], alignment=ft.MainAxisAlignment.CENTER)], spacing=8
        )

    def reload(self) -> None:
        """Start again from the first page (after a new search or filter)."""
        self.total = self.count()
        self.loaded = 0
        self.items.controls = []
        if self.total == 0:
            self.items.controls.append(self.empty())
            self.more.visible = False
            return
        self.load_more(update=False)

    def load_more(self, update: bool = True) -> None:
        if self.loaded >= self.total and self.loaded:
            return
        rows = self.fetch(self.loaded, self.page_size)
        self.items.controls.extend(self.render(r) for r in rows)
        self.loaded += len(rows)
        self.more.visible = bool(rows) and self.loaded < self.total
        if update and self.items.page:
            self.items.page.update()

    @property
    def has_more(self) -> bool:
        return self.loaded < self.total

    def on_scroll(self, e) -> None:
        """Hook for the scrolling container: load the next page near the end."""
        try:
            near_end = e.pixels >= e.max_scroll_extent - 600
        except (AttributeError, TypeError):
            return
        if near_end and self.has_more:
            self.load_more()
