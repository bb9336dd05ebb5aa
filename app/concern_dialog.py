"""The "raise a concern" dialog: kind, category and a description (prefilled by the caller),
used by the visit form (the concern is saved with the visit) and by the review list (saved at
once). It only collects; the caller decides what saving means."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app import fmt
from components.labelled import labelled
from components.toggle_chips import ToggleChips
from services.protocol import CONCERN_CATEGORIES, OTHER_CATEGORY

KINDS = ("request", "complaint", "suggestion")
#: The protocol's limit for a concern's description.
MAX_DESCRIPTION = 4000


def open_concern_dialog(
    state,
    *,
    prefill: str,
    on_add: Callable[[dict], bool | None],
    kind: str = "request",
    category: str | None = None,
    add_label: str | None = None,
    extra: list[ft.Control] | None = None,
    draft: dict | None = None,
    on_leave: Callable[[dict | None], None] | None = None,
) -> ft.AlertDialog:
    """Show the dialog. ``on_add({"kind", "category", "description"})`` runs on confirm; the
    dialog closes unless it returns False (the caller then shows why). ``kind`` and
    ``category`` (a ``CONCERN_CATEGORIES`` name; 其他 when None) are preselected; ``extra`` controls go under the description (e.g. "also
    mark the answer dealt with"). Nothing typed is lost: leaving without adding (cancel,
    tap outside, back) calls ``on_leave(fields)`` with what was entered, or None when nothing
    was; ``draft`` (those fields, kept by the caller) opens the dialog where it was left."""
    t = state.t
    if draft:
        prefill = draft.get("description", prefill)
        kind = draft.get("kind", kind)
        category = draft.get("category", category)
    # chips that wrap as whole words: three segments in a 360 px dialog broke "Complaint"
    # and "Suggestion" mid-word, and more so at a larger text size
    kind_picker = ToggleChips(
        [(k, t(f"kind.{k}")) for k in KINDS],
        value=kind if kind in KINDS else "request",
        multiple=False,
        key="concern-kind",
    )
    # the shared list, plus a category the caller brings that it does not hold (kept as is)
    category = category or OTHER_CATEGORY
    choices = [*CONCERN_CATEGORIES, *([] if category in CONCERN_CATEGORIES else [category])]
    category_picker = ft.Dropdown(
        label=t("concern.category"),
        value=category,
        options=[ft.DropdownOption(key=c, text=fmt.category(t, c)) for c in choices],
        key="concern-category",
    )
    description = ft.TextField(
        label=t("concern.description"),
        value=prefill,
        multiline=True,
        min_lines=3,
        max_lines=8,
        max_length=MAX_DESCRIPTION,
        counter=t("field.at_most", n=MAX_DESCRIPTION),
        key="concern-description",
    )

    def fields() -> dict:
        return {
            "kind": kind_picker.value or "request",
            "category": category_picker.value or OTHER_CATEGORY,
            "description": (description.value or "").strip(),
        }

    untouched = fields() | {"description": (prefill or "").strip()}
    closed = {"done": False}

    def leave(e=None) -> None:
        if closed["done"]:
            return
        closed["done"] = True
        if on_leave is not None:
            now = fields()
            # nothing typed (or only the untouched prefill): nothing to keep
            typed = bool(now["description"]) and (now != untouched or bool(draft))
            on_leave(now if typed else None)

    def cancel(e=None) -> None:
        leave()
        state.page.pop_dialog()

    def add(e=None) -> None:
        text = (description.value or "").strip()
        if not text:
            description.error = t("concern.need_description")
            state.page.update()
            return
        ok = on_add(fields())
        if ok is not False:
            closed["done"] = True  # added: nothing left to keep
            state.page.pop_dialog()
        state.page.update()

    dialog = ft.AlertDialog(
        title=ft.Text(t("concern.raise")),
        # a phone is narrow: the default 40 px margins left "Suggestion" broken over two lines
        inset_padding=ft.Padding.symmetric(horizontal=16, vertical=24),
        content=ft.Column(
            [
                kind_picker.control,
                labelled(category_picker, t("concern.category")),
                description,
                *(extra or []),
            ],
            tight=True,
            spacing=12,
            width=360,
        ),
        # the dialog scrolls as a whole (small screens, keyboard up) and is only as tall as
        # its fields; a scrolling column inside would take the whole screen height
        scrollable=True,
        actions=[
            ft.TextButton(t("common.cancel"), on_click=cancel, key="concern-cancel"),
            ft.FilledButton(add_label or t("concern.add"), on_click=add, key="concern-add"),
        ],
        on_dismiss=leave,
        key="concern-dialog",
    )
    state.page.show_dialog(dialog)
    return dialog
