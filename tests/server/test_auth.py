"""Auth over HTTP: login, same 401 whatever was wrong, rate limits, logout, expiry, 401s."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import select, update

from server.db.schema import tokens, users
from server.domain.tokens import token_hash
from server.settings import Settings


def _body(username: str, password: str) -> dict:
    return {"username": username, "password": password, "device_id": "dev-1"}


async def test_login_returns_token_user_and_me_agrees(http, demo):
    r = await http.post("/api/v1/auth/login", json=_body("head01", "demo1234"))
    assert r.status_code == 200
    body = r.json()
    assert body["user"]["role"] == "head"
    assert set(body["user"]["estate_ids"]) == demo.users["head01"]["estate_ids"]
    me = await http.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.json() == body["user"]


async def test_token_is_stored_hashed(http, engine):
    r = await http.post("/api/v1/auth/login", json=_body("staff", "demo1234"))
    token = r.json()["token"]
    with engine.connect() as conn:
        stored = conn.execute(select(tokens.c.token_hash)).scalars().all()
    assert token not in stored and token_hash(token) in stored


async def test_wrong_password_unknown_user_and_inactive_get_the_same_401(http, engine):
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.username == "head02").values(active=False))
    answers = [
        await http.post("/api/v1/auth/login", json=_body("head01", "wrong")),
        await http.post("/api/v1/auth/login", json=_body("nobody", "demo1234")),
        await http.post("/api/v1/auth/login", json=_body("head02", "demo1234")),
    ]
    assert {r.status_code for r in answers} == {401}
    assert len({r.text for r in answers}) == 1


async def test_username_rate_limit_blocks_even_the_right_password(http):
    for _ in range(5):
        r = await http.post("/api/v1/auth/login", json=_body("head03", "bad"))
        assert r.status_code == 401
    r = await http.post("/api/v1/auth/login", json=_body("head03", "demo1234"))
    assert r.status_code == 429
    assert 1 <= int(r.headers["Retry-After"]) <= 300
    # another user from the same client is not locked by head03's failures
    assert (
        await http.post("/api/v1/auth/login", json=_body("head04", "demo1234"))
    ).status_code == 200


async def test_client_rate_limit_across_usernames(http):
    for i in range(20):
        r = await http.post("/api/v1/auth/login", json=_body(f"guess{i}", "bad"))
        assert r.status_code == 401
    r = await http.post("/api/v1/auth/login", json=_body("staff", "demo1234"))
    assert r.status_code == 429 and "Retry-After" in r.headers


async def test_success_clears_the_username_failures(http):
    for _ in range(4):
        await http.post("/api/v1/auth/login", json=_body("head05", "bad"))
    assert (
        await http.post("/api/v1/auth/login", json=_body("head05", "demo1234"))
    ).status_code == 200
    for _ in range(4):
        assert (
            await http.post("/api/v1/auth/login", json=_body("head05", "bad"))
        ).status_code == 401


async def test_logout_revokes_the_token(login):
    api = await login("head01")
    assert (await api.client.get("/api/v1/me", headers=api.headers)).status_code == 200
    r = await api.client.post("/api/v1/auth/logout", headers=api.headers)
    assert r.status_code == 204
    assert (await api.client.get("/api/v1/me", headers=api.headers)).status_code == 401
    assert (await api.pull()).status_code == 401


@pytest.mark.parametrize("settings", [Settings(token_ttl=dt.timedelta(seconds=0))])
async def test_expired_token_is_refused(login):
    api = await login("head01")
    assert (await api.client.get("/api/v1/me", headers=api.headers)).status_code == 401


async def test_token_past_its_expiry_in_the_table_is_refused(login, engine):
    api = await login("staff")
    with engine.begin() as conn:
        conn.execute(
            update(tokens)
            .where(tokens.c.token_hash == token_hash(api.token))
            .values(expires_at="2000-01-01T00:00:00.000000+00:00")
        )
    assert (await api.pull()).status_code == 401


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/sync/pull"),
        ("POST", "/api/v1/sync/push"),
        ("POST", "/api/v1/auth/logout"),
    ],
)
@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic abc"])
async def test_requests_without_a_valid_token_get_401(http, method, path, header):
    headers = {"Authorization": header} if header else {}
    r = await http.request(method, path, headers=headers, json={"device_id": "d", "mutations": []})
    assert r.status_code == 401
    assert r.headers.get("www-authenticate") == "Bearer"


async def test_health_needs_no_token(http):
    r = await http.get("/api/v1/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    dt.datetime.fromisoformat(r.json()["server_time"].replace("Z", "+00:00"))


async def test_concurrent_wrong_passwords_cannot_outrun_the_username_limit(http):
    # every attempt is counted before its (slow) password check, so a burst of parallel
    # guesses gets no more tries than the same guesses one after another
    answers = await asyncio.gather(
        *(http.post("/api/v1/auth/login", json=_body("head06", f"bad{i}")) for i in range(12))
    )
    codes = sorted(r.status_code for r in answers)
    assert codes.count(401) == 5 and codes.count(429) == 7, codes
    # and the right password is refused too while the limit holds
    r = await http.post("/api/v1/auth/login", json=_body("head06", "demo1234"))
    assert r.status_code == 429
