"""Small things a head noticed: a concern raised from an answer reads "question：answer" and
starts in the question's category, the category list is the shared one, the saved toast says
what really happens (uploading now, or when online), and settings shows no file path."""

from __future__ import annotations

import flet as ft

from services.protocol import CONCERN_CATEGORIES, OTHER_CATEGORY
from tests.app.conftest import click, one, texts


def _top(state) -> ft.View:
    return state.page.views[-1]


def _open_visit(state, offset: int = 2) -> ft.View:
    hh = state.store.households(limit=1, offset=offset)[0]
    state.nav.root("households")
    state.nav.push("household", household_id=hh["id"])
    state.nav.push("visit", household_id=hh["id"])
    return _top(state)


def _question(form, key: str):
    return next(q for q in form.data["questions"] if q.qkey == key)


async def test_a_concern_from_an_answer_reads_question_then_answer(session, head_state):
    form = _open_visit(head_state)
    size = _question(form, "household_size")
    size.input.value = "3"
    await click(session, size.input, "change")
    await click(session, one(form, "raise-household_size"))
    dialog = session.page._dialogs.controls[-1]
    text = one(dialog, "concern-description").value
    assert text.endswith("：3") and "？：" not in text and "?：" not in text
    assert one(dialog, "concern-category").value == OTHER_CATEGORY, "no category of its own"


async def test_a_concern_from_the_safety_question_starts_as_a_safety_hazard(session, head_state):
    form = _open_visit(head_state)
    safety = _question(form, "home_safety")
    assert safety.question.get("concern_category") == "安全隐患", "published with the question"
    await click(session, one(form, "raise-home_safety"))
    dialog = session.page._dialogs.controls[-1]
    assert one(dialog, "concern-category").value == "安全隐患"


async def test_the_dialog_offers_the_shared_list_in_the_chosen_language(session, head_state):
    await head_state.set_language("en")
    form = _open_visit(head_state)
    await click(session, one(form, "visit-raise"))
    picker = one(session.page._dialogs.controls[-1], "concern-category")
    assert [o.key for o in picker.options] == list(CONCERN_CATEGORIES)
    labels = {o.key: o.text for o in picker.options}
    assert labels["安全隐患"] == "Safety hazard" and labels[OTHER_CATEGORY] == "Other"


async def _save_visit(session, state) -> str:
    form = _open_visit(state, offset=4)
    await click(session, one(form, "visit-save"))
    assert _top(state).path.startswith("/household/"), "saved"
    toast = session.page._dialogs.controls[-1]
    assert isinstance(toast, ft.SnackBar)
    return toast.content.value


async def test_the_saved_toast_says_uploading_when_online(session, head_state):
    head_state.sync.online = True
    assert await _save_visit(session, head_state) == head_state.t("visit.saved")
    assert "联网时" not in head_state.t("visit.saved")


async def test_the_saved_toast_says_it_waits_when_offline(session, head_state):
    head_state.sync.online = False
    assert await _save_visit(session, head_state) == head_state.t("visit.saved_offline")


def test_settings_shows_no_file_path(session, head_state):
    head_state.nav.root("settings")
    shown = " ".join(texts(_top(head_state)))
    assert str(head_state.data_dir) not in shown and ".sqlite" not in shown
