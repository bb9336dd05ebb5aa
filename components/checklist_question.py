"""One checklist or questionnaire question as a control: yes/no, number, choice, multi-choice,
text (and phone / building-unit-room as text). Takes the question dict as pulled from the
server (``services.protocol.Question`` shape), the language, and callbacks; no data access.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import flet as ft


@dataclass(frozen=True)
class QuestionLabels:
    """Translated words the control needs. ``number_out_of_range(min, max)`` words a number
    outside a question's bounds (either bound may be None: no bound on that side)."""

    yes: str
    no: str
    raise_concern: str
    number_invalid: str
    number_out_of_range: Callable[[str | None, str | None], str]


def parse_number(raw: str) -> int | float | None:
    """A typed number as an ``int`` when whole, else a ``float``; None when it is not a finite
    number ("abc", "nan", "inf", and "1e999", which is too large to be finite)."""
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        number = float(raw)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _shown(bound: Any) -> str | None:
    """A bound as a person would write it: 30, not 30.0."""
    if not isinstance(bound, int | float) or isinstance(bound, bool):
        return None
    return f"{bound:g}" if isinstance(bound, float) else str(bound)


def _pick(text: Any, lang: str) -> str:
    if isinstance(text, dict):
        return text.get(lang) or text.get("zh") or ""
    return str(text or "")


