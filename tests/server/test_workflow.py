"""The office's concern workflow over push: assignment and due dates, call-backs, review
meetings with one decision per concern; who may do each, and what a phone pulls."""

from __future__ import annotations

import datetime as dt

from tests.server.helpers import concern, mutation, ok, transition


def assign(concern_id: str, **fields) -> dict:
    return mutation("concern.assign", {"concern_id": concern_id, **fields})


def callback(concern_id: str, outcome: str, note: str = "") -> dict:
    return mutation(
        "concern.callback", {"concern_id": concern_id, "outcome": outcome, "note": note}
    )


def meeting_open(agenda: list[str], district_id: str | None = None, **fields) -> dict:
    payload = {
        "title": "11月诉求分析研判会",
        "held_at": dt.datetime.now(dt.UTC).isoformat(),
        "agenda": agenda,
        **fields,
    }
    if district_id is not None:
        payload["district_id"] = district_id
    return mutation("meeting.open", payload)


def decide(meeting_id: str, concern_id: str, decision: str, **fields) -> dict:
    return mutation(
        "meeting.decide",
        {"meeting_id": meeting_id, "concern_id": concern_id, "decision": decision, **fields},
    )


def close(meeting_id: str, minutes: str = "") -> dict:
    return mutation("meeting.close", {"minutes": minutes}, entity_id=meeting_id)


def codes(results: list[dict]) -> list[str]:
    return [r["error"]["code"] if r["error"] else r["status"] for r in results]


def district_head_of(demo, username: str) -> str:
    district = demo.estate_district[sorted(demo.users[username]["estate_ids"])[0]]
    return next(
        u
        for u, i in demo.users.items()
        if i["role"] == "district_head" and i["district_id"] == district
    )


def other_district_head(demo, username: str) -> str:
    mine = district_head_of(demo, username)
    return next(u for u, i in demo.users.items() if i["role"] == "district_head" and u != mine)


async def _raise(api, household_id: str, n: int = 1, **fields) -> list[str]:
    made = [concern(household_id, **fields) for _ in range(n)]
    assert ok(await api.push(*made)) == ["applied"] * n
    return [c["entity_id"] for c in made]


def _events(state, concern_id: str) -> list[dict]:
    return sorted(
        (
            ch["data"]
            for (e, _), ch in state.items()
            if e == "concern_event" and ch["data"]["concern_id"] == concern_id
        ),
        key=lambda d: (d["created_at"], d["action"] != "created"),
    )


# ---- assignment ----------------------------------------------------------------------------


async def test_assignment_sets_assignee_and_due_date_and_is_in_the_history(login, demo):
    head = await login("head01")
    dh = await login(district_head_of(demo, "head01"))
    (cid,) = await _raise(head, demo.household_of("head01"))
    m = assign(cid, assignee_id=dh.user["id"], due_date="2026-12-10", note="请物业三日内修复")
    assert ok(await dh.push(m)) == ["applied"]
    state = await head.state()  # the head who raised it sees it too
    data = state[("concern", cid)]["data"]
    assert (data["assignee_id"], data["assignee_name"], data["due_date"]) == (
        dh.user["id"],
        dh.user["name"],
        "2026-12-10",
    )
    assert data["status"] == "open" and state[("concern", cid)]["version"] == 2
    last = _events(state, cid)[-1]
    assert (last["id"], last["action"], last["text"], last["user_name"]) == (
        m["entity_id"],
        "assign",
        "请物业三日内修复",
        dh.user["name"],
    )
    assert last["detail"] == {"assignee_id": dh.user["id"], "due_date": "2026-12-10"}

    # only the due date changes; the assignee stays
    assert ok(await dh.push(assign(cid, due_date="2026-12-20"))) == ["applied"]
    data = (await head.state())[("concern", cid)]["data"]
    assert (data["assignee_id"], data["due_date"]) == (dh.user["id"], "2026-12-20")


async def test_assignee_must_be_staff_or_the_concerns_district_head(login, demo):
    head, staff = await login("head01"), await login("staff")
    (cid,) = await _raise(head, demo.household_of("head01"))
    elsewhere = demo.users[other_district_head(demo, "head01")]["id"]
    results = await staff.push(
        assign(cid, assignee_id=head.user["id"]),
        assign(cid, assignee_id=elsewhere),
        assign(cid, assignee_id="00000000-0000-4000-8000-000000000000"),
        assign(cid, note="nothing to set"),
        assign(cid, assignee_id=staff.user["id"]),
    )
    assert codes(results) == [
        "unknown_user",
        "unknown_user",
        "unknown_user",
        "invalid_payload",
        "applied",
    ]
    data = (await staff.state())[("concern", cid)]["data"]
    assert data["assignee_id"] == staff.user["id"] and data["version"] == 2


