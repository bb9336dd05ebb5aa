"""Staff create a questionnaire or edit one (its title, introduction and questions: key, type,
wording in Chinese and English, required, options, a number's range), laid out for the office
PC. Saving sends the whole definition to ``PUT /admin/questionnaires/{slug}``: the server
validates it as the ``import-questionnaires`` command does, and a changed one becomes its next
version (answers keep the version they were given against). A refusal is shown at the top and
next to each question it names; nothing is saved until the server accepts it all."""

from __future__ import annotations

import itertools
import logging
from typing import Any

import flet as ft

from app.chrome import screen
from app.office import questionnaire_form as form
from app.office.failures import failure_key
from app.theme import scale_text, text_scale_of
from components.checkbox import checkbox
from components.icon_button import icon_button
from components.labelled import labelled

log = logging.getLogger(__name__)

#: a card's key is its own for the session: never one a removed card had
_CARDS = itertools.count()


class _QuestionFields:
    """The controls of one question, and the question they make."""

    def __init__(self, state, q: dict, on_move, on_remove) -> None:
        t = self.t = state.t
        self.base = q
        self.key = ft.TextField(label=t("qedit.key"), value=q.get("key", ""), dense=True, width=200)
        self.type = ft.Dropdown(
            label=t("qedit.type"),
            value=q.get("type", "yes_no"),
            options=[ft.DropdownOption(key=k, text=t(f"qedit.type.{k}")) for k in form.TYPES],
            dense=True,
            width=200,
        )
        self.required = checkbox(t("qedit.required"), value=bool(q.get("required")))
        label = q.get("label") or {}
        self.label_zh = ft.TextField(
            label=t("qedit.label_zh"), value=label.get("zh", ""), dense=True, multiline=True
        )
        self.label_en = ft.TextField(
            label=t("qedit.label_en"), value=label.get("en", ""), dense=True, multiline=True
        )
        self.options = ft.TextField(
            label=t("qedit.options"),
            value=form.options_text(q.get("options") or []),
            multiline=True,
            min_lines=2,
            dense=True,
        )
        self.low = ft.TextField(
            label=t("qedit.min"), value=_number(q.get("min")), dense=True, width=140
        )
        self.high = ft.TextField(
            label=t("qedit.max"), value=_number(q.get("max")), dense=True, width=140
        )
        self.range = ft.Row([self.low, self.high], spacing=8)
        self.problems = ft.Text("", color=ft.Colors.ERROR, visible=False)
        self.type.on_select = lambda e: self.show_type()
        self.show_type()
        self.on_move, self.on_remove = on_move, on_remove
        self.index = 0
        self.card = self._card()

    def show_type(self) -> None:
        self.options.visible = self.type.value in form.CHOICE_TYPES
        self.range.visible = self.type.value == "number"

    def question(self) -> dict[str, Any]:
        """Raises form.NotANumber (and marks the field) for a bad min or max."""
        self.low.error = self.high.error = None
        try:
            return form.question_of(
                self.base,
                key=self.key.value or "",
                qtype=self.type.value or "yes_no",
                label_zh=self.label_zh.value or "",
                label_en=self.label_en.value or "",
                required=bool(self.required.value),
                options=self.options.value or "",
                low=self.low.value,
                high=self.high.value,
            )
        except form.NotANumber as exc:
            bad = self.low if (self.low.value or "").strip() == str(exc) else self.high
            bad.error = self.t("qedit.bad_number")
            raise

    def _card(self) -> ft.Card:
        """Built once: the card moves with its question, so what staff typed stays in the
        same field objects, and Flet never meets a new card under an old one's key (it would
        freeze the fields inside, and the next move or problem shown would fail)."""
        self.number = ft.Text("", weight=ft.FontWeight.W_600)
        self.up = icon_button(
            ft.Icons.ARROW_UPWARD,
            self.t("qedit.up"),
            on_click=lambda e: self.on_move(self.index, -1),
        )
        self.down = icon_button(
            ft.Icons.ARROW_DOWNWARD,
            self.t("qedit.down"),
            on_click=lambda e: self.on_move(self.index, 1),
        )
        self.remove = icon_button(
            ft.Icons.DELETE_OUTLINE,
            self.t("qedit.remove"),
            on_click=lambda e: self.on_remove(self.index),
        )
        return ft.Card(
            ft.Container(
                ft.Column(
                    [
                        ft.Row(
                            [
                                self.number,
                                ft.Container(expand=True),
                                self.up,
                                self.down,
                                self.remove,
                            ]
                        ),
                        ft.Row(
                            [self.key, labelled(self.type, self.t("qedit.type")), self.required],
                            spacing=12,
                            wrap=True,
                        ),
                        self.label_zh,
                        self.label_en,
                        self.options,
                        self.range,
                        self.problems,
                    ],
                    spacing=8,
                    horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                ),
                padding=16,
            ),
            key=f"qedit-question-{next(_CARDS)}",
        )

    def place(self, i: int, n: int) -> ft.Control:
        """The card as question ``i`` of ``n``: its number, its arrows and its fields' keys."""
        self.index = i
        self.number.value = self.t("qedit.question_n", n=i + 1)
        self.up.disabled, self.down.disabled, self.remove.disabled = i == 0, i == n - 1, n == 1
        self.up.key, self.down.key = f"qedit-up-{i}", f"qedit-down-{i}"
        self.remove.key = f"qedit-remove-{i}"
        self.key.key, self.type.key = f"qedit-key-{i}", f"qedit-type-{i}"
        self.label_zh.key, self.label_en.key = f"qedit-label-zh-{i}", f"qedit-label-en-{i}"
        self.options.key, self.required.key = f"qedit-options-{i}", f"qedit-required-{i}"
        self.low.key, self.high.key = f"qedit-min-{i}", f"qedit-max-{i}"
        self.problems.key = f"qedit-question-problems-{i}"
        return self.card