class ChecklistQuestion:
    """A question as a control (``.control``). ``value`` holds the answer (None until answered); ``on_change(key, value)`` fires on
    every answer; ``on_raise_concern(key, label, answer_text)`` fires from the concern button."""

    def __init__(
        self,
        question: dict,
        *,
        lang: str,
        labels: QuestionLabels,
        on_change: Callable[[str, Any], None] | None = None,
        on_raise_concern: Callable[[str, str, str], None] | None = None,
        value: Any = None,
    ):
        self.question = question
        self.qkey: str = question["key"]
        self.qtype: str = question.get("type", "text")
        self.label = _pick(question.get("label"), lang)
        self.lang = lang
        self.labels = labels
        self._on_change = on_change
        self._on_raise = on_raise_concern
        self.value = value
        self.error: str | None = None

        title = ft.Row(
            [
                ft.Text(
                    self.label + (" *" if question.get("required") else ""),
                    size=16,
                    weight=ft.FontWeight.W_500,
                    expand=True,
                ),
            ],
            vertical_alignment=ft.CrossAxisAlignment.CENTER,
        )
        parts: list[ft.Control] = [title]
        help_text = _pick(question.get("help"), lang)
        if help_text:
            parts.append(ft.Text(help_text, size=14, color=ft.Colors.ON_SURFACE_VARIANT))
        self.input = self._build_input()
        parts.append(self.input)
        # in words, not an icon alone: a bare symbol does not say what tapping it does
        parts.append(
            ft.Row(
                [
                    ft.TextButton(
                        labels.raise_concern,
                        icon=ft.Icons.REPORT_OUTLINED,
                        on_click=self._raise,
                        key=f"raise-{self.qkey}",
                    )
                ],
                alignment=ft.MainAxisAlignment.END,
                visible=on_raise_concern is not None,
            )
        )
        self.control = ft.Container(
            content=ft.Column(parts, spacing=6, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
            padding=ft.Padding.only(left=12, right=4, top=4, bottom=12),
            border_radius=12,
            border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
            # a scroll key: a form can bring an unanswered question into view
            key=ft.ScrollKey(f"q-{self.qkey}"),
        )

    # -- inputs --------------------------------------------------------------------------------
    def _build_input(self) -> ft.Control:
        key = f"input-{self.qkey}"
        if self.qtype == "yes_no":
            return self._segments([("yes", self.labels.yes), ("no", self.labels.no)], key)
        if self.qtype == "choice":
            opts = [
                (o["value"], _pick(o.get("label"), self.lang))
                for o in self.question.get("options", [])
            ]
            if len(opts) <= 3 and all(len(label) <= 6 for _, label in opts):
                return self._segments(opts, key)
            return self._chips(opts, key, multiple=False)
        if self.qtype == "multi_choice":
            opts = [
                (o["value"], _pick(o.get("label"), self.lang))
                for o in self.question.get("options", [])
            ]
            return self._chips(opts, key, multiple=True)
        if self.qtype == "number":
            return ft.TextField(
                value="" if self.value is None else str(self.value),
                keyboard_type=ft.KeyboardType.NUMBER,
                # a label, not a hint: a hint is the accessible name only while the field is
                # empty, and the form may fill it in (from a draft or the register)
                label=self.label,
                on_change=self._number_changed,
                key=key,
            )
        multiline = self.qtype == "text"
        kb = ft.KeyboardType.PHONE if self.qtype == "phone" else ft.KeyboardType.TEXT
        return ft.TextField(
            value=self.value or "",
            multiline=multiline,
            min_lines=2 if multiline else 1,
            max_lines=5 if multiline else 1,
            keyboard_type=kb,
            label=self.label,  # the accessible name, filled or not (see the number field)
            on_change=self._text_changed,
            key=key,
        )

    def _segments(self, options: list[tuple[str, str]], key: str) -> ft.SegmentedButton:
        selected = [self._to_segment(self.value)] if self.value is not None else []
        return ft.SegmentedButton(
            segments=[ft.Segment(value=v, label=ft.Text(label)) for v, label in options],
            selected=[s for s in selected if s is not None],
            allow_empty_selection=True,
            show_selected_icon=False,
            on_change=self._segment_changed,
            key=key,
        )

    def _chips(self, options: list[tuple[str, str]], key: str, *, multiple: bool) -> ft.Row:
        chosen = set(self.value or []) if multiple else {self.value}
        chips = [
            ft.Chip(
                label=ft.Text(label),
                selected=v in chosen,
                on_select=self._chip_handler(v, multiple),
                key=f"{key}-{v}",
                data=v,
            )
            for v, label in options
        ]
        return ft.Row(chips, wrap=True, spacing=6, run_spacing=6, key=key)

    def _to_segment(self, value: Any) -> str | None:
        if self.qtype == "yes_no":
            return None if value is None else ("yes" if value else "no")
        return value

    # -- events --------------------------------------------------------------------------------
    def _segment_changed(self, e) -> None:
        chosen = list(e.control.selected or [])
        raw = chosen[0] if chosen else None
        if self.qtype == "yes_no":
            self._set(None if raw is None else raw == "yes")
        else:
            self._set(raw)

    def _chip_handler(self, option: str, multiple: bool):
        def handler(e) -> None:
            row: ft.Row = self.input
            if multiple:
                current = set(self.value or [])
                current.symmetric_difference_update({option})
                for chip in row.controls:
                    chip.selected = chip.data in current
                self._set(sorted(current) if current else None)
            else:
                new = None if self.value == option else option
                for chip in row.controls:
                    chip.selected = chip.data == new
                self._set(new)

        return handler

    def _number_changed(self, e) -> None:
        raw = (e.control.value or "").strip()
        if not raw:
            self.input.error = None
            self.error = None
            self._set(None)
            return
        number = parse_number(raw)
        self.error = self.number_error(number)
        self.input.error = self.error
        # a refused entry is no answer: the one it replaced (a prefill) must not stay behind
        self._set(number if self.error is None else None)

    def number_error(self, number: int | float | None) -> str | None:
        """Why ``number`` cannot be this question's answer (not a finite number, or outside
        the question's ``min``/``max``), or None if it can."""
        if number is None:
            return self.labels.number_invalid
        lo, hi = self.question.get("min"), self.question.get("max")
        if (_shown(lo) is not None and number < lo) or (_shown(hi) is not None and number > hi):
            return self.labels.number_out_of_range(_shown(lo), _shown(hi))
        return None

    def _text_changed(self, e) -> None:
        text = e.control.value or ""
        self._set(text if text.strip() else None)

    def _set(self, value: Any) -> None:
        self.value = value
        if self._on_change:
            self._on_change(self.qkey, value)

    def answer_text(self) -> str:
        """The answer as words, for a concern's description."""
        v = self.value
        if v is None:
            return ""
        if isinstance(v, bool):
            return self.labels.yes if v else self.labels.no
        if isinstance(v, list):
            return "、".join(self._option_label(x) for x in v)
        if self.qtype == "choice":
            return self._option_label(v)
        return str(v)

    def _option_label(self, value: str) -> str:
        for o in self.question.get("options", []):
            if o.get("value") == value:
                return _pick(o.get("label"), self.lang)
        return str(value)

    def _raise(self, e) -> None:
        if self._on_raise:
            self._on_raise(self.qkey, self.label, self.answer_text())
