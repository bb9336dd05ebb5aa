"""Readable for older eyes: no text under 14 px and body text at 16 px on the screens a head
uses, a text-size setting (标准 / 大 / 特大) that scales every screen (and the tiles a list adds
later) and is kept on the device, Flutter's own texts in the chosen language, and the concern
button saying in words what it does."""

from __future__ import annotations

from pathlib import Path

import flet as ft

from app import prefs as P
from app.theme import BODY, MIN_TEXT, TEXT_SCALES
from tests.app.conftest import click, find, one, texts


def _top(state) -> ft.View:
    return state.page.views[-1]


def _screens(state):
    store = state.store
    hid = store.households(limit=1)[0]["id"]
    yield "home", {}
    yield "households", {}
    yield "worklist", {"kind": "unvaccinated"}
    yield "settings", {}
    yield "household", {"household_id": hid}
    yield "visit", {"household_id": hid}


def _sizes(view) -> list[float]:
    return [t.size for t in find(view, cls=ft.Text) if t.size]


def test_no_text_under_14_px_and_body_text_16(session, head_state):
    theme = head_state.page.theme.text_theme
    assert theme.body_medium.size == BODY and theme.body_small.size >= MIN_TEXT
    assert min(getattr(theme, n).size for n in ("label_small", "label_medium")) >= MIN_TEXT
    for name, params in _screens(head_state):
        head_state.nav.root("home")
        if name != "home":
            head_state.nav.push(name, **params)
        small = [s for s in _sizes(_top(head_state)) if s < MIN_TEXT]
        assert not small, f"{name}: {small}"


async def test_extra_large_text_scales_every_screen_and_is_kept(session, head_state):
    head_state.nav.root("settings")
    before = {n: sorted(_sizes(_build(head_state, n, p))) for n, p in _screens(head_state)}
    head_state.nav.root("settings")
    picker = one(_top(head_state), "settings-text-size")
    picker.selected = ["xlarge"]
    await click(session, picker, "change")

    factor = TEXT_SCALES["xlarge"]
    assert head_state.page.theme.text_theme.body_medium.size == round(BODY * factor, 1)
    assert head_state.prefs.data[P.KEY_TEXT_SIZE] == "xlarge"
    assert one(_top(head_state), "settings-text-size").selected == ["xlarge"]
    for name, params in _screens(head_state):
        view = _build(head_state, name, params)
        after = sorted(_sizes(view))
        assert after == sorted(round(s * factor, 1) for s in before[name]), name


def _text_buttons(view) -> list[ft.Control]:
    return find(view, cls=(ft.Button, ft.OutlinedButton, ft.TextButton))


def test_no_text_button_has_a_fixed_height(session, head_state):
    """A button held to a height cuts its label once the phone's own text size grows (which
    the app cannot see): buttons are tall by padding, and grow with their text."""
    for name, params in _screens(head_state):
        view = _build(head_state, name, params)
        fixed = [b.key or b.content for b in _text_buttons(view) if b.height]
        assert not fixed, f"{name}: {fixed}"


def test_every_icon_button_and_dropdown_has_a_name_to_say(session, head_state):
    """Flutter web names an icon button by its icon's semantics label (a tooltip alone gives
    a screen reader nothing to say), and a dropdown by nothing of its own: each sits in a
    named semantics node."""
    estate_id = head_state.store.estates()[0]["id"]
    more = [(n, {}) for n in ("login", "set_pin", "concerns", "review", "sync")]
    for name, params in [*_screens(head_state), *more, ("estate", {"estate_id": estate_id})]:
        view = _build(head_state, name, params)
        assert not _nameless(view), f"{name}: {_nameless(view)}"


def _nameless(control) -> list:
    """The keys of the icon buttons and dropdowns in ``control`` a screen reader cannot name."""
    nameless = [
        b.key
        for b in find(control, cls=ft.IconButton)
        if not (isinstance(b.icon, ft.Icon) and b.icon.semantics_label)
    ]
    named = {id(s.content) for s in find(control, cls=ft.Semantics) if s.label}
    return nameless + [d.key for d in find(control, cls=ft.Dropdown) if id(d) not in named]


async def test_the_office_screens_and_dialogs_name_every_icon_button_and_dropdown(
    session, staff_state
):
    """The same for staff: the dashboard, the concern list, a new meeting's agenda, every
    administration section (a register with a column to map), the questionnaire editor, and
    the dialogs that pick a role, an assignee or a poster's estate."""
    state = staff_state
    top = lambda: _top(state)  # noqa: E731
    seen: dict[str, ft.Control] = {}

    state.nav.root("home")
    await top().data["load"]()
    seen["dashboard"] = top()
    state.nav.root("concerns")
    seen["concerns"] = top()
    state.nav.push("meeting_new")
    seen["meeting_new"] = top()
    state.nav.push("questionnaire_edit")
    seen["questionnaire_edit"] = top()

    async def dialog(name: str, view: ft.View, button: str) -> None:
        # a screen's dialog opens while that screen is the one shown
        await click(session, one(view, button))
        seen[name] = session.page._dialogs.controls[-1]

    for section in ("users", "places", "questionnaires", "checklist", "reveals", "register"):
        state.nav.push("admin", section=section)
        await top().data["load"]()
        top().data["show"]()
        seen[section] = top()
        if section == "users":
            await dialog("create_user", top(), "admin-create-user")
        if section == "questionnaires":
            q = top().data["model"].questionnaires[0]
            await dialog("poster", top(), f"admin-q-poster-{q['slug']}")
    register = seen["register"].data["model"].register
    corpus = Path(__file__).resolve().parents[1] / "server" / "register" / "corpus"
    assert await register.choose("r.xlsx", (corpus / "unknown_column.xlsx").read_bytes())
    seen["register"].data["show"]()
    assert find(seen["register"], cls=ft.Dropdown), "a column to map is offered"
    concern = state.store.office_concerns(today=state.today(), status=["open", "in_review"])[0]
    state.nav.push("concern", concern_id=concern["id"])
    await dialog("assign", top(), "concern-assign")

    for name, control in seen.items():
        assert not _nameless(control), f"{name}: {_nameless(control)}"


