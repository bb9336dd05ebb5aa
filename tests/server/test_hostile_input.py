"""What a careless or hostile phone can send: every bad value is refused per mutation, with a
code and words, never a 500 for the batch, and never stored where a pull would choke on it.
On SQLite and PostgreSQL (whose text refuses NUL and whose UTF-8 refuses lone surrogates)."""

from __future__ import annotations

import json

import pytest

from tests.server.helpers import concern, mutation, ok, transition, uid, visit


async def push_text(api, text: str):
    """POST a hand-written JSON body (NaN, 1e999, escapes no encoder would write)."""
    return await api.client.post(
        "/api/v1/sync/push",
        content=text.encode(),
        headers={**api.headers, "content-type": "application/json"},
    )


def body_of(*mutations: dict, marks: dict[str, str] | None = None) -> str:
    """The push body as JSON text, each ``"@mark@"`` string replaced by raw JSON."""
    text = json.dumps({"device_id": "dev-hostile", "mutations": list(mutations)})
    for mark, raw in (marks or {}).items():
        text = text.replace(json.dumps(f"@{mark}@"), raw)
    return text


async def pull_everything(api) -> list[dict]:
    changes, _ = await api.pull_all()
    return changes


@pytest.mark.parametrize(
    "raw", ["NaN", "Infinity", "-Infinity", "1e999", '"\\udc00"', '"a\\u0000b"']
)
async def test_a_visit_with_an_unstorable_answer_is_refused_and_pulls_stay_whole(login, demo, raw):
    head = await login("head01")
    hh = demo.household_of("head01")
    bad = visit(hh, answers={"suggestions": "@bad@"})
    good = visit(hh, answers={"household_size": 2})
    r = await push_text(head, body_of(bad, good, marks={"bad": raw}))
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert ok(results) == ["rejected", "applied"]
    assert results[0]["error"]["code"] == "invalid_payload"
    assert results[0]["error"]["message"].startswith("answers.suggestions: ")
    visit_ids = {c["id"] for c in await pull_everything(head) if c["entity"] == "visit"}
    assert good["entity_id"] in visit_ids and bad["entity_id"] not in visit_ids
    dh = await login(next(u for u, i in demo.users.items() if i["role"] == "district_head"))
    await pull_everything(dh)
    await pull_everything(await login("staff"))


@pytest.mark.parametrize(
    ("answers", "words"),
    [
        ({"suggestions": "长" * 3_500_000}, "bytes"),
        ({f"k{i}": 1 for i in range(20_000)}, "bytes"),
        ({"home_safety": ["none"] * 100_000}, "bytes"),
        ({"suggestions": "长" * 1001}, "1000 characters"),
    ],
    ids=["3.5MB-string", "20000-keys", "100000-items", "1001-chars"],
)
async def test_oversized_answers_are_refused(login, demo, answers, words):
    head = await login("head01")
    hh = demo.household_of("head01")
    m = visit(hh, answers=answers)
    r = await push_text(head, body_of(m))
    if r.status_code == 413:  # the whole body is over MAX_PUSH_BYTES: refused as a whole
        return
    [res] = r.json()["results"]
    assert res["status"] == "rejected" and res["error"]["code"] == "invalid_payload"
    assert words in res["error"]["message"]


async def test_a_payload_just_under_the_push_limit_is_refused_per_mutation(login, demo):
    head = await login("head01")
    hh = demo.household_of("head01")
    big, small = visit(hh, answers={"suggestions": "x" * 1_000_000}), visit(hh)
    results = await head.push(big, small)
    assert ok(results) == ["rejected", "applied"]
    assert "more than 65536" in results[0]["error"]["message"]


@pytest.mark.parametrize(
    ("where", "value", "field"),
    [
        ("payload", {"checklist_version": 2**63}, "checklist_version"),
        ("payload", {"visited_at": "0001-01-01T00:00:00+10:00"}, "visited_at"),
        ("payload", {"visited_at": "9999-12-31T23:59:59-10:00"}, "visited_at"),
        ("envelope", {"created_at": "9999-12-31T23:59:59-10:00"}, "created_at"),
        ("envelope", {"created_at": "0001-01-01T00:00:00+10:00"}, "created_at"),
    ],
)
async def test_values_that_overflowed_the_server_are_refused_per_mutation(
    login, demo, where, value, field
):
    head = await login("head01")
    hh = demo.household_of("head01")
    bad = visit(hh)
    if where == "payload":
        bad["payload"].update(value)
    else:
        bad.update(value)
    results = await head.push(bad, visit(hh))
    assert ok(results) == ["rejected", "applied"]
    assert results[0]["error"]["code"] == "invalid_payload"
    assert results[0]["error"]["message"].startswith(f"{field}: ")


