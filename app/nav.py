"""Navigation kept in Python: a stack of (screen, params) mirrored into ``page.views``.

Screens are functions ``build(state, **params) -> ft.View`` registered by name. Keeping the
stack here (rather than in browser routes) makes screens testable without a Flutter client
and lets the system back gesture pop exactly one screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import flet as ft

from app.theme import scale_text, text_scale_of

Builder = Callable[..., ft.View]


@dataclass
class Entry:
    name: str
    params: dict[str, Any] = field(default_factory=dict)
    view: ft.View | None = None


class Navigator:
    def __init__(self, page: ft.Page, builders: dict[str, Builder], state: Any):
        self.page = page
        self.builders = builders
        self.state = state
        self.stack: list[Entry] = []
        page.on_view_pop = self._on_view_pop

    @property
    def current(self) -> str | None:
        return self.stack[-1].name if self.stack else None

    @property
    def top_view(self) -> ft.View | None:
        return self.stack[-1].view if self.stack else None

    def root(self, name: str, **params: Any) -> None:
        """Replace the whole stack with one screen (top-level tabs, login, lock)."""
        self.stack = [Entry(name, params)]
        self._render(rebuild_top=True)

    def push(self, name: str, **params: Any) -> None:
        self.stack.append(Entry(name, params))
        self._render(rebuild_top=True)

    def replace(self, name: str, **params: Any) -> None:
        if self.stack:
            self.stack.pop()
        self.push(name, **params)

    def back(self) -> None:
        """Pop one screen and rebuild the one below, so it shows what was just saved."""
        if len(self.stack) > 1:
            self.stack.pop()
            self._render(rebuild_top=True)

    def refresh(self) -> None:
        """Rebuild the top screen from current data."""
        if self.stack:
            self._render(rebuild_top=True)

    def rebuild_all(self) -> None:
        """Rebuild every screen (after a language change)."""
        for entry in self.stack:
            entry.view = None
        self._render(rebuild_top=True)

    def _render(self, *, rebuild_top: bool) -> None:
        for i, entry in enumerate(self.stack):
            if entry.view is None or (rebuild_top and i == len(self.stack) - 1):
                entry.view = self.builders[entry.name](self.state, **entry.params)
                scale = text_scale_of(self.page)
                if scale != 1.0:  # the text-size setting: texts that set their own size
                    scale_text(entry.view, scale)
        self.page.views.clear()
        self.page.views.extend(e.view for e in self.stack)
        self.page.update()

    def _on_view_pop(self, e) -> None:
        self.back()
