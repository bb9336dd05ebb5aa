"""The checklist's number field refuses what is not a finite number in the question's range,
in the catalogue's words, and a visit with such an answer is not saved; an answer the shared
rules refuse at saving is pointed at the same way."""

from __future__ import annotations

import flet as ft
import pytest

from app.i18n import Translator
from components.checklist_question import parse_number
from tests.app.conftest import click, one, texts


@pytest.mark.parametrize(
    "raw, expected", [("3", 3), ("-2", -2), ("007", 7), ("2.5", 2.5), ("1e3", 1000.0)]
)
def test_parse_number_reads_whole_and_decimal_numbers(raw, expected):
    number = parse_number(raw)
    assert number == expected and type(number) is type(expected)


@pytest.mark.parametrize(
    "raw", ["nan", "NaN", "inf", "-inf", "Infinity", "1e999", "-1e999", "abc", "1,5"]
)
def test_parse_number_refuses_what_is_not_a_finite_number(raw):
    assert parse_number(raw) is None


def _visit_form(state):
    hh = state.store.households(limit=1, offset=3)[0]
    state.nav.root("households")
    state.nav.push("household", household_id=hh["id"])
    state.nav.push("visit", household_id=hh["id"])
    form = state.page.views[-1]
    number = next(q for q in form.data["questions"] if q.qtype == "number")
    return hh, form, number


async def _type(session, field, text):
    field.input.value = text
    await click(session, field.input, "change")


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_number_field_refuses_non_finite_and_out_of_range_and_nothing_is_saved(
    session, head_state, lang
):
    head_state.t = Translator(lang)
    t = head_state.t
    store = head_state.store
    hh, form, number = _visit_form(head_state)
    lo, hi = number.question["min"], number.question["max"]
    assert (lo, hi) == (0, 30), "the demo checklist's household size question"
    visits_before = len(store.visits(hh["id"]))
    pending_before = store.outbox_counts()["pending"]

    for raw in ("nan", "inf", "1e999", "-Infinity", "两个"):
        await _type(session, number, raw)
        assert number.input.error == t("visit.number_invalid"), raw
        assert number.qkey not in form.data["answers"], raw
    for raw in ("31", "-1", "1e3"):
        await _type(session, number, raw)
        assert number.input.error == t("visit.number_between", min="0", max="30"), raw

    await click(session, one(form, "visit-save"))
    assert head_state.page.views[-1] is form, "stays on the form"
    refused = t(
        "common.labelled", label=number.label, value=t("visit.number_between", min="0", max="30")
    )
    assert refused in texts(form)
    toast = session.page._dialogs.controls[-1]  # also where the top bar's save can see it
    assert isinstance(toast, ft.SnackBar) and toast.content.value == refused
    assert len(store.visits(hh["id"])) == visits_before
    assert store.outbox_counts()["pending"] == pending_before

    await _type(session, number, "30")
    assert number.input.error is None and form.data["answers"][number.qkey] == 30


async def test_the_range_message_names_only_the_bounds_a_question_has(session, head_state):
    t = head_state.t
    _, _, number = _visit_form(head_state)
    number.question = dict(number.question, min=None, max=12.5)
    assert number.number_error(13) == t("visit.number_at_most", max="12.5")
    number.question = dict(number.question, min=-1.0, max=None)
    assert number.number_error(-2) == t("visit.number_at_least", min="-1")
    number.question = dict(number.question, min=None, max=None)
    assert number.number_error(10**6) is None and number.number_error(None)


async def test_an_answer_the_shared_rules_refuse_is_pointed_at_and_nothing_is_saved(
    session, head_state
):
    # the text field takes any length; the protocol allows 1000 characters per answer
    t = head_state.t
    store = head_state.store
    hh, form, number = _visit_form(head_state)
    await _type(session, number, "3")
    text = next(q for q in form.data["questions"] if q.qtype == "text")
    visits_before = len(store.visits(hh["id"]))
    text.input.value = "长" * 1001
    await click(session, text.input, "change")
    await click(session, one(form, "visit-save"))
    assert head_state.page.views[-1] is form, "stays on the form"
    assert t("common.labelled", label=text.label, value=t("visit.invalid_entry")) in texts(form)
    assert text.control.border == ft.Border.all(2, ft.Colors.ERROR)
    assert len(store.visits(hh["id"])) == visits_before