@pytest.mark.parametrize("depth", [989, 990, 995, 5_000, 100_000])
async def test_deeply_nested_json_is_refused_clearly(login, demo, depth):
    head = await login("head01")
    m = visit(demo.household_of("head01"), answers={"k": "@deep@"})
    r = await push_text(head, body_of(m, marks={"deep": "[" * depth + "]" * depth}))
    if r.status_code == 422:
        assert "nested" in r.json()["detail"]
    else:
        assert r.status_code == 200, r.text
        [res] = r.json()["results"]
        assert res["status"] == "rejected" and "nested" in res["error"]["message"]
    await pull_everything(head)


async def test_a_concern_naming_a_visit_to_another_household_is_out_of_scope(login, demo):
    staff, head = await login("staff"), await login("head01")
    mine = demo.household_of("head01")
    elsewhere = visit(demo.household_outside("head01"))
    assert ok(await staff.push(elsewhere)) == ["applied"]
    neighbour_hh = next(h for h in demo.households_by_estate[_estate_of(demo, mine)] if h != mine)
    next_door = visit(neighbour_hh)
    assert ok(await head.push(next_door)) == ["applied"]
    for v in (elsewhere, next_door):
        [r] = await head.push(concern(mine, visit_id=v["entity_id"]))
        assert r["error"]["code"] == "out_of_scope", r
        assert "visit_id" in r["error"]["message"]
    own = visit(mine)
    results = await head.push(own, concern(mine, visit_id=own["entity_id"]))
    assert ok(results) == ["applied", "applied"]


async def test_a_visit_reaching_residents_of_another_household_is_out_of_scope(login, demo):
    head = await login("head01")
    mine = demo.household_of("head01")
    other = next(h for h in demo.residents_by_household if h != mine)
    [r] = await head.push(visit(mine, reached_resident_ids=[demo.resident_in(other)]))
    assert r["error"]["code"] == "out_of_scope"
    assert r["error"]["message"].startswith("reached_resident_ids: ")
    if mine in demo.residents_by_household:
        own = visit(mine, reached_resident_ids=[demo.resident_in(mine)])
        assert ok(await head.push(own)) == ["applied"]


async def test_a_concern_about_a_resident_of_another_household_is_out_of_scope(login, demo):
    head = await login("head01")
    mine = demo.household_of("head01")
    other = next(h for h in demo.residents_by_household if h != mine)
    [r] = await head.push(concern(mine, resident_id=demo.resident_in(other)))
    assert r["error"]["code"] == "out_of_scope"
    [r] = await head.push(concern(mine, resident_id=uid()))
    assert r["error"]["code"] == "unknown_resident"


async def test_a_concern_in_review_can_be_closed_and_reopened(login, demo):
    head = await login("head01")
    district = demo.estate_district[sorted(demo.users["head01"]["estate_ids"])[0]]
    dh = await login(
        next(
            u
            for u, i in demo.users.items()
            if i["role"] == "district_head" and i["district_id"] == district
        )
    )
    c = concern(demo.household_of("head01"))
    assert ok(await head.push(c)) == ["applied"]
    cid = c["entity_id"]
    assert ok(await dh.push(transition(cid, "in_review"), transition(cid, "closed"))) == [
        "applied",
        "applied",
    ]
    state = await head.state()
    assert state[("concern", cid)]["data"]["status"] == "closed"
    assert ok(await head.push(transition(cid, "open"))) == ["applied"]


async def test_a_mutation_type_holding_nul_is_refused_alone(login, demo):
    head = await login("head01")
    hh = demo.household_of("head01")
    results = await head.push(mutation("visit.\x00", {}), visit(hh))
    assert ok(results) == ["rejected", "applied"]
    assert results[0]["error"]["code"] == "unknown_type"
    # a lone surrogate is not a string to the envelope's parser: the batch is refused whole,
    # with the place named, and nothing is applied
    r = await push_text(head, body_of(mutation("visit.\udc00", {}), visit(hh)))
    assert r.status_code == 422 and "type" in r.text


def _estate_of(demo, household_id: str) -> str:
    return next(e for e, hhs in demo.households_by_estate.items() if household_id in hhs)
