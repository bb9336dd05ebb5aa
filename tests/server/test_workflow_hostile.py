"""The concern workflow's mutation types under hostile input: assignments, call-backs and
meeting steps, each spoiled by hypothesis (the hostile JSON of test_hostile_property), pushed
by staff to a real server process on SQLite and PostgreSQL, never answer a 5xx, and every
row they store still pulls."""

from __future__ import annotations

import datetime as dt
import uuid

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from server.db.schema import changes
from tests.server.helpers import Demo
from tests.server.test_hostile_property import (  # noqa: F401 - live is a fixture
    API,
    ENVELOPE_KEYS,
    RAW_VALUES,
    RUN,
    Puller,
    _body,
    _spoil,
    live,
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
    _, clients = request.getfixturevalue("live")  # the real server, as test_hostile_property
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
            _spoil(m, edits, marks)
            batch.append(m)
        r = staff.post(
            f"{API}/sync/push",
            content=_body(batch, marks),
            headers={"content-type": "application/json"},
        )
        assert r.status_code < 500, r.text[:500]
        assert r.status_code in (200, 413, 422), r.text[:500]
        if r.status_code == 200:
            for res in r.json()["results"]:
                outcomes.add(res["status"])
                if res["status"] == "rejected":
                    assert res["error"]["code"] and res["error"]["message"]
        puller.pull()

    push_hostile()
    assert {"applied", "rejected"} <= outcomes  # both kinds of outcome were exercised
    everything = Puller(staff)
    everything.pull()
    with engine.connect() as conn:
        logged = conn.execute(select(func.count()).select_from(changes)).scalar_one()
    assert len(everything.seen) == logged
