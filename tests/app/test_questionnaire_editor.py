"""Staff create and edit questionnaires from the app against the real server: a new one with a
choice question is saved and listed; the server's refusal is shown at the questions it names
and nothing is saved; an edit becomes the next version; a bad range is caught before sending;
the QR poster downloads as a PDF."""

from __future__ import annotations

import uuid

import flet as ft

from app.office.questionnaire_form import options_text, parse_options, place_problems
from tests.app.conftest import click, find, one


def _top(state) -> ft.View:
    return state.page.views[-1]


async def _admin(state) -> ft.View:
    state.nav.push("admin", section="questionnaires")
    view = _top(state)
    await view.data["load"]()
    view.data["show"]()
    return view


def _listed(view, slug: str) -> dict | None:
    return next((q for q in view.data["model"].questionnaires if q["slug"] == slug), None)


async def _type(session, control: ft.TextField, value: str) -> None:
    control.value = value
    await click(session, control, "change", value)


async def _new(session, state, title: str, first: str, *, push: bool = True):
    """The editor of a new questionnaire with a fresh code, its title and first question
    typed: (the editor, the code)."""
    if push:
        state.nav.push("questionnaire_edit")
    editor = _top(state)
    slug = f"q-{uuid.uuid4().hex[:8]}"
    await _type(session, one(editor, "qedit-slug"), slug)
    await _type(session, one(editor, "qedit-title-zh"), title)
    await _type(session, one(editor, "qedit-label-zh-0"), first)
    return editor, slug


async def test_staff_create_a_questionnaire_with_a_choice_question(session, staff_state):
    admin = await _admin(staff_state)
    await click(session, one(admin, "admin-create-questionnaire"))
    assert _top(staff_state).path == "/office/questionnaire"
    editor, slug = await _new(session, staff_state, "楼道照明调查", "楼道灯是否都亮？", push=False)
    await click(session, one(editor, "qedit-add"))
    one(editor, "qedit-type-1").value = "choice"
    await click(session, one(editor, "qedit-type-1"), "select", "choice")
    assert one(editor, "qedit-options-1").visible, "a choice question shows its options"
    await _type(session, one(editor, "qedit-key-1"), "when")
    await _type(session, one(editor, "qedit-label-zh-1"), "什么时候不亮？")
    await _type(session, one(editor, "qedit-options-1"), "night | 夜里 | at night\nalways | 一直")
    await click(session, one(editor, "qedit-save"))

    assert _top(staff_state) is not editor, "back to the list once saved"
    admin = await _admin(staff_state)
    saved = _listed(admin, slug)
    assert saved and saved["version"] == 1 and saved["title"]["zh"] == "楼道照明调查"
    assert [q["key"] for q in saved["questions"]] == ["q1", "when"]
    assert saved["questions"][1]["options"] == [
        {"value": "night", "label": {"zh": "夜里", "en": "at night"}},
        {"value": "always", "label": {"zh": "一直", "en": ""}},
    ]
    assert find(admin, key=f"admin-q-poster-{slug}")


async def test_a_refused_definition_is_explained_at_its_questions_and_nothing_saved(
    session, staff_state
):
    t = staff_state.t
    editor, slug = await _new(session, staff_state, "坏问卷", "第一题")
    await click(session, one(editor, "qedit-add"))
    await _type(session, one(editor, "qedit-key-1"), "Bad Key")
    await _type(session, one(editor, "qedit-label-zh-1"), "第二题")
    await click(session, one(editor, "qedit-save"))

    assert _top(staff_state) is editor, "stays on the form"
    assert one(editor, "qedit-problems").value.startswith(t("qedit.refused"))
    second = one(editor, "qedit-question-problems-1")
    assert second.visible and second.value.startswith("key:")
    assert not one(editor, "qedit-question-problems-0").visible
    admin = await _admin(staff_state)
    assert _listed(admin, slug) is None, "nothing saved"


