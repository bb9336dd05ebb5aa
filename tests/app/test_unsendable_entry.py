"""An entry the phone could not send (``unsendable``) shows on the sync screen like a server
rejection: why, in the catalogue's words, with Resend (checked again, refused in words while
still unsendable) or Discard."""

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


async def test_unsendable_entry_is_shown_and_a_resend_that_is_still_bad_is_refused(
    session, head_state
):
    t = head_state.t
    hh, item = _unsendable_visit(head_state)
    head_state.nav.root("sync")
    view = head_state.page.views[-1]
    assert find(view, key=f"rejected-{item['id']}")
    assert f"{t('reject.unsendable')}（{UNSENDABLE}）" in texts(view)
    assert hh["address"] in one(view, f"rejected-summary-{item['id']}").value

    await click(session, one(view, f"resend-{item['id']}"))
    dialog = session.page._dialogs.controls[-1]
    await click(session, one(dialog, "resend-confirm"))
    assert session.page._dialogs.controls[-1] is dialog and dialog.open, "the dialog stays"
    assert one(dialog, "edit-message").visible
    assert one(dialog, "edit-message").value == t("sync.resend_invalid")
    [still] = head_state.store.rejected()
    assert still["id"] == item["id"] and still["code"] == UNSENDABLE
    assert head_state.store.outbox_counts()["pending"] == 0


async def test_unsendable_entry_can_be_discarded(session, head_state):
    hh, item = _unsendable_visit(head_state)
    head_state.nav.root("sync")
    await click(session, one(head_state.page.views[-1], f"discard-{item['id']}"))
    await click(session, one(session.page._dialogs.controls[-1], "discard-confirm"))
    assert head_state.store.rejected() == []
    assert all(v["pending"] is False for v in head_state.store.visits(hh["id"]))
