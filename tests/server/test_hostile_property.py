"""No input gives a 5xx, and nothing stored can break a pull: hostile JSON (NaN, infinities,
1e999, huge and 64-bit-overflowing integers, lone surrogates, NUL, deep nesting, huge
strings, unknown keys, wrong types, timestamps at the ends of time) thrown by hypothesis at
``POST /sync/push``, ``GET /sync/pull`` and the public form of a real server process over
real HTTP, on SQLite and PostgreSQL. After every push the pushing head and staff pull what
changed; at the end staff pull everything from the start and get every row the change log
holds, so no stored row was skipped or refused."""

from __future__ import annotations

import re
import uuid
from urllib.parse import quote

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from server.db.schema import questionnaires
from tests.questionnaires.conftest import VALID_RESIDENT_INFO
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

TOKEN_RE = re.compile(r'name="_token" value="([^"]+)"')

PAYLOAD_KEYS = [
    "household_id",
    "visited_at",
    "method",
    "people_reached",
    "checklist_version",
    "answers",
    "notes",
    "follow_up_date",
    "reached_resident_ids",
    "resident_id",
    "visit_id",
    "kind",
    "category",
    "description",
    "concern_id",
    "to_status",
    "text",
    "base_version",
    "fields",
    "name",
    "phone",
    "flags",
    "surplus",
]
ANSWER_KEYS = ["household_size", "suggestions", "officials_conduct", "home_safety", "x\u00e9", "k"]

edit = st.tuples(
    # the envelope less often: most of its edits make the whole body a 422
    st.sampled_from(["envelope", "payload", "payload", "answers", "answers", "fields"]),
    st.sampled_from(ENVELOPE_KEYS + PAYLOAD_KEYS + ANSWER_KEYS),
    RAW_VALUES,
)
mutation_plan = st.tuples(
    st.sampled_from(["visit", "concern", "comment", "household", "resident", "transition"]),
    st.lists(edit, max_size=3),
)


def _now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).isoformat()


def _mutation(kind: str, hh: str, resident: str | None, concern_id: str) -> dict:
    """A valid mutation of ``kind`` for household ``hh``: the base every edit spoils."""
    payloads = {
        "visit": (
            "visit.record",
            {
                "household_id": hh,
                "visited_at": _now(),
                "method": "in_person",
                "people_reached": 1,
                "checklist_version": 1,
                "answers": {"household_size": 2},
                "notes": "",
            },
        ),
        "concern": (
            "concern.create",
            {"household_id": hh, "kind": "request", "category": "repair", "description": "灯"},
        ),
        "comment": ("concern.comment", {"concern_id": concern_id, "text": "已联系"}),
        "household": ("household.update", {"base_version": 1, "fields": {"note": "n"}}),
        "resident": ("resident.create", {"household_id": hh, "name": "王"}),
        "transition": (
            "concern.transition",
            {"concern_id": concern_id, "to_status": "open", "note": ""},
        ),
    }
    mtype, payload = payloads[kind]
    entity = hh if kind == "household" else str(uuid.uuid4())
    return {
        "id": str(uuid.uuid4()),
        "type": mtype,
        "entity_id": entity,
        "payload": payload,
        "created_at": _now(),
    }


def test_hostile_pushes_never_500_and_every_stored_row_pulls(live, engine, demo: Demo):
    _, clients = live
    head, staff = clients["head01"], clients["staff"]
    hh = demo.household_of("head01")
    resident = demo.residents_by_household.get(hh, [None])[0]
    base = _mutation("concern", hh, resident, "")
    r = head.post(f"{API}/sync/push", json={"device_id": "dev-hostile", "mutations": [base]})
    assert r.json()["results"][0]["status"] == "applied"
    concern_id = base["entity_id"]
    pullers = [Puller(head), Puller(staff)]
    applied: set[str] = set()
    refused: list[str] = []

    @settings(RUN, max_examples=60)
    @given(plans=st.lists(mutation_plan, min_size=1, max_size=4))
    def push_hostile(plans):
        marks: dict[str, str] = {}
        batch = []
        for kind, edits in plans:
            m = _mutation(kind, hh, resident, concern_id)
            spoil(m, edits, marks)
            batch.append(m)
        results = push_spoiled(head, batch, marks)
        for res, m in zip(results, batch, strict=False):
            if res["status"] == "rejected":
                refused.append(res["error"]["code"])
            elif res["status"] == "applied" and m["type"] != "household.update":
                applied.add(m["entity_id"])
        for p in pullers:
            p.pull()

    push_hostile()
    assert applied and refused  # both kinds of outcome were exercised

    @RUN
    @given(cursor=st.text(max_size=60), limit=st.text(max_size=12))
    def pull_hostile(cursor, limit):
        r = head.get(f"{API}/sync/pull", params={"cursor": cursor, "limit": limit})
        assert r.status_code < 500, r.text[:500]

    pull_hostile()

    everything = assert_everything_pulls(staff, engine)
    assert applied <= {i for _, i in everything.seen}


FORM_VALUES = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40).map(quote),
    st.sampled_from(
        ["%00", "a%00b", "%ED%B0%80", "%FF%FE", "1e999", "nan", "-inf", "9" * 400, "x" * 5000]
    ),
)
FORM_KEYS = st.sampled_from(
    ["address", "name", "phone", "people_count", "has_elderly", "housing", "note", "zz", "_lang"]
)


def test_hostile_form_posts_never_500_and_answers_pull(live, engine):
    proc, clients = live
    with engine.connect() as conn:
        slugs = sorted(conn.execute(select(questionnaires.c.slug)).scalars())
    form = httpx.Client(base_url=proc.url, timeout=60)
    staff = Puller(clients["staff"])
    outcomes: dict[int, int] = {}

    @settings(RUN, max_examples=30)
    @given(
        slug=st.sampled_from(slugs) | st.just("resident-info"),
        fields=st.lists(st.tuples(FORM_KEYS, FORM_VALUES), max_size=12),
        client_no=st.integers(0, 2**24),
    )
    def post_hostile(slug, fields, client_no):
        # each example comes from its own address, so the spam limit does not stop it early
        ip = {"X-Forwarded-For": f"10.{client_no >> 16}.{(client_no >> 8) & 255}.{client_no & 255}"}
        page = form.get(f"/q/{slug}", headers=ip)
        assert page.status_code < 500
        token = TOKEN_RE.search(page.text)
        # hostile fields first (the form reads a field's first value), then a valid answer to
        # the rest, so that some submissions are stored and must pull
        valid = VALID_RESIDENT_INFO if slug == "resident-info" else {}
        body = "&".join(
            [f"{k}={v}" for k, v in fields] + [f"{k}={quote(v)}" for k, v in valid.items()]
        )
        if token:
            body = f"_token={quote(token.group(1))}&" + body
        r = form.post(
            f"/q/{slug}",
            content=body.encode(),
            headers={**ip, "content-type": "application/x-www-form-urlencoded"},
        )
        assert r.status_code < 500, r.text[:500]
        outcomes[r.status_code] = outcomes.get(r.status_code, 0) + 1
        staff.pull()

    try:
        post_hostile()
    finally:
        form.close()
    assert outcomes.get(303), outcomes  # some answers were stored, and pulled above