async def test_questions_moved_and_removed_keep_what_was_typed_and_can_move_again(
    session, staff_state
):
    """Each move lays the cards out again: a card rebuilt under its old key made Flet freeze
    the question's fields, and the next move, removal or refusal shown then failed."""
    editor, slug = await _new(session, staff_state, "顺序", "甲")
    await click(session, one(editor, "qedit-add"))
    await click(session, one(editor, "qedit-add"))
    for i, key in enumerate(("a", "b", "c")):
        await _type(session, one(editor, f"qedit-key-{i}"), key)
    await click(session, one(editor, "qedit-down-0"))  # b a c
    await click(session, one(editor, "qedit-up-2"))  # b c a
    await click(session, one(editor, "qedit-down-0"))  # c b a
    await click(session, one(editor, "qedit-remove-1"))  # c a
    assert [one(editor, f"qedit-key-{i}").value for i in range(2)] == ["c", "a"]
    assert one(editor, "qedit-label-zh-1").value == "甲", "the typed wording moved with it"
    assert one(editor, "qedit-up-0").disabled and one(editor, "qedit-down-1").disabled
    await _type(session, one(editor, "qedit-key-0"), "Bad Key")
    await click(session, one(editor, "qedit-save"))
    assert one(editor, "qedit-question-problems-0").value.startswith("key:")
    await click(session, one(editor, "qedit-down-0"))
    assert one(editor, "qedit-key-1").value == "Bad Key"
    assert _listed(await _admin(staff_state), slug) is None


async def test_a_range_that_is_not_a_number_is_caught_before_sending(session, staff_state):
    t = staff_state.t
    editor, slug = await _new(session, staff_state, "人数", "家里几口人？")
    one(editor, "qedit-type-0").value = "number"
    await click(session, one(editor, "qedit-type-0"), "select", "number")
    await _type(session, one(editor, "qedit-min-0"), "一")
    await click(session, one(editor, "qedit-save"))
    assert one(editor, "qedit-min-0").error == t("qedit.bad_number")
    assert one(editor, "qedit-problems").value == t("qedit.fix_numbers")
    assert _listed(await _admin(staff_state), slug) is None


async def test_an_edit_becomes_the_next_version(session, staff_state):
    admin = await _admin(staff_state)
    q = admin.data["model"].questionnaires[0]
    await click(session, one(admin, f"admin-q-edit-{q['slug']}"))
    editor = _top(staff_state)
    assert one(editor, "qedit-slug").read_only and one(editor, "qedit-slug").value == q["slug"]
    assert len(editor.data["questions"]) == len(q["questions"])
    label = one(editor, "qedit-label-zh-0")
    await _type(session, label, label.value + "（修订）")
    await click(session, one(editor, "qedit-save"))
    after = _listed(await _admin(staff_state), q["slug"])
    assert after["version"] == q["version"] + 1
    assert after["questions"][0]["label"]["zh"].endswith("（修订）")
    assert [x["key"] for x in after["questions"]] == [x["key"] for x in q["questions"]]


async def test_the_qr_poster_downloads_as_a_pdf(session, staff_state):
    saved: list[tuple[str, bytes]] = []

    async def save(name: str, content: bytes) -> None:
        saved.append((name, content))

    staff_state.save_bytes = save
    admin = await _admin(staff_state)
    q = admin.data["model"].questionnaires[0]
    await click(session, one(admin, f"admin-q-poster-{q['slug']}"))
    dialog = session.page._dialogs.controls[-1]
    estate = one(dialog, "poster-estate")
    estate.value = estate.options[1].key
    await click(session, one(dialog, "poster-download"))
    name, content = saved[-1]
    assert name.endswith(".pdf") and content.startswith(b"%PDF")


def test_options_read_back_as_they_are_shown():
    options = [
        {"value": "a", "label": {"zh": "甲", "en": "A"}},
        {"value": "b", "label": {"zh": "乙", "en": ""}},
    ]
    assert parse_options(options_text(options)) == options
    assert parse_options("只有标签\n\n") == [
        {"value": "只有标签", "label": {"zh": "只有标签", "en": ""}}
    ]


def test_server_problems_are_placed_at_the_questions_they_name():
    placed = place_problems(
        "body.questions.1.key: String should match pattern; body: question 'pick' (choice) "
        "needs options; body.title.zh: Field required",
        ["q1", "q2", "pick"],
    )
    assert placed.by_question == {
        1: ["key: String should match pattern"],
        2: ["question 'pick' (choice) needs options"],
    }
    assert placed.general == ["title.zh: Field required"]