async def test_heads_may_not_run_the_workflow(login, demo):
    head = await login("head01")
    (cid,) = await _raise(head, demo.household_of("head01"))
    results = await head.push(
        assign(cid, due_date="2026-12-01"),
        callback(cid, "satisfied"),
        meeting_open([cid]),
    )
    assert codes(results) == ["forbidden"] * 3
    state = await head.state()
    assert state[("concern", cid)]["version"] == 1
    assert not [k for k in state if k[0] == "review_meeting"]


async def test_a_district_head_works_only_in_their_district(login, demo):
    staff = await login("staff")
    other = await login(other_district_head(demo, "head01"))
    (cid,) = await _raise(staff, demo.household_of("head01"))
    results = await other.push(
        assign(cid, assignee_id=other.user["id"]),
        meeting_open([cid]),
        meeting_open(
            [cid], district_id=demo.users[district_head_of(demo, "head01")]["district_id"]
        ),
    )
    assert codes(results) == ["out_of_scope"] * 3


async def test_finished_concerns_are_not_assigned(login, demo):
    staff = await login("staff")
    (cid,) = await _raise(staff, demo.household_of("head01"))
    assert ok(await staff.push(transition(cid, "in_review"), transition(cid, "closed"))) == [
        "applied",
        "applied",
    ]
    assert codes(await staff.push(assign(cid, due_date="2026-12-01"))) == ["invalid_transition"]


# ---- call-backs ----------------------------------------------------------------------------


async def test_call_back_records_the_verdict_and_dissatisfied_reopens(login, demo):
    head = await login("head01")
    dh = await login(district_head_of(demo, "head01"))
    pleased, unhappy, unresolved = await _raise(head, demo.household_of("head01"), 3)
    for cid in (pleased, unhappy):
        assert ok(await dh.push(transition(cid, "in_review"), transition(cid, "resolved"))) == [
            "applied",
            "applied",
        ]
    results = await dh.push(
        callback(pleased, "satisfied", "居民表示满意"),
        callback(unhappy, "dissatisfied", "灯还是不亮"),
        callback(unresolved, "satisfied"),
    )
    assert codes(results) == ["applied", "applied", "invalid_transition"]

    state = await head.state()  # the head who raised them sees the outcome
    good = state[("concern", pleased)]["data"]
    assert (good["status"], good["callback"]) == ("resolved", "satisfied")
    assert good["resolved_at"] is not None and good["callback_at"] is not None
    bad = state[("concern", unhappy)]["data"]
    assert (bad["status"], bad["callback"], bad["resolved_at"]) == ("open", "dissatisfied", None)
    last = _events(state, unhappy)[-1]
    assert (last["action"], last["from_status"], last["to_status"], last["detail"]) == (
        "callback",
        "resolved",
        "open",
        {"outcome": "dissatisfied"},
    )
    # a reopened concern is worked on again: a second call-back waits for a new resolution
    assert codes(await dh.push(callback(unhappy, "satisfied"))) == ["invalid_transition"]
    assert codes(await head.push(callback(pleased, "basically_satisfied"))) == ["forbidden"]


# ---- review meetings ----------------------------------------------------------------------


