"""Record a visit: method, people reached, the current checklist (rendered from its version,
never hard-coded), notes, concerns raised from any answer, follow-up date; saved locally in one
tap, then back to the household with the visit shown as pending.

From the household page to saved: tap "record visit", tap "save visit": "how many people
live here" starts at the registered count (a different answer updates the register with the
visit). Nothing typed is lost: every change is kept as the household's draft until the visit
is saved, and opening the form again continues it. A question left unanswered scrolls into
view, marked, instead of a message below the fold.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

import flet as ft

from app import fmt
from app.chrome import screen, section_title
from app.concern_dialog import open_concern_dialog
from app.state import UPLOAD_AFTER_VISIT
from components.checklist_question import ChecklistQuestion, QuestionLabels
from components.flag_chips import tag
from components.icon_button import icon_button
from components.toggle_chips import ToggleChips
from services.failures import log_failure

log = logging.getLogger(__name__)

FOLLOW_UPS = (("none", None), ("7", 7), ("14", 14), ("30", 30))
#: The checklist question "how many people live in your household": it starts at the
#: registered count, and a different answer updates the register with the visit.
HOUSEHOLD_SIZE = "household_size"


def build(state, household_id: str) -> ft.View:
    t = state.t
    store = state.store
    house = store.household(household_id) or {}
    checklist = store.checklist()
    members = store.members(household_id)
    questions_def = (checklist or {}).get("questions", [])
    registered = house.get("people_count") or len(members) or None
    # the form as it opens fresh: unchanged from this, there is nothing to keep as a draft
    fresh: dict[str, Any] = {
        "method": "in_person",
        "people": "1",
        "answers": (
            {HOUSEHOLD_SIZE: registered}
            if registered and any(q.get("key") == HOUSEHOLD_SIZE for q in questions_def)
            else {}
        ),
        "notes": "",
        "follow": "none",
        "concerns": [],
        "concern_draft": None,
    }
    try:
        draft = store.draft("visit", household_id)
    except Exception:
        log.exception("reading the visit draft failed")
        draft = None
    start = {**fresh, **(draft or {})}
    answers: dict[str, Any] = dict(start["answers"])
    concerns: list[dict] = list(start["concerns"])  # raised in this visit, saved with it
    concern_draft: dict[str, Any] = {"fields": start["concern_draft"]}

    method = ft.SegmentedButton(
        segments=[
            # words only: a segment with an icon is drawn 40 px tall, under the 48 px target
            ft.Segment(value="in_person", label=ft.Text(t("method.in_person"))),
            ft.Segment(value="phone", label=ft.Text(t("method.phone"))),
        ],
        selected=[start["method"]],
        show_selected_icon=False,
        on_change=lambda e: keep_draft(),
        key="visit-method",
    )
    people = ft.TextField(
        label=t("visit.people_reached"),
        value=str(start["people"]),
        keyboard_type=ft.KeyboardType.NUMBER,
        width=140,
        on_change=lambda e: keep_draft(),
        key="visit-people",
    )

    def bump(delta: int):
        def handler(e) -> None:
            try:
                n = int(people.value or 0)
            except ValueError:
                n = 0
            people.value = str(min(99, max(0, n + delta)))
            people.error = None
            keep_draft()

        return handler

    people_row = ft.Row(
        key=ft.ScrollKey("visit-people-row"),
        controls=[
            ft.IconButton(
                ft.Icon(ft.Icons.REMOVE, semantics_label=t("visit.people_fewer")),
                tooltip=t("visit.people_fewer"),
                on_click=bump(-1),
                key="people-minus",
            ),
            people,
            ft.IconButton(
                ft.Icon(ft.Icons.ADD, semantics_label=t("visit.people_more")),
                tooltip=t("visit.people_more"),
                on_click=bump(1),
                key="people-plus",
            ),
        ],
        vertical_alignment=ft.CrossAxisAlignment.CENTER,
    )

    # ---- concerns raised during the visit ---------------------------------------------------
    concern_list = ft.Column(spacing=6, key="visit-concerns")

    def show_concerns() -> None:
        concern_list.controls = [
            ft.Container(
                content=ft.Row(
                    [
                        tag(t(f"kind.{c['kind']}"), warm=True),
                        ft.Text(
                            c["description"],
                            expand=True,
                            max_lines=2,
                            overflow=ft.TextOverflow.ELLIPSIS,
                        ),
                        icon_button(
                            ft.Icons.CLOSE,
                            t("concern.remove"),
                            on_click=lambda e, i=i: remove_concern(i),
                        ),
                    ]
                ),
                padding=ft.Padding.only(left=8),
                border_radius=8,
                bgcolor=ft.Colors.TERTIARY_CONTAINER,
            )
            for i, c in enumerate(concerns)
        ]

    def remove_concern(i: int) -> None:
        concerns.pop(i)
        show_concerns()
        keep_draft()
        state.page.update()

    def open_concern(key: str | None, label: str, answer_text: str) -> None:
        def add(c: dict) -> None:
            concerns.append({**c, "question": key})
            concern_draft["fields"] = None
            show_concerns()
            keep_draft()

        def leave(fields: dict | None) -> None:
            # a concern typed and not added stays with the visit's draft
            concern_draft["fields"] = fields
            keep_draft()

        topic = fmt.topic(label)
        prefill = (
            t("common.labelled", label=topic, value=answer_text) if topic and answer_text else topic
        )
        asked = next((q for q in questions_def if key and q.get("key") == key), {})
        open_concern_dialog(
            state,
            prefill=prefill,
            on_add=add,
            on_leave=leave,
            draft=concern_draft["fields"],
            category=asked.get("concern_category"),
        )

    show_concerns()  # those a restored draft holds

    # ---- checklist --------------------------------------------------------------------------
    def out_of_range(lo: str | None, hi: str | None) -> str:
        if lo is not None and hi is not None:
            return t("visit.number_between", min=lo, max=hi)
        if lo is not None:
            return t("visit.number_at_least", min=lo)
        return t("visit.number_at_most", max=hi)

    labels = QuestionLabels(
        yes=t("visit.answer_yes"),
        no=t("visit.answer_no"),
        raise_concern=t("visit.raise_from_answer"),
        number_invalid=t("visit.number_invalid"),
        number_out_of_range=out_of_range,
    )

    def on_answer(key: str, value: Any) -> None:
        if value is None:
            answers.pop(key, None)
        else:
            answers[key] = value
        keep_draft()

    questions: list[ChecklistQuestion] = []
    if checklist:
        for q in checklist.get("questions", []):
            questions.append(
                ChecklistQuestion(
                    q,
                    lang=state.lang,
                    labels=labels,
                    on_change=on_answer,
                    on_raise_concern=open_concern,
                    value=answers.get(q["key"]),
                )
            )

    notes = ft.TextField(
        label=t("visit.notes"),
        hint_text=t("visit.notes_hint"),
        multiline=True,
        min_lines=3,
        max_lines=8,
        value=start["notes"],
        on_change=lambda e: keep_draft(),
        key="visit-notes",
    )
    # chips that wrap whole words: four segments broke "In a / week" and "一个月 / 后"
    follow = ToggleChips(
        [
            (code, t("visit.follow_none" if days is None else f"visit.follow_{code}"))
            for code, days in FOLLOW_UPS
        ],
        value=start["follow"],
        multiple=False,
        on_change=lambda chosen: keep_draft(),
        key="visit-follow",
    )
    message = ft.Text("", color=ft.Colors.ERROR, visible=False, key="visit-message")

    def refuse(text: str) -> None:
        # shown by the save button and as a toast: the top bar's save is far from the message
        message.value, message.visible = text, True
        state.toast(text, error=True)
        state.page.update()

    # ---- the draft: every change kept at once, nothing typed is ever lost ---------------------
    def snapshot() -> dict[str, Any]:
        return {
            "method": (method.selected or ["in_person"])[0],
            "people": people.value or "",
            "answers": dict(answers),
            "notes": notes.value or "",
            "follow": follow.value or "none",
            "concerns": [dict(c) for c in concerns],
            "concern_draft": concern_draft["fields"],
        }

    def keep_draft() -> None:
        try:
            now = snapshot()
            if now == fresh:
                store.discard_draft("visit", household_id)
            else:
                store.save_draft("visit", household_id, now, household_id=household_id)
        except Exception:  # a draft that could not be kept must never stop the typing
            log.exception("keeping the visit draft failed")

    def discard(e=None) -> None:
        store.discard_draft("visit", household_id)
        state.nav.replace("visit", household_id=household_id)

    restored: list[ft.Control] = (
        [
            ft.Container(
                content=ft.Row(
                    [
                        ft.Icon(ft.Icons.RESTORE, color=ft.Colors.ON_TERTIARY_CONTAINER),
                        ft.Text(
                            t("draft.restored"),
                            size=16,
                            expand=True,
                            color=ft.Colors.ON_TERTIARY_CONTAINER,
                        ),
                        ft.TextButton(t("draft.discard"), on_click=discard, key="draft-discard"),
                    ],
                    vertical_alignment=ft.CrossAxisAlignment.CENTER,
                ),
                padding=ft.Padding.only(left=12, right=4),
                border_radius=12,
                bgcolor=ft.Colors.TERTIARY_CONTAINER,
                key="draft-restored",
            )
        ]
        if draft
        else []
    )

    async def show_problem(target: str, text: str, question: ChecklistQuestion | None) -> None:
        """Mark what needs doing and scroll it into view; the message says it too."""
        for q in questions:
            q.control.border = ft.Border.all(1, ft.Colors.OUTLINE_VARIANT)
        if question is not None:
            question.control.border = ft.Border.all(2, ft.Colors.ERROR)
        refuse(text)
        # not awaited: the scroll completes on the phone's side; saving is done either way
        view.data["scrolling"] = asyncio.ensure_future(scroll(target))

    async def scroll(target: str) -> None:
        try:
            await view.scroll_to(scroll_key=target, duration=300)
        except Exception:  # no client to scroll (closing session): the mark and message stay
            log.debug("scrolling to the question failed", exc_info=True)

    async def save(e=None) -> None:
        try:
            reached = int((people.value or "0").strip())
            if not 0 <= reached <= 99:
                raise ValueError
        except ValueError:
            people.error = t("visit.invalid_people")
            await show_problem("visit-people-row", t("visit.invalid_people"), None)
            return
        for q in questions:
            # a refused entry first: its answer is missing because what was typed is wrong
            if q.error:
                await show_problem(
                    f"q-{q.qkey}", t("common.labelled", label=q.label, value=q.error), q
                )
                return
            if q.question.get("required") and q.qkey not in answers:
                await show_problem(f"q-{q.qkey}", t("visit.required_missing", label=q.label), q)
                return
        household_size = answers.get(HOUSEHOLD_SIZE)
        days = dict(FOLLOW_UPS).get(follow.value or "none")
        follow_up = state.today() + dt.timedelta(days=days) if days else None
        try:
            store.record_visit(
                household_id,
                method=(method.selected or ["in_person"])[0],
                people_reached=reached,
                answers=dict(answers),
                notes=(notes.value or "").strip(),
                follow_up_date=follow_up,
                # one transaction: the visit, its concerns and the household's new people
                # count are all saved (and the draft gone), or none
                concerns=[{k: c[k] for k in ("kind", "category", "description")} for c in concerns],
                people_count=household_size if isinstance(household_size, int) else None,
            )
        except Exception as err:  # the store refuses bad input with a readable error
            log_failure(log, "saving a visit", err)  # its text may quote what was typed
            # the store's words are for developers; the person gets a sentence they can act on
            reason = t("visit.invalid_entry") if isinstance(err, ValueError) else t("error.generic")
            # the shared rules name the field: point at the question when it is an answer
            at = _question_at(questions, getattr(err, "field", ""))
            if at is None:
                refuse(t("visit.save_failed", reason=reason))
                return
            await show_problem(
                f"q-{at.qkey}", t("common.labelled", label=at.label, value=reason), at
            )
            return
        # the household first: the person waits for that screen, not for the counts
        state.nav.back()
        state.after_write(upload_in=UPLOAD_AFTER_VISIT)
        # online, the engine uploads a moment later; offline the person is told it waits
        state.toast(t("visit.saved" if state.sync.online else "visit.saved_offline"))

    save_button = ft.FilledButton(
        t("visit.save"),
        icon=ft.Icons.SAVE,
        expand=True,
        on_click=save,
        key="visit-save",
    )
    body: list[ft.Control] = [
        ft.Text(
            f"{house.get('estate_name', '')} {fmt.address(house)}",
            size=16,
            color=ft.Colors.ON_SURFACE_VARIANT,
        ),
        *restored,
        section_title(t("visit.method")),
        method,
        section_title(t("visit.people_reached")),
        people_row,
        section_title(t("visit.checklist")),
        *(
            [q.control for q in questions]
            or [ft.Text(t("visit.no_checklist"), color=ft.Colors.ON_SURFACE_VARIANT)]
        ),
        concern_list,
        ft.OutlinedButton(
            t("concern.raise"),
            icon=ft.Icons.REPORT_OUTLINED,
            on_click=lambda e: open_concern(None, "", ""),
            key="visit-raise",
        ),
        section_title(t("visit.notes")),
        notes,
        section_title(t("visit.follow_up")),
        follow.control,
        message,
        ft.Row([save_button]),
        ft.Container(height=24),
    ]
    view = screen(
        state,
        route=f"/household/{household_id}/visit",
        title=t("visit.title"),
        body=body,
        actions=[
            ft.IconButton(
                # "保存", not the bottom button's "保存走访": one name, one button
                ft.Icon(ft.Icons.CHECK, semantics_label=t("common.save")),
                tooltip=t("visit.save"),
                on_click=save,
                key="visit-save-top",
            )
        ],
    )
    view.data.update(
        {
            "save": save,
            "answers": answers,
            "concerns": concerns,
            "questions": questions,
            "keep_draft": keep_draft,
        }
    )
    return view


def _question_at(questions: list[ChecklistQuestion], field: str) -> ChecklistQuestion | None:
    """The question a refusal's field (``answers.<key>``, from the protocol's rules) names."""
    parts = str(field).split(".")
    if len(parts) >= 2 and parts[0] == "answers":
        return next((q for q in questions if q.qkey == parts[1]), None)
    return None
