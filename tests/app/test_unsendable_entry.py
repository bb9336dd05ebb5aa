"""An entry the phone could not send (``unsendable``) shows on the sync screen like a server
rejection: why, in the catalogue's words, with Resend (the bad number typed again, checked by
the shared rules, refused in words while still bad) or Discard."""

from __future__ import annotations

from services.sendable import UNSENDABLE
from tests.app.conftest import click, find, one, texts


def _unsendable_visit(state) -> tuple[dict, dict]:
    """A visit whose queued payload holds a NaN (as an older version wrote it), set aside by
    the engine the way it does before a push."""
    store = state.store
    hh = store.households(limit=1, offset=2)[0]
    store.record_visit(hh["id"], method="phone", people_reached=1, answers={"household_size": 2})
    [item] = [m for m in store.outbox_batch(100) if m["payload"]["household_id"] == hh["id"]]
    with store._tx() as conn:
        conn.execute(
            "UPDATE outbox SET payload = replace(payload, '\"household_size\":2',"
            " '\"household_size\":NaN') WHERE id = ?",
            (item["id"],),
        )
    store.mark_results(
        [{"id": item["id"], "status": "rejected", "error": {"code": UNSENDABLE, "message": "x"}}]
    )
    state.refresh_counts()
    return hh, item


async def test_unsendable_entry_is_shown_and_its_bad_number_can_be_typed_again(session, head_state):
    t = head_state.t
    hh, item = _unsendable_visit(head_state)
    head_state.nav.root("sync")
    view = head_state.page.views[-1]
    assert find(view, key=f"rejected-{item['id']}")
    assert f"{t('reject.unsendable')}（{UNSENDABLE}）" in texts(view)
    assert hh["address"] in one(view, f"rejected-summary-{item['id']}").value

    await click(session, one(view, f"resend-{item['id']}"))
    dialog = session.page._dialogs.controls[-1]
    # the NaN answer is offered again under its question, to be typed anew
    answer = one(dialog, "edit-answer-household_size")
    question = head_state.store.checklist()["questions"][0]
    assert question["key"] == "household_size" and answer.label == t.text(question["label"])

    for typed, refused in [("", "field"), ("nan", "field"), ("31", "rules")]:
        answer.value = typed
        await click(session, one(dialog, "resend-confirm"))
        assert session.page._dialogs.controls[-1] is dialog and dialog.open, typed
        if refused == "field":
            assert answer.error == t("visit.number_invalid"), typed
        else:  # the question's max is 30: the shared rules say no, in words
            assert one(dialog, "edit-message").value == t("sync.resend_invalid")
            assert one(dialog, "edit-message").visible
        [still] = head_state.store.rejected()
        assert still["id"] == item["id"] and still["code"] == UNSENDABLE
        assert head_state.store.outbox_counts()["pending"] == 0

    answer.value = "3"
    await click(session, one(dialog, "resend-confirm"))
    assert head_state.store.rejected() == []
    [queued] = [m for m in head_state.store.outbox_batch(100) if m["id"] == item["id"]]
    assert queued["payload"]["answers"] == {"household_size": 3}


async def test_unsendable_entry_can_be_discarded(session, head_state):
    hh, item = _unsendable_visit(head_state)
    head_state.nav.root("sync")
    await click(session, one(head_state.page.views[-1], f"discard-{item['id']}"))
    await click(session, one(session.page._dialogs.controls[-1], "discard-confirm"))
    assert head_state.store.rejected() == []
    assert all(v["pending"] is False for v in head_state.store.visits(hh["id"]))