async def test_a_review_meeting_decides_each_concern_once_and_keeps_minutes(login, demo):
    head, staff = await login("head01"), await login("staff")
    dh = await login(district_head_of(demo, "head01"))
    district = demo.users[district_head_of(demo, "head01")]["district_id"]
    fix, refer, follow, dup, original = await _raise(head, demo.household_of("head01"), 5)
    assert ok(await dh.push(transition(refer, "in_review"))) == ["applied"]
    agenda = [fix, refer, follow, dup, original]
    opened = meeting_open(agenda)
    mid = opened["entity_id"]
    assert ok(await dh.push(opened)) == ["applied"]

    state = await dh.state()
    meeting = state[("review_meeting", mid)]["data"]
    assert meeting["district_id"] == district and meeting["status"] == "open"
    assert [i["concern_id"] for i in meeting["items"]] == agenda
    assert all(i["decision"] is None for i in meeting["items"])
    # the agenda's open concerns are now in review; the one already in review has no new event
    assert {state[("concern", c)]["data"]["status"] for c in agenda} == {"in_review"}
    assert len(_events(state, refer)) == 2

    decisions = [
        decide(mid, fix, "resolve", note="物业已修复"),
        decide(mid, refer, "refer", department="城管中队"),
        decide(mid, follow, "assign", assignee_id=staff.user["id"], due_date="2026-12-15"),
        decide(mid, dup, "merge", merge_into=original, note="同一楼道灯"),
    ]
    assert ok(await dh.push(*decisions)) == ["applied"] * 4
    again = await staff.push(
        decide(mid, fix, "refer", department="街道"),  # already decided here
        decide(mid, "00000000-0000-4000-8000-000000000000", "resolve"),  # not on the agenda
    )
    assert codes(again) == ["invalid_transition", "unknown_concern"]
    assert ok(await staff.push(close(mid, "## 纪要\n五件诉求，四件已研判。"))) == ["applied"]
    assert codes(await dh.push(decide(mid, original, "resolve"))) == ["invalid_transition"]
    assert codes(await dh.push(close(mid))) == ["invalid_transition"]

    state = await head.state()  # heads of the district see the meeting and the outcomes
    meeting = state[("review_meeting", mid)]["data"]
    assert meeting["status"] == "closed" and meeting["minutes"].startswith("## 纪要")
    items = {i["concern_id"]: i for i in meeting["items"]}
    assert items[fix]["decision"] == "resolve" and items[fix]["decided_by"] == dh.user["id"]
    assert items[refer]["department"] == "城管中队"
    assert (items[follow]["assignee_id"], items[follow]["due_date"]) == (
        staff.user["id"],
        "2026-12-15",
    )
    assert items[dup]["merged_into"] == original and items[original]["decision"] is None
    data = {c: state[("concern", c)]["data"] for c in agenda}
    assert data[fix]["status"] == "resolved" and data[fix]["resolved_at"] is not None
    assert (data[refer]["status"], data[refer]["referred_to"]) == ("referred", "城管中队")
    assert (data[follow]["status"], data[follow]["assignee_id"], data[follow]["due_date"]) == (
        "in_review",
        staff.user["id"],
        "2026-12-15",
    )
    assert (data[dup]["status"], data[dup]["merged_into"]) == ("closed", original)
    decision = _events(state, fix)[-1]
    assert (decision["action"], decision["from_status"], decision["to_status"]) == (
        "decision",
        "in_review",
        "resolved",
    )
    assert decision["detail"] == {"meeting_id": mid, "decision": "resolve"}


async def test_an_agenda_holds_only_unfinished_concerns_of_the_meetings_place(login, demo):
    staff = await login("staff")
    dh = await login(district_head_of(demo, "head01"))
    (mine,) = await _raise(staff, demo.household_of("head01"))
    (done,) = await _raise(staff, demo.household_of("head01"))
    assert ok(await staff.push(transition(done, "in_review"), transition(done, "closed"))) == [
        "applied",
        "applied",
    ]
    other_district = demo.users[other_district_head(demo, "head01")]["district_id"]
    (theirs,) = await _raise(staff, demo.household_in_district(other_district))
    unknown = "00000000-0000-4000-8000-000000000000"
    results = await dh.push(
        meeting_open([mine, theirs]),
        meeting_open([mine, done]),
        meeting_open([mine, unknown]),
        meeting_open([mine, mine]),
        meeting_open([]),
        decide(unknown, mine, "resolve"),
    )
    assert codes(results) == [
        "out_of_scope",
        "invalid_transition",
        "unknown_concern",
        "invalid_payload",
        "invalid_payload",
        "unknown_meeting",
    ]
    assert (await dh.state())[("concern", mine)]["data"]["status"] == "open"  # nothing moved
    # staff may hold a meeting for the whole community: only staff pull it
    community = meeting_open([mine, theirs])
    assert ok(await staff.push(community)) == ["applied"]
    assert ("review_meeting", community["entity_id"]) in await staff.state()
    assert ("review_meeting", community["entity_id"]) not in await dh.state()
    assert codes(await dh.push(decide(community["entity_id"], mine, "resolve"))) == ["out_of_scope"]


async def test_a_meeting_is_pulled_in_its_district_only(login, demo):
    dh = await login(district_head_of(demo, "head01"))
    other = await login(other_district_head(demo, "head01"))
    (cid,) = await _raise(dh, demo.household_of("head01"))
    m = meeting_open([cid])
    assert ok(await dh.push(m)) == ["applied"]
    assert ("review_meeting", m["entity_id"]) in await dh.state()
    assert ("review_meeting", m["entity_id"]) not in await other.state()


async def test_merge_keeps_one_level(login, demo):
    staff = await login("staff")
    a, b, c = await _raise(staff, demo.household_of("head01"), 3)
    m = meeting_open([a, b, c])
    mid = m["entity_id"]
    assert ok(await staff.push(m)) == ["applied"]
    results = await staff.push(
        decide(mid, a, "merge", merge_into=a),  # into itself
        decide(mid, a, "merge"),  # no target
        decide(mid, a, "refer"),  # no department
        decide(mid, a, "merge", merge_into=b),
        decide(mid, c, "merge", merge_into=a),  # a is itself merged into b
        decide(mid, b, "merge", merge_into=c),  # a is merged into b
    )
    assert codes(results) == [
        "invalid_payload",
        "invalid_payload",
        "invalid_payload",
        "applied",
        "invalid_transition",
        "invalid_transition",
    ]


