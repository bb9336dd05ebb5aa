"""Questionnaire answers residents sent by QR, waiting for the neighbour head: each shown with
its questionnaire's title, where it came from, and its answers in words (是/否 and option
labels, phone numbers masked until revealed), with one-tap actions: open the household, add or
update the resident, raise a concern, mark it dealt with."""

from __future__ import annotations

import logging
import re
from typing import Any

import flet as ft

from app import fmt
from app.chrome import screen
from app.concern_dialog import open_concern_dialog
from app.paging import Pager
from app.resident_dialog import matching_member, open_resident_dialog
from components.checkbox import checkbox
from components.empty_state import empty_state
from components.flag_chips import tag
from components.icon_button import icon_button, relabel
from services.protocol import CATEGORY_NAMES, mask_phone
from services.questionnaire_answers import concern_description, describe_answers, resident_fields

log = logging.getLogger(__name__)

#: A concern raised from an answer starts in the category (key) its questionnaire is about.
CATEGORY_BY_SLUG = {
    "safety-hazards": "safety",
    "elderly-care": "elderly",
    "solitary-elderly": "elderly",
    "vaccination-60plus": "health",
    "environment": "environment",
    "parking": "parking",
    "property-service": "property",
}
_PHONE_LIKE = re.compile(r"^\+?[\d\s-]{7,20}$")


def phone_keys(questionnaire: dict | None, answers: dict[str, Any]) -> set[str]:
    """Answer keys holding a phone number: the questionnaire's phone questions, and any other
    answer that looks like one (a key the questionnaire no longer knows)."""
    known = {q.get("key"): q.get("type") for q in (questionnaire or {}).get("questions") or []}
    out = {k for k, kind in known.items() if kind == "phone" and k in answers}
    out |= {
        k
        for k, v in answers.items()
        if k not in known and isinstance(v, str) and _PHONE_LIKE.match(v.strip())
    }
    return out