def _build(state, name, params) -> ft.View:
    state.nav.root("home")
    if name != "home":
        state.nav.push(name, **params)
    return _top(state)


async def test_tiles_a_list_adds_later_get_the_same_size(session, staff_state):
    await staff_state.set_text_size("large")
    staff_state.nav.root("households")
    view = _top(staff_state)
    pager = view.data["pager"]
    first = pager.items.controls[0]
    await click(session, pager.more)
    later = pager.items.controls[-1]
    assert sorted(_sizes(later)) == sorted(_sizes(first))
    assert max(_sizes(later)) > 17, "scaled, not as written"


async def test_the_size_survives_a_restart(session, head_state):
    await head_state.set_text_size("large")
    head_state.text_size = "standard"
    await head_state.restore()
    assert head_state.text_size == "large"
    assert head_state.page.theme.text_theme.body_medium.size == round(BODY * 1.2, 1)


async def test_flutter_texts_follow_the_chosen_language(session, head_state):
    await head_state.restore()
    locale = head_state.page.locale_configuration
    assert locale.current_locale.language_code == "zh"
    assert {x.language_code for x in locale.supported_locales} == {"zh", "en"}
    await head_state.set_language("en")
    assert head_state.page.locale_configuration.current_locale.language_code == "en"


def test_the_concern_button_says_what_it_does(session, head_state):
    hid = head_state.store.households(limit=1)[0]["id"]
    head_state.nav.root("home")
    head_state.nav.push("visit", household_id=hid)
    form = _top(head_state)
    q = form.data["questions"][0]
    button = one(form, f"raise-{q.qkey}")
    assert button.content == head_state.t("visit.raise_from_answer")


def test_field_counters_are_words_in_the_chosen_language(session, head_state):
    """Flutter's counter reads "0/6"; every limited field carries its own, in words."""
    head_state.nav.root("set_pin")
    fields = find(_top(head_state), cls=ft.TextField)
    assert fields and all(f.counter == head_state.t("pin.digits") for f in fields)
    hid = head_state.store.households(limit=1)[0]["id"]
    member = head_state.store.members(hid)[0]
    head_state.nav.push("member", household_id=hid, resident_id=member["id"])
    limited = [f for f in find(_top(head_state), cls=ft.TextField) if f.max_length]
    assert limited and all(
        f.counter == head_state.t("field.at_most", n=f.max_length) for f in limited
    )


def test_every_text_style_names_the_shipped_font(session, head_state):
    """A text theme replaces the font the theme names: a style without it showed Chinese as
    boxes in the browser."""
    from dataclasses import fields

    from app.theme import FONT_FAMILY, build_theme

    for scale in TEXT_SCALES.values():
        styles = build_theme(scale).text_theme
        for f in fields(styles):
            style = getattr(styles, f.name)
            if style is not None:
                assert style.font_family == FONT_FAMILY, f.name


async def test_concern_kinds_wrap_as_whole_words_and_one_is_chosen(session, head_state):
    """Three segments in the dialog broke "Complaint" and "Suggestion" mid-word on a phone:
    the kinds are chips in a wrapping row, one chosen at a time."""
    await head_state.set_language("en")
    hid = head_state.store.households(limit=1, offset=5)[0]["id"]
    form = _build(head_state, "visit", {"household_id": hid})
    await click(session, one(form, "visit-raise"))
    dialog = session.page._dialogs.controls[-1]
    kinds = one(dialog, "concern-kind")
    assert isinstance(kinds, ft.Row) and kinds.wrap
    assert texts(kinds) == ["Request", "Complaint", "Suggestion"]
    await click(session, one(dialog, "concern-kind-complaint"))
    one(dialog, "concern-description").value = "The stair light is out"
    await click(session, one(dialog, "concern-add"))
    assert [c["kind"] for c in form.data["concerns"]] == ["complaint"]


def test_checkboxes_are_rows_a_finger_can_hit():
    """A labelled checkbox is 40 px tall in a browser (Flutter's desktop tap target): the
    phone's and the office's screens and dialogs make theirs with components/checkbox.py
    (48 px and more)."""
    root = Path(__file__).resolve().parents[2]
    places = [*(root / "app").glob("*.py"), *(root / "app").glob("*/*.py")]
    raw = [p.name for p in places if "ft.Checkbox(" in p.read_text(encoding="utf-8")]
    assert not raw, raw
