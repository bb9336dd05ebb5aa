"""The phone store takes the office's workflow as it is pulled: concerns with assignee, due
date and call-back, decision events with their detail, and review meetings (which this app
version keeps no table for) without failing the page."""

from __future__ import annotations

from tests.services.pages import change, uid


def test_workflow_fields_and_meetings_are_taken_from_a_pull(store, community):
    concern_id, meeting_id = uid(), uid()
    concern = {
        "id": concern_id,
        "household_id": community.h1["id"],
        "kind": "request",
        "category": "设施维修",
        "description": "楼道灯坏了",
        "status": "resolved",
        "created_by": uid(),
        "created_by_name": "周美华",
        "created_at": "2026-11-20T02:00:00.000000+00:00",
        "updated_at": "2026-11-24T02:00:00.000000+00:00",
        "assignee_id": uid(),
        "assignee_name": "陈建国",
        "due_date": "2026-11-25",
        "resolved_at": "2026-11-24T02:00:00.000000+00:00",
        "callback": "basically_satisfied",
        "callback_at": "2026-11-26T02:00:00.000000+00:00",
    }
    decision = {
        "id": uid(),
        "concern_id": concern_id,
        "user_id": concern["assignee_id"],
        "user_name": "陈建国",
        "action": "decision",
        "from_status": "in_review",
        "to_status": "resolved",
        "text": "物业已修复",
        "created_at": "2026-11-24T02:00:00.000000+00:00",
        "detail": {"meeting_id": meeting_id, "decision": "resolve"},
    }
    meeting = {
        "id": meeting_id,
        "title": "11月研判会",
        "district_id": community.district["id"],
        "held_at": "2026-11-24T01:00:00.000000+00:00",
        "status": "closed",
        "minutes": "",
        "created_by": concern["assignee_id"],
        "created_by_name": "陈建国",
        "created_at": "2026-11-24T01:00:00.000000+00:00",
        "updated_at": "2026-11-24T03:00:00.000000+00:00",
        "items": [{"concern_id": concern_id, "position": 0, "decision": "resolve"}],
        "version": 3,
    }
    store.apply_pull_page(
        [
            change("concern", concern, version=4),
            change("concern_event", decision),
            change("review_meeting", meeting, version=3),
        ],
        "c2",
    )
    got = store.concern(concern_id)
    assert (got["due_date"], got["assignee_name"], got["callback"]) == (
        "2026-11-25",
        "陈建国",
        "basically_satisfied",
    )
    (event,) = [e for e in store.concern_events(concern_id) if e["action"] == "decision"]
    assert event["detail"] == {"meeting_id": meeting_id, "decision": "resolve"}