async def test_two_offices_deciding_the_same_concern_offline_first_one_wins(login, demo):
    staff = await login("staff")
    dh = await login(district_head_of(demo, "head01"))
    (cid,) = await _raise(dh, demo.household_of("head01"))
    m = meeting_open([cid])
    assert ok(await dh.push(m)) == ["applied"]
    mid = m["entity_id"]
    by_dh = decide(mid, cid, "resolve")
    by_staff = decide(mid, cid, "refer", department="街道")
    assert ok(await dh.push(by_dh)) == ["applied"]
    assert codes(await staff.push(by_staff)) == ["invalid_transition"]
    assert ok(await dh.push(by_dh)) == ["duplicate"]  # a resend changes nothing
    state = await staff.state()
    assert state[("concern", cid)]["data"]["status"] == "resolved"
    assert state[("review_meeting", mid)]["version"] == 2


# ---- the office's reads: agenda candidates and minutes --------------------------------------


async def test_agenda_offers_unfinished_concerns_filtered_oldest_first(login, demo):
    staff = await login("staff")
    dh = await login(district_head_of(demo, "head01"))
    hh = demo.household_of("head01")
    week_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=7)).isoformat()
    old = concern(hh, category="设施维修")
    old["created_at"] = week_ago
    new = concern(hh, category="设施维修")
    other = concern(hh, category="停车管理")
    done = concern(hh, category="设施维修")
    assert ok(await staff.push(old, new, other, done)) == ["applied"] * 4
    assert ok(await staff.push(transition(done["entity_id"], "in_review"))) == ["applied"]
    assert ok(await staff.push(transition(done["entity_id"], "closed"))) == ["applied"]
    assert ok(await staff.push(assign(old["entity_id"], due_date="2026-01-05"))) == ["applied"]

    async def ids(api, **params):
        r = await api.client.get("/api/v1/meetings/agenda", params=params, headers=api.headers)
        assert r.status_code == 200, r.text
        return r.json()["concerns"]

    mine = await ids(dh, category="设施维修")
    assert [c["id"] for c in mine] == [old["entity_id"], new["entity_id"]]  # oldest first
    first = mine[0]
    assert first["overdue"] is True and first["age_days"] >= 7 and first["estate_name"]
    assert first["address"] and first["due_date"] == "2026-01-05"
    assert mine[1]["overdue"] is False
    assert [c["id"] for c in await ids(dh, category="设施维修", min_age_days=7)] == [
        old["entity_id"]
    ]
    district = demo.users[district_head_of(demo, "head01")]["district_id"]
    everything = await ids(dh)
    assert {demo.estate_district[c["estate_id"]] for c in everything} == {district}
    assert {c["status"] for c in everything} <= {"open", "in_review"}
    assert done["entity_id"] not in {c["id"] for c in everything}
    assert other["entity_id"] in {c["id"] for c in await ids(staff, district_id=district)}
    head = await login("head01")
    r = await head.client.get("/api/v1/meetings/agenda", headers=head.headers)
    assert r.status_code == 403


async def test_minutes_are_exported_for_the_office_only(login, demo):
    head, staff = await login("head01"), await login("staff")
    dh = await login(district_head_of(demo, "head01"))
    fixed, waiting = await _raise(head, demo.household_of("head01"), 2)
    m = meeting_open([fixed, waiting], title="十一月研判会")
    mid = m["entity_id"]
    assert ok(await dh.push(m)) == ["applied"]
    assert ok(await dh.push(decide(mid, fixed, "refer", department="城管中队", note="占道"))) == [
        "applied"
    ]
    assert ok(await dh.push(close(mid, "下周复查。"))) == ["applied"]

    url = f"/api/v1/meetings/{mid}/minutes"
    r = await dh.client.get(url, headers=dh.headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/markdown")
    assert "attachment" in r.headers["content-disposition"]
    text = r.text
    assert text.startswith("# 十一月研判会")
    assert "转办：城管中队" in text and "占道" in text and "下周复查。" in text
    assert "## 未研判" in text and text.index("## 未研判") < text.index("2. **")
    english = (await staff.client.get(url, params={"lang": "en"}, headers=staff.headers)).text
    assert "referred to 城管中队" in english and "## Not reached" in english
    other = await login(other_district_head(demo, "head01"))
    assert (await other.client.get(url, headers=other.headers)).status_code == 403
    assert (await head.client.get(url, headers=head.headers)).status_code == 403
    missing = "/api/v1/meetings/00000000-0000-4000-8000-000000000000/minutes"
    assert (await staff.client.get(missing, headers=staff.headers)).status_code == 404