def _number(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def build(state, q: dict | None = None) -> ft.View:
    """``q``: the questionnaire to edit (as ``GET /admin/questionnaires`` lists it); None
    creates one."""
    t = state.t
    creating = q is None
    q = q or {"slug": "", "title": {"zh": "", "en": ""}, "intro": {"zh": "", "en": ""}}
    slug = ft.TextField(
        label=t("qedit.slug"),
        value=q["slug"],
        read_only=not creating,
        dense=True,
        key="qedit-slug",
    )
    title_zh = ft.TextField(
        label=t("qedit.title_zh"), value=q["title"].get("zh", ""), key="qedit-title-zh"
    )
    title_en = ft.TextField(
        label=t("qedit.title_en"), value=q["title"].get("en", ""), key="qedit-title-en"
    )
    intro = q.get("intro") or {}
    intro_zh = ft.TextField(
        label=t("qedit.intro_zh"),
        value=intro.get("zh", ""),
        multiline=True,
        key="qedit-intro-zh",
    )
    intro_en = ft.TextField(
        label=t("qedit.intro_en"),
        value=intro.get("en", ""),
        multiline=True,
        key="qedit-intro-en",
    )
    problems = ft.Text("", color=ft.Colors.ERROR, visible=False, key="qedit-problems")
    listing = ft.Column(spacing=12, key="qedit-questions")
    questions: list[_QuestionFields] = []

    def update() -> None:
        scale_text(listing, text_scale_of(state.page))
        state.page.update()

    def lay_out() -> None:
        listing.controls = [f.place(i, len(questions)) for i, f in enumerate(questions)]

    def move(i: int, step: int) -> None:
        j = i + step
        if 0 <= j < len(questions):
            questions[i], questions[j] = questions[j], questions[i]
            lay_out()
            update()

    def remove(i: int) -> None:
        if len(questions) > 1:
            del questions[i]
            lay_out()
            update()

    def add(e=None) -> None:
        questions.append(
            _QuestionFields(state, form.blank_question(len(questions) + 1), move, remove)
        )
        lay_out()
        update()

    for existing in q.get("questions") or [form.blank_question(1)]:
        questions.append(_QuestionFields(state, existing, move, remove))
    lay_out()

    def show_problems(general: list[str], by_question: dict[int, list[str]]) -> None:
        problems.value = "\n".join(general)
        problems.visible = bool(general)
        for i, f in enumerate(questions):
            f.problems.value = "\n".join(by_question.get(i, []))
            f.problems.visible = bool(by_question.get(i))

    def definition() -> dict | None:
        made = []
        for f in questions:
            try:
                made.append(f.question())
            except form.NotANumber:
                return None
        return {
            "slug": (slug.value or "").strip(),
            "title": {"zh": (title_zh.value or "").strip(), "en": (title_en.value or "").strip()},
            "intro": {"zh": (intro_zh.value or "").strip(), "en": (intro_en.value or "").strip()},
            "questions": made,
            "active": bool(q.get("active", True)),
        }

    async def save(e=None) -> None:
        from services.admin_client import admin_call
        from services.http import SyncError

        body = definition()
        if body is None:
            show_problems([t("qedit.fix_numbers")], {})
            update()
            return
        if not body["slug"]:
            slug.error = t("qedit.need_slug")
            update()
            return
        slug.error = None
        try:
            saved = await admin_call(
                state.server_url, state.token or "", "PUT", f"/questionnaires/{body['slug']}", body
            )
        except SyncError as exc:
            if exc.kind == "refused":
                placed = form.place_problems(exc.message, [x["key"] for x in body["questions"]])
                show_problems([t("qedit.refused"), *placed.general], placed.by_question)
            else:
                show_problems([t(failure_key(exc.kind))], {})
            update()
            return
        except Exception:
            log.exception("saving a questionnaire failed")
            show_problems([t("office.err.server")], {})
            update()
            return
        outcome = saved.get("outcome")
        version = (saved.get("questionnaire") or {}).get("version")
        state.toast(
            t("qedit.unchanged") if outcome == "unchanged" else t("qedit.saved", version=version)
        )
        state.nav.back()

    view = screen(
        state,
        route="/office/questionnaire",
        title=t("qedit.title_new") if creating else t("qedit.title_edit", name=t.text(q["title"])),
        body=[
            problems,
            slug,
            title_zh,
            title_en,
            intro_zh,
            intro_en,
            listing,
            ft.Row(
                [
                    ft.OutlinedButton(
                        t("qedit.add"), icon=ft.Icons.ADD, on_click=add, key="qedit-add"
                    ),
                    ft.FilledButton(
                        t("qedit.save"), icon=ft.Icons.SAVE, on_click=save, key="qedit-save"
                    ),
                ],
                spacing=12,
            ),
        ],
    )
    view.data.update({"save": save, "questions": questions})
    return view
