"""Each screen builds from a real store pulled from the real server, in Chinese and English,
with no raw keys or exceptions shown."""

from __future__ import annotations

import flet as ft
import pytest

from app.i18n import CATALOGUE
from tests.app.conftest import find, texts

SCREENS = ["home", "households", "concerns", "sync", "settings", "review"]


def _no_raw_keys(view: ft.View) -> None:
    shown = texts(view)
    assert shown, "screen shows no text"
    leaked = [s for s in shown if s in CATALOGUE]
    assert not leaked, f"catalogue keys shown raw: {leaked}"
    assert not any("Traceback" in s or "Error(" in s for s in shown)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", SCREENS)
def test_top_level_screen_builds_from_real_store(head_state, name, lang):
    from app.i18n import Translator

    head_state.t = Translator(lang)
    head_state.nav.root(name)
    view = head_state.page.views[-1]
    _no_raw_keys(view)


def test_home_shows_my_estates_with_counts(head_state):
    head_state.nav.root("home")
    view = head_state.page.views[-1]
    estates = head_state.store.estates()
    assert estates, "head01 has estates"
    for e in estates:
        assert find(view, key=f"estate-{e['id']}"), e["name"]
    shown = " ".join(texts(view))
    assert estates[0]["name"] in shown
    assert str(head_state.store.home_summary()["households"]) in shown


def test_household_page_shows_members_visits_and_record_action(head_state):
    hh = head_state.store.households(limit=1)[0]
    head_state.nav.root("households")
    head_state.nav.push("household", household_id=hh["id"])
    view = head_state.page.views[-1]
    assert find(view, key="record-visit")
    for m in head_state.store.members(hh["id"]):
        assert find(view, key=f"member-{m['id']}")
        # phones are shown masked only
        shown = " ".join(texts(view))
        if m.get("phone_masked"):
            assert m["phone_masked"] in shown
    assert find(view, key="show-qr")


def test_concern_detail_shows_history(head_state):
    concerns = head_state.store.concerns(status=["open", "in_review", "resolved"], limit=5)
    assert concerns
    c = concerns[0]
    head_state.nav.root("concerns")
    head_state.nav.push("concern", concern_id=c["id"])
    view = head_state.page.views[-1]
    for ev in head_state.store.concern_events(c["id"]):
        assert find(view, key=f"event-{ev['id']}")


def test_unknown_household_shows_a_readable_message(head_state):
    head_state.nav.root("households")
    head_state.nav.push("household", household_id="00000000-0000-0000-0000-000000000000")
    shown = texts(head_state.page.views[-1])
    assert head_state.t("error.not_found") in shown