def masked_answers(questionnaire: dict | None, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers with every phone number masked (what the screen and a concern may show)."""
    phones = phone_keys(questionnaire, answers)
    return {k: (mask_phone(str(v)) if k in phones and v else v) for k, v in answers.items()}


def answer_order(questionnaire: dict | None, answers: dict[str, Any]) -> list[str]:
    """Answer keys in the questionnaire's order, unknown keys last (as describe_answers)."""
    known = [q.get("key") for q in (questionnaire or {}).get("questions") or []]
    return [k for k in known if k in answers] + [k for k in answers if k not in known]


def find_household(store, response: dict) -> dict | None:
    """The household an answer is about: the one its QR carried, else the one in its estate
    whose address is the answer's building-unit-room."""
    hid = response.get("household_id")
    if hid:
        house = store.household(hid)
        if house:
            return house
    address = str((response.get("answers") or {}).get("address") or "").strip()
    estate_id = response.get("estate_id")
    if not (address and estate_id):
        return None
    for row in store.households(estate_id=estate_id, query=address, limit=5):
        if row.get("address") == address:
            return store.household(row["id"])
    return None


def build(state) -> ft.View:
    t = state.t
    store = state.store
    try:
        questionnaires = {q["id"]: q for q in store.questionnaires()}
        estates = {e["id"]: e.get("name", "") for e in store.estates()}
    except Exception:
        log.exception("questionnaires read failed")
        questionnaires, estates = {}, {}
    done: dict[str, str] = {}  # response id -> what was made of it on this screen

    pager = Pager(
        fetch=lambda offset, limit: store.responses_to_review(offset=offset, limit=limit),
        count=lambda: len(store.responses_to_review(offset=0, limit=10_000)),
        render=lambda r: _card(state, r, questionnaires, estates, done, remove),
        empty=lambda: empty_state(
            t("review.empty"), icon=ft.Icons.INBOX_OUTLINED, key="review-empty"
        ),
        more_label=t("common.load_more"),
        error_label=t("error.generic"),
        key="review-list",
    )
    summary = ft.Text("", color=ft.Colors.ON_SURFACE_VARIANT, key="review-count")

    def remove(response_id: str) -> None:
        """Take a dealt-with answer off the list in place (the scroll position stays)."""
        keep = [c for c in pager.items.controls if c.key != f"response-{response_id}"]
        if len(keep) != len(pager.items.controls):
            pager.items.controls = keep
            pager.total -= 1
            pager.loaded -= 1
        if pager.total <= 0:
            pager.total = 0
            pager.items.controls = [pager.empty()]
        summary.value = t("review.count", n=pager.total)

    def reload() -> None:
        pager.reload()
        summary.value = t("review.count", n=pager.total)

    def after_sync(data_changed: bool) -> None:
        """New answers pulled: show them without losing the place in the list."""
        if not data_changed:
            return
        try:
            pager.refresh()
        except Exception:
            log.exception("responses to review refresh failed")
            return
        summary.value = t("review.count", n=pager.total)

    reload()
    view = screen(
        state,
        route="/review",
        title=t("review.title"),
        body=[summary, pager.control],
        on_status=after_sync,
    )
    view.on_scroll = pager.on_scroll
    view.data.update({"pager": pager, "done": done})
    return view


def _card(state, r: dict, questionnaires: dict, estates: dict, done: dict, remove) -> ft.Control:
    t = state.t
    store = state.store
    rid = r["id"]
    q = questionnaires.get(r.get("questionnaire_id"))
    answers: dict[str, Any] = r.get("answers") or {}
    shown = masked_answers(q, answers)
    phones = phone_keys(q, answers)
    lang = "en" if state.lang == "en" else "zh"
    house = find_household(store, r)

    where = " · ".join(
        x
        for x in (
            estates.get(r.get("estate_id")) or (house or {}).get("estate_name") or "",
            (house or {}).get("address") or "",
            fmt.date_time(r.get("submitted_at")),
        )
        if x
    )
    lines: list[ft.Control] = []
    for key in answer_order(q, answers):
        label, words = describe_answers(q, {key: shown[key]}, lang)[0]
        value: ft.Control = ft.Text(words, size=16)
        if key in phones and answers.get(key):
            value = _phone_value(state, rid, key, str(answers[key]), words)
        # label and answer side by side: a dozen answers still fit on one phone screen
        lines.append(
            ft.Row(
                [
                    ft.Text(label, size=14, color=ft.Colors.ON_SURFACE_VARIANT, width=120),
                    ft.Container(value, expand=True),
                ],
                spacing=8,
                vertical_alignment=ft.CrossAxisAlignment.START,
                key=f"answer-{rid}-{key}",
            )
        )

    def mark(outcome: str | None = None):
        def handler(e=None) -> None:
            try:
                store.review_response(rid, outcome or done.get(rid, "no_action"))
            except Exception:
                log.exception("review failed")
                state.toast(t("error.generic"), error=True)
                return
            remove(rid)
            state.after_write()
            state.toast(t("review.done"))

        return handler

    def also_done() -> ft.Checkbox:
        return checkbox(t("review.also_done"), value=True, key="review-also-done")

    fields = resident_fields(answers, today=state.today())

    def add_resident(e=None) -> None:
        box = also_done()

        def saved(resident_id: str) -> None:
            done[rid] = "resident_updated"
            state.after_write()
            state.toast(t("review.resident_saved"))
            if box.value:
                mark("resident_updated")()

        open_resident_dialog(state, household=house, fields=fields, on_saved=saved, extra=[box])

    def raise_concern(e=None) -> None:
        box = also_done()

        def add(c: dict) -> bool:
            try:
                store.raise_concern(house["id"], **c)
            except Exception:
                log.exception("raising a concern from an answer failed")
                state.toast(t("error.generic"), error=True)
                return False
            forget_draft()
            done[rid] = "concern_raised"
            state.after_write()
            state.toast(t("review.concern_saved"))
            if box.value:
                mark("concern_raised")()
            return True

        # a concern typed and left unsaved waits as this answer's draft (the phone's own)
        def leave(fields: dict | None) -> None:
            try:
                if fields:
                    store.save_draft("concern", rid, fields, household_id=house["id"])
                else:
                    store.discard_draft("concern", rid)
            except Exception:  # keeping a draft must never get in the way
                log.exception("keeping the concern draft failed")

        def forget_draft() -> None:
            try:
                store.discard_draft("concern", rid)
            except Exception:
                log.exception("discarding the concern draft failed")

        open_concern_dialog(
            state,
            prefill=concern_description(q, shown, lang),
            on_add=add,
            kind="suggestion" if (q or {}).get("slug") == "suggestions" else "request",
            category=CATEGORY_NAMES.get(CATEGORY_BY_SLUG.get((q or {}).get("slug"), "other")),
            extra=[box],
            draft=store.draft("concern", rid),
            on_leave=leave,
        )

    actions: list[ft.Control] = []
    if house is not None:
        member = matching_member(store.members(house["id"]), fields.get("name"))
        actions.append(
            ft.OutlinedButton(
                t("review.open_household"),
                icon=ft.Icons.HOME_OUTLINED,
                on_click=lambda e: state.nav.push("household", household_id=house["id"]),
                key=f"review-open-{rid}",
            )
        )
        if fields.get("name"):
            actions.append(
                ft.OutlinedButton(
                    t("review.update_resident", name=member["name"])
                    if member
                    else t("review.add_resident"),
                    icon=ft.Icons.PERSON_ADD_ALT if member is None else ft.Icons.MANAGE_ACCOUNTS,
                    on_click=add_resident,
                    key=f"review-resident-{rid}",
                )
            )
        actions.append(
            ft.OutlinedButton(
                t("concern.raise"),
                icon=ft.Icons.REPORT_OUTLINED,
                on_click=raise_concern,
                key=f"review-concern-{rid}",
            )
        )
    actions.append(
        ft.FilledTonalButton(
            t("review.mark_done"),
            icon=ft.Icons.DONE,
            on_click=mark(),
            key=f"review-done-{rid}",
        )
    )
    head: list[ft.Control] = [
        ft.Text(
            t.text((q or {}).get("title")) or t("review.unknown_questionnaire"),
            size=17,
            weight=ft.FontWeight.W_600,
            expand=True,
        )
    ]
    if r.get("pending"):
        head.append(tag(t("common.pending"), warm=True))
    body: list[ft.Control] = [
        ft.Row(head, vertical_alignment=ft.CrossAxisAlignment.CENTER),
        ft.Text(where, size=14, color=ft.Colors.ON_SURFACE_VARIANT, key=f"review-where-{rid}"),
        *lines,
    ]
    if house is None:
        body.append(ft.Text(t("review.no_household"), size=14, color=ft.Colors.ON_SURFACE_VARIANT))
    body.append(ft.Row(actions, wrap=True, spacing=8, run_spacing=8))
    return ft.Container(
        content=ft.Column(body, spacing=6),
        padding=12,
        border_radius=12,
        border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
        key=f"response-{rid}",
    )


def _phone_value(state, rid: str, key: str, number: str, masked: str) -> ft.Control:
    """A masked number with an eye button; revealing shows it whole with a call button."""
    t = state.t
    text = ft.Text(masked, size=16, key=f"phone-{rid}-{key}")
    call = icon_button(
        ft.Icons.CALL,
        t("review.call"),
        url=f"tel:{''.join(ch for ch in number if ch.isdigit() or ch == '+')}",
        visible=False,
        key=f"call-{rid}-{key}",
    )

    def reveal(e=None) -> None:
        showing = text.value != masked
        text.value = masked if showing else number
        call.visible = not showing
        if showing:
            relabel(eye, ft.Icons.VISIBILITY_OUTLINED, t("review.show_phone"))
        else:
            relabel(eye, ft.Icons.VISIBILITY_OFF_OUTLINED, t("review.hide_phone"))
        state.page.update()

    eye = icon_button(
        ft.Icons.VISIBILITY_OUTLINED,
        t("review.show_phone"),
        on_click=reveal,
        key=f"reveal-{rid}-{key}",
    )
    return ft.Row([text, eye, call], spacing=0, vertical_alignment=ft.CrossAxisAlignment.CENTER)
