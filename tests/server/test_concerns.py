"""The concern state machine over push, and the events it leaves."""

from __future__ import annotations

from tests.server.helpers import concern, mutation, ok, transition


async def _district_head_for(login, demo, username):
    district = demo.estate_district[sorted(demo.users[username]["estate_ids"])[0]]
    name = next(
        u
        for u, i in demo.users.items()
        if i["role"] == "district_head" and i["district_id"] == district
    )
    return await login(name)


async def test_full_life_of_a_concern(login, demo):
    head = await login("head01")
    dh = await _district_head_for(login, demo, "head01")
    c = concern(demo.household_of("head01"), kind="complaint")
    cid = c["entity_id"]
    assert ok(await head.push(c)) == ["applied"]

    # a head cannot take it into review; open -> resolved skips a step
    r = await head.push(transition(cid, "in_review"))
    assert r[0]["error"]["code"] == "forbidden"
    r = await dh.push(transition(cid, "resolved"))
    assert r[0]["error"]["code"] == "invalid_transition"

    steps = [
        (dh, transition(cid, "in_review", "研判会")),
        (dh, transition(cid, "referred", "转街道")),
        (head, transition(cid, "open", "居民说没修好")),  # heads may reopen
        (dh, transition(cid, "in_review")),
        (dh, transition(cid, "closed")),
    ]
    for api, m in steps:
        assert ok(await api.push(m)) == ["applied"], m
    comment = mutation("concern.comment", {"concern_id": cid, "text": "已联系物业"})
    assert ok(await head.push(comment)) == ["applied"]

    state = await head.state()
    data = state[("concern", cid)]["data"]
    assert data["status"] == "closed" and data["created_by"] == head.user["id"]
    assert state[("concern", cid)]["version"] == 1 + 5
    events = sorted(
        (
            ch["data"]
            for (e, _), ch in state.items()
            if e == "concern_event" and ch["data"]["concern_id"] == cid
        ),
        key=lambda d: d["created_at"],
    )
    assert [e["action"] for e in events] == ["created"] + ["transition"] * 5 + ["comment"]
    assert [e["to_status"] for e in events[1:6]] == [
        "in_review",
        "referred",
        "open",
        "in_review",
        "closed",
    ]
    ids = {e["id"] for e in events}
    for _, m in steps:
        assert m["entity_id"] in ids  # each event's id is its mutation's entity_id
    assert comment["entity_id"] in ids
    assert events[2]["user_name"] == dh.user["name"] and events[2]["text"] == "转街道"


async def test_transitions_in_one_batch_follow_request_order(login, demo):
    staff = await login("staff")
    c = concern(demo.household_of("head01"))
    cid = c["entity_id"]
    results = await staff.push(
        c,
        transition(cid, "in_review"),
        transition(cid, "in_review"),  # already in review: invalid now
        transition(cid, "resolved"),
    )
    assert ok(results) == ["applied", "applied", "rejected", "applied"]
    assert results[2]["error"]["code"] == "invalid_transition"


async def test_concern_on_someone_else_s_resident_is_refused(login, demo):
    head = await login("head01")
    mine = demo.household_of("head01")
    other_hh = next(h for h in demo.residents_by_household if h != mine)
    c = concern(mine, resident_id=demo.resident_in(other_hh))
    [r] = await head.push(c)
    assert r["error"]["code"] == "out_of_scope"


async def test_transition_of_a_concern_outside_scope(login, demo):
    staff, head = await login("staff"), await login("head01")
    c = concern(demo.household_outside("head01"))
    await staff.push(c)
    [r] = await head.push(transition(c["entity_id"], "open"))
    assert r["error"]["code"] == "out_of_scope"
    [r] = await head.push(mutation("concern.comment", {"concern_id": c["entity_id"], "text": "x"}))
    assert r["error"]["code"] == "out_of_scope"
