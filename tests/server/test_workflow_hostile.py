"""The concern workflow's mutation types under hostile input: assignments, call-backs and
meeting steps, each spoiled by hypothesis (the hostile JSON of tests/server/hostile.py), pushed
by staff to a real server process on SQLite and PostgreSQL, never answer a 5xx, and every
row they store still pulls."""

from __future__ import annotations

import datetime as dt
import uuid

from hypothesis import given
from hypothesis import strategies as st

from tests.server.helpers import Demo
from tests.server.hostile import (
    API,
    ENVELOPE_KEYS,
    RAW_VALUES,
    RUN,
    Puller,
    assert_everything_pulls,
    push_spoiled,
    spoil,
)

WORKFLOW_KEYS = [
    "concern_id",
    "assignee_id",
    "due_date",
    "note",
    "outcome",
    "title",
    "held_at",
    "district_id",
    "agenda",
    "meeting_id",
    "decision",
    "department",
    "merge_into",
    "minutes",
    "surplus",
]
edit = st.tuples(
    st.sampled_from(["envelope", "payload", "payload", "payload"]),
    st.sampled_from(ENVELOPE_KEYS + WORKFLOW_KEYS),
    RAW_VALUES,
)
plan = st.tuples(
    st.sampled_from(["assign", "callback", "open", "decide", "close"]),
    st.lists(edit, max_size=3),
)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def _mutation(kind: str, concerns: list[str], meeting: str, staff_id: str) -> dict:
    """A valid mutation of ``kind`` on the fixed concerns and meeting: the base every edit
    spoils."""
    a, b = concerns
    payloads = {
        "assign": ("concern.assign", {"concern_id": a, "assignee_id": staff_id, "due_date": "2026-12-31"}),
        "callback": ("concern.callback", {"concern_id": b, "outcome": "satisfied"}),
        "open": ("meeting.open", {"title": "研判会", "held_at": _now(), "agenda": [a, b]}),
        "decide": ("meeting.decide", {"meeting_id": meeting, "concern_id": a, "decision": "refer", "department": "街道"}),
        "close": ("meeting.close", {"minutes": "纪要"}),
    }  # fmt: skip
    mtype, payload = payloads[kind]
    entity = meeting if kind == "close" else str(uuid.uuid4())
    return {
        "id": str(uuid.uuid4()),
        "type": mtype,
        "entity_id": entity,
        "payload": payload,
        "created_at": _now(),
    }


def test_hostile_workflow_pushes_never_500_and_every_stored_row_pulls(request, engine, demo: Demo):
    _, clients = request.getfixturevalue("live")  # the real server of tests/server/hostile.py
    staff = clients["staff"]
    staff_id = next(i["id"] for u, i in demo.users.items() if u == "staff")
    hh = demo.household_of("head01")
    made = [
        {
            "id": str(uuid.uuid4()),
            "type": "concern.create",
            "entity_id": str(uuid.uuid4()),
            "payload": {"household_id": hh, "kind": "request", "category": "设施维修",
                        "description": "楼道灯坏了"},
            "created_at": _now(),
        }
        for _ in range(2)
    ]  # fmt: skip
    concerns = [m["entity_id"] for m in made]
    meeting = str(uuid.uuid4())
    opened = _mutation("open", concerns, meeting, staff_id)
    opened["entity_id"] = meeting
    r = staff.post(f"{API}/sync/push", json={"device_id": "dev-hostile", "mutations": made})
    assert [x["status"] for x in r.json()["results"]] == ["applied", "applied"]
    r = staff.post(f"{API}/sync/push", json={"device_id": "dev-hostile", "mutations": [opened]})
    assert r.json()["results"][0]["status"] == "applied"
    puller = Puller(staff)
    outcomes: set[str] = set()

    @RUN
    @given(plans=st.lists(plan, min_size=1, max_size=4))
    def push_hostile(plans):
        marks: dict[str, str] = {}
        batch = []
        for kind, edits in plans:
            m = _mutation(kind, concerns, meeting, staff_id)
            spoil(m, edits, marks)
            batch.append(m)
        outcomes.update(res["status"] for res in push_spoiled(staff, batch, marks))
        puller.pull()

    push_hostile()
    assert {"applied", "rejected"} <= outcomes  # both kinds of outcome were exercised
    assert_everything_pulls(staff, engine)
