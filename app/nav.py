"""Navigation kept in Python: a stack of (screen, params), the top one shown as the page's
only view.

Screens are functions ``build(state, **params) -> ft.View`` registered by name. Keeping the
stack here (rather than in browser routes) makes screens testable without a Flutter client.

The client sees one view under one route, whose content changes: Flet's client animates
every change of its route stack for 300 ms (whatever the theme's page transitions say), and
on a mid-range phone, or a browser drawing in software, every frame of that animation
redraws the whole screen, so opening a household or saving a visit waited for 3-4 such
frames. A new screen under the same route is one frame. The system back gesture still goes
back one screen: the view refuses Flutter's pop while there is a screen under it and asks
Python (``on_confirm_pop``), which goes back. A screen reader announces a new route's title
by itself, but not new content under the same route: the app announces the screen's title
itself (``announcer``).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import flet as ft

from app.theme import scale_text, text_scale_of

log = logging.getLogger(__name__)

Builder = Callable[..., ft.View]

#: what a screen drawn again in place keeps of the view the client has: its route and the
#: answers to the system back gesture, which say where the view sits in the stack
_KEPT_BY_THE_SHOWN_VIEW = frozenset({"key", "route", "can_pop", "on_confirm_pop"})


@ft.control("View")
class Screen(ft.View):
    """A screen's view. ``path`` names the screen (``/household/<id>``) for the app and its
    tests; it stays in Python: the client sees the Navigator's one route (see the module's
    note)."""

    path: str = field(default="/", metadata={"skip": True})


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
        self._route_serial = 0
        #: says a new screen's title to a screen reader (``SemanticsService``), once the app
        #: runs against a client that answers
        self.announcer: ft.SemanticsService | None = None
        self._shown: Entry | None = None

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
        """Rebuild the top screen from current data. Under a dialog (a sync that changed the
        screen's data landing while a confirmation, a QR or a form is up) the new screen
        moves into the view the client shows: a new view would be a new route, and the
        dialog, with whatever was typed in it, would go with the old screen."""
        if not self.stack:
            return
        top = self.stack[-1]
        shown = self.page.views[-1] if self.page.views else None
        if self._dialog_up() and top.view is not None and shown is top.view:
            self._redraw_in_place(top.view, self._build(top))
        else:
            self._render(rebuild_top=True)

    def rebuild_all(self) -> None:
        """Rebuild every screen (after a language change)."""
        for entry in self.stack:
            entry.view = None
        self._render(rebuild_top=True)

    def _render(self, *, rebuild_top: bool) -> None:
        if not self.stack:  # nothing shown yet (a setting changed before the first screen)
            return
        top = self.stack[-1]
        if top.view is None or rebuild_top:
            top.view = self._build(top)
        # screens under the top one are built again when they come back on top
        for entry in self.stack[:-1]:
            entry.view = None
        view = top.view
        route = self._client_route()
        same_route = bool(self.page.views) and self.page.views[-1].route == route
        new_screen, self._shown = top is not self._shown, top
        view.route = route
        view.can_pop = len(self.stack) == 1
        view.on_confirm_pop = self._on_confirm_pop
        self.page.views[:] = [view]
        self.page.update()
        if new_screen and same_route:
            self._announce(view)

    def _build(self, entry: Entry) -> ft.View:
        view = self.builders[entry.name](self.state, **entry.params)
        scale = text_scale_of(self.page)
        if scale != 1.0:  # the text-size setting: texts that set their own size
            scale_text(view, scale)
        return view

    def _redraw_in_place(self, view: ft.View, fresh: ft.View) -> None:
        """Give the shown view everything ``fresh`` draws (controls, bars, hooks in
        ``data``); the client keeps its route and what lies over it."""
        for f in dataclasses.fields(fresh):
            if f.name.startswith("_") or f.name in _KEPT_BY_THE_SHOWN_VIEW:
                continue
            setattr(view, f.name, getattr(fresh, f.name))
        self.page.update()

    def _announce(self, view: ft.View) -> None:
        title = getattr(view.appbar, "title", None) if view.appbar else None
        if self.announcer is None or not isinstance(title, ft.Text) or not title.value:
            return
        self.page.run_task(self.announcer.announce_message, title.value)

    def _client_route(self) -> str:
        """The route the client sees: the same one while no dialog is up. Flutter keeps a
        dialog on the route it was opened over and closes it with that route; a screen that
        replaced another under the same route would leave a closing dialog on screen for
        good. So a change of screen while a dialog is up or closing (a confirmation, then
        back) is a change of route, animated as before, and the dialog goes with the old
        screen. Toasts are no routes."""
        if self._dialog_up():
            self._route_serial += 1
        return f"/{self._route_serial or ''}"

    def _dialog_up(self) -> bool:
        """A dialog open or still closing (toasts are no dialogs)."""
        return any(not isinstance(d, ft.SnackBar) for d in self.page._dialogs.controls)

    async def _on_confirm_pop(self, e) -> None:
        """The system back gesture on a screen with one under it: go back here, and tell
        the client its own pop is not wanted (the view stays; its content changes)."""
        view = e.control
        try:
            await view.confirm_pop(False)
        except Exception:  # a client gone meanwhile: going back needs no answer
            log.debug("refusing the client's pop failed", exc_info=True)
        if view is self.top_view:
            self.back()
