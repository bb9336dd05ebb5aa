"""Paged lists built from Python a page at a time: Flet's ListView is lazy only in the
Flutter client, so building 11,000 tiles at once would stall. A pager fetches ``page_size``
rows, appends their tiles, and offers "load more" (also triggered by scrolling near the end).

After a sync, ``refresh()`` re-reads as many rows as are shown and keeps the tile of every
row that did not change, so the list neither jumps back to its first page nor loses the
person's place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import flet as ft

from app.theme import scale_text, text_scale_of
from components.empty_state import empty_state

log = logging.getLogger(__name__)

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
        error_label: str,
        page_size: int = PAGE_SIZE,
        key: str = "list",
    ):
        self.fetch, self.count, self.render, self.empty = fetch, count, render, empty
        self.error_label = error_label
        self.page_size = page_size
        self.total = 0
        self.loaded = 0
        self._shown: dict[object, tuple[dict, ft.Control]] = {}  # row id -> (row, tile)
        self.items = ft.Column(spacing=8, key=key)
        self.more = ft.OutlinedButton(
            more_label,
            on_click=lambda e: self.load_more(),
            visible=False,
            key=f"{key}-more",
        )
        self.control = ft.Column(
            [self.items, ft.Row([self.more], alignment=ft.MainAxisAlignment.CENTER)], spacing=8
        )

    def reload(self) -> None:
        """Start again from the first page (after a new search or filter). If the store
        fails, the list shows the error state (total 0) instead of the screen breaking."""
        try:
            self._reload()
        except Exception:
            log.exception("list %s failed to load", self.items.key)
            self.items.controls = [empty_state(self.error_label, icon=ft.Icons.ERROR_OUTLINE)]
            self.total = self.loaded = 0
            self._shown = {}
            self.more.visible = False

    def _reload(self) -> None:
        self.total = self.count()
        self.loaded = 0
        self.items.controls = []
        self._shown = {}
        if self.total == 0:
            self.items.controls.append(self.empty())
            self.more.visible = False
            return
        self.load_more(update=False)

    def _render(self, row: dict) -> ft.Control:
        tile = self.render(row)
        # a tile added to a shown list gets the text size its screen got when it was built
        try:
            scale = text_scale_of(self.items.page)
        except RuntimeError:  # not shown yet: the screen scales it with the rest when built
            scale = 1.0
        if scale != 1.0:
            scale_text(tile, scale)
        return tile

    def load_more(self, update: bool = True) -> None:
        if self.loaded >= self.total and self.loaded:
            return
        rows = self.fetch(self.loaded, self.page_size)
        for r in rows:
            tile = self._render(r)
            self._shown[_row_key(r)] = (r, tile)
            self.items.controls.append(tile)
        self.loaded += len(rows)
        self.more.visible = bool(rows) and self.loaded < self.total
        if update and self.items.page:
            self.items.page.update()

    def refresh(self) -> None:
        """Re-read the rows shown (at least one page, never fewer than before, so the scroll
        position holds) and rebuild only the tiles whose row changed; the caller updates the
        page."""
        self.total = self.count()
        want = min(max(self.loaded, self.page_size), self.total)
        rows = self.fetch(0, want) if want else []
        shown: dict[object, tuple[dict, ft.Control]] = {}
        controls: list[ft.Control] = []
        for r in rows:
            before = self._shown.get(_row_key(r))
            tile = before[1] if before is not None and before[0] == r else self._render(r)
            shown[_row_key(r)] = (r, tile)
            controls.append(tile)
        self._shown = shown
        self.items.controls = controls or [self.empty()]
        self.loaded = len(rows)
        self.more.visible = bool(rows) and self.loaded < self.total

    def tile_of(self, row_id: object) -> ft.Control | None:
        """The tile shown for a row id, if it is loaded."""
        entry = self._shown.get(row_id)
        return entry[1] if entry else None

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


def _row_key(row: dict) -> object:
    return row.get("id") if isinstance(row, dict) and "id" in row else id(row)
