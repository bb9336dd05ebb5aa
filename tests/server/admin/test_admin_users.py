"""Logins administered over the API (staff only): create, reset a password (ends sessions),
disable (ends sessions, no more sign-in), assign estates (the head's pull follows). Bad input
is a 422 naming the problem and writes nothing."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from server.db.schema import users
from tests.server.helpers import Api, latest

URL = "/api/v1/admin/users"


async def _sign_in(app, username: str, password: str) -> httpx.Response:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        return await client.post(
            "/api/v1/auth/login",
            json={"username": username, "password": password, "device_id": "dev-x"},
        )


def _user_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(users)).scalar_one()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/users", None),
        ("POST", "/users", {"username": "x", "name": "x", "role": "head", "password": "x" * 8}),
        ("PUT", "/users/head02/password", {"password": "y" * 8}),
        ("PUT", "/users/head02/active", {"active": False}),
        ("GET", "/places", None),
        ("POST", "/districts", {"name": "新片区"}),
        ("GET", "/questionnaires", None),
        ("PUT", "/questionnaires/elderly-care/active", {"active": False}),
        ("GET", "/checklists", None),
        ("GET", "/reveals", None),
    ],
)
async def test_only_staff_may_administer(login, http, engine, method, path, body):
    head, district = await login("head01"), await login("district1")
    for api in (head, district):
        r = await api.client.request(method, "/api/v1/admin" + path, headers=api.headers, json=body)
        assert r.status_code == 403 and r.json() == {"detail": "staff only"}
    r = await http.request(method, "/api/v1/admin" + path, json=body)
    assert r.status_code == 401
    with engine.connect() as conn:  # nothing was written by the refused requests
        assert conn.execute(select(users.c.active).where(users.c.username == "head02")).scalar()


async def test_staff_create_a_head_assign_estates_and_the_head_pulls_only_those(
    login, app, demo, engine
):
    staff = await login("staff")
    r = await staff.client.post(
        URL,
        headers=staff.headers,
        json={"username": "head99", "name": "新楼长", "role": "head", "password": "secret-99"},
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["username"] == "head99" and created["active"] and created["estate_ids"] == []
    assert "password" not in r.text and "password_hash" not in r.text
    estates = sorted(demo.users["head01"]["estate_ids"])[:1]
    r = await staff.client.put(
        f"{URL}/head99/assignment", headers=staff.headers, json={"estate_ids": estates}
    )
    assert r.status_code == 200 and r.json()["user"]["estate_ids"] == estates
    listed = (await staff.client.get(URL, headers=staff.headers)).json()["users"]
    assert [u["estate_ids"] for u in listed if u["username"] == "head99"] == [estates]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        head = await Api.sign_in(client, "head99", "secret-99")
        changes, _ = await head.pull_all()
    pulled_estates = {k[1] for k in latest(changes) if k[0] == "estate"}
    assert pulled_estates == set(estates)


async def test_resetting_a_password_ends_the_sessions_and_the_new_one_signs_in(login, app):
    staff, head = await login("staff"), await login("head02")
    r = await staff.client.put(
        f"{URL}/head02/password", headers=staff.headers, json={"password": "new-pass-02"}
    )
    assert r.status_code == 200 and r.json()["sessions_ended"] >= 1
    assert (await head.pull()).status_code == 401
    assert (await _sign_in(app, "head02", "demo1234")).status_code == 401
    assert (await _sign_in(app, "head02", "new-pass-02")).status_code == 200


async def test_disabling_a_user_ends_their_sessions_and_refuses_sign_in_until_enabled(login, app):
    staff, head = await login("staff"), await login("head03")
    assert (await head.pull()).status_code == 200
    r = await staff.client.put(
        f"{URL}/head03/active", headers=staff.headers, json={"active": False}
    )
    assert r.status_code == 200, r.text
    assert r.json()["user"]["active"] is False and r.json()["sessions_ended"] >= 1
    assert (await head.pull()).status_code == 401
    assert (await _sign_in(app, "head03", "demo1234")).status_code == 401
    r = await staff.client.put(f"{URL}/head03/active", headers=staff.headers, json={"active": True})
    assert r.json()["user"]["active"] is True
    assert (await _sign_in(app, "head03", "demo1234")).status_code == 200


async def test_bad_requests_are_refused_with_the_reason_and_change_nothing(login, engine, demo):
    staff = await login("staff")
    before = _user_count(engine)
    cases = [
        ("POST", URL, {"username": "bad name", "name": "x", "role": "head", "password": "p" * 8}, 422, "username"),
        ("POST", URL, {"username": "head01", "name": "x", "role": "head", "password": "p" * 8}, 422, "already exists"),
        ("POST", URL, {"username": "ok1", "name": "x", "role": "head", "password": "short"}, 422, "at least 8"),
        ("POST", URL, {"username": "ok1", "name": "x", "role": "mayor", "password": "p" * 8}, 422, "role"),
        ("POST", URL, {"username": "ok1", "name": "x", "role": "head", "password": "p" * 8, "x": 1}, 422, "x"),
        ("PUT", f"{URL}/nobody/password", {"password": "p" * 8}, 404, "no user"),
        ("PUT", f"{URL}/staff/active", {"active": False}, 422, "your own login"),
        ("PUT", f"{URL}/head01/assignment", {"district_id": demo.district_ids[0]}, 422, "only district heads"),
        ("PUT", f"{URL}/head01/assignment", {"estate_ids": ["no-such-estate"]}, 422, "no estate"),
        ("PUT", f"{URL}/head01/assignment", {}, 422, "either estates or a district"),
    ]  # fmt: skip
    for method, url, body, code, words in cases:
        r = await staff.client.request(method, url, headers=staff.headers, json=body)
        assert r.status_code == code, (body, r.text)
        assert words in r.json()["detail"], r.text
    assert _user_count(engine) == before
    mine = sorted(demo.users["head01"]["estate_ids"])
    listed = (await staff.client.get(URL, headers=staff.headers)).json()["users"]
    assert [u["estate_ids"] for u in listed if u["username"] == "head01"] == [mine]
    assert (await staff.client.get(URL, headers=staff.headers)).status_code == 200


async def test_a_street_login_is_refused_to_staff_with_the_reason(login, engine):
    """A street login reads several communities: staff of one may not make it (the operator
    does, with create-user)."""
    staff = await login("staff")
    before = _user_count(engine)
    r = await staff.client.post(
        URL,
        headers=staff.headers,
        json={"username": "jiedao1", "name": "街道", "role": "street", "password": "secret-st"},
    )
    assert r.status_code == 422 and "the operator makes it" in r.json()["detail"]
    assert _user_count(engine) == before
