"""create-user / set-password / assign: the logins they make work through the real API."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from server.db.schema import districts, estates, user_estates, users
from server.domain.accounts import AccountError, assign, create_user, set_password

ROOT = Path(__file__).resolve().parents[2]


async def _login(http, username: str, password: str):
    return await http.post(
        "/api/v1/auth/login",
        json={"username": username, "password": password, "device_id": "test-device"},
    )


def _estate(engine, name: str):
    with engine.connect() as conn:
        return conn.execute(select(estates).where(estates.c.name == name)).one()


async def test_created_head_assigned_estates_signs_in_with_that_scope(engine, http):
    create_user(engine, username="newhead", name="新巷邻长", role="head", password="s3cret-pass")
    a, b = _estate(engine, "观澜苑"), _estate(engine, "华元公寓")
    assert assign(engine, username="newhead", estate_refs=["观澜苑", b.id]) == sorted([a.id, b.id])
    r = await _login(http, "newhead", "s3cret-pass")
    assert r.status_code == 200, r.text
    user = r.json()["user"]
    assert user["role"] == "head" and user["name"] == "新巷邻长"
    assert sorted(user["estate_ids"]) == sorted([a.id, b.id])
    # assigning again replaces the set
    assign(engine, username="newhead", estate_refs=["观澜苑"])
    r = await _login(http, "newhead", "s3cret-pass")
    assert r.json()["user"]["estate_ids"] == [a.id]


async def test_set_password_changes_login_and_ends_live_sessions(engine, http):
    r = await _login(http, "head02", "demo1234")
    token = r.json()["token"]
    me = await http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert set_password(engine, username="head02", password="another-pass") >= 1
    me = await http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401
    assert (await _login(http, "head02", "demo1234")).status_code == 401
    assert (await _login(http, "head02", "another-pass")).status_code == 200


async def test_district_head_gets_a_district(engine, http):
    create_user(engine, username="dh", name="片长", role="district_head", password="s3cret-pass")
    with engine.connect() as conn:
        d = conn.execute(select(districts).where(districts.c.name == "胡巷二片区")).one()
    assign(engine, username="dh", district_ref="胡巷二片区")
    r = await _login(http, "dh", "s3cret-pass")
    assert r.json()["user"]["district_id"] == d.id


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda e: create_user(
                e, username="head01", name="x", role="head", password="longenough"
            ),
            "already exists",
        ),
        (
            lambda e: create_user(
                e, username="bad name", name="x", role="head", password="longenough"
            ),
            "username",
        ),
        (
            lambda e: create_user(e, username="x", name="x", role="admin", password="longenough"),
            "role",
        ),
        (
            lambda e: create_user(e, username="x", name="x", role="head", password="short"),
            "at least 8",
        ),
        (lambda e: set_password(e, username="nobody", password="longenough"), "no user"),
        (lambda e: assign(e, username="head01", estate_refs=["不存在"]), "no estate"),
        (lambda e: assign(e, username="staff", estate_refs=["观澜苑"]), "only heads"),
        (lambda e: assign(e, username="head01", district_ref="胡巷一片区"), "only district heads"),
        (lambda e: assign(e, username="head01"), "either"),
    ],
)
def test_refused_requests_write_nothing(engine, call, message):
    def state():
        with engine.connect() as conn:
            return (
                sorted(tuple(r) for r in conn.execute(select(users))),
                sorted(tuple(r) for r in conn.execute(select(user_estates))),
            )

    before = state()
    with pytest.raises(AccountError, match=message):
        call(engine)
    assert state() == before


def _cli(*args, stdin: str = ""):
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_reads_passwords_from_stdin_never_argv(tmp_path):
    db = str(tmp_path / "users.db")
    r = _cli(
        "create-user",
        "--db",
        db,
        "--username",
        "ops",
        "--name",
        "运维",
        "--role",
        "staff",
        "--password-stdin",
        stdin="pw-from-stdin\n",
    )
    assert r.returncode == 0, r.stderr
    assert "pw-from-stdin" not in r.stdout + r.stderr
    again = _cli(
        "create-user",
        "--db",
        db,
        "--username",
        "ops",
        "--name",
        "运维",
        "--role",
        "staff",
        "--password-stdin",
        stdin="pw-from-stdin\n",
    )
    assert again.returncode == 2 and "already exists" in again.stderr
    short = _cli(
        "set-password", "--db", db, "--username", "ops", "--password-stdin", stdin="short\n"
    )
    assert short.returncode == 2
    ok = _cli(
        "set-password",
        "--db",
        db,
        "--username",
        "ops",
        "--password-stdin",
        stdin="a-new-password\n",
    )
    assert ok.returncode == 0, ok.stderr
    argv = _cli(
        "create-user",
        "--db",
        db,
        "--username",
        "x",
        "--name",
        "x",
        "--role",
        "head",
        "--password",
        "x",
    )
    assert argv.returncode != 0  # there is no --password option
    assign_bad = _cli("assign", "--db", db, "--username", "ops", "--estate", "nowhere")
    assert assign_bad.returncode == 2 and "only heads" in assign_bad.stderr
