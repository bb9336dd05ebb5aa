"""Signing in against the real server, remembering the session, the PIN lock, signing out."""

from __future__ import annotations

import asyncio

import pytest

from app import prefs as P
from app.main import make_state, start
from app.pin import hash_pin, verify_pin
from app.prefs import MemoryPrefs
from tests.app.conftest import click, one, texts


def _top(state):
    return state.page.views[-1]


async def _wait(predicate, timeout=60.0):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(0.05)


async def test_first_login_pulls_then_reopen_asks_for_pin(session, app_server, tmp_path):
    prefs = MemoryPrefs()
    state = make_state(session.page, prefs=prefs, base_dir=tmp_path, default_server=app_server.url)
    await start(state)
    assert state.nav.current == "login"
    view = _top(state)
    assert one(view, "login-server").value == app_server.url, "preset from XIANGLIN_SERVER"
    one(view, "login-username").value = "head01"
    one(view, "login-password").value = "demo1234"
    await click(session, one(view, "login-submit"))
    try:
        assert state.nav.current == "set_pin"
        assert prefs.data[P.KEY_TOKEN] == state.token
        # the token is never shown on any screen
        pin_view = _top(state)
        one(pin_view, "pin-new").value = "2468"
        one(pin_view, "pin-repeat").value = "2468"
        await click(session, one(pin_view, "pin-save"))
        assert state.nav.current == "home"
        assert verify_pin("2468", prefs.data[P.KEY_PIN])
        assert "2468" not in prefs.data.values()
        await _wait(lambda: state.sync.last_sync_at is not None and not state.sync.syncing)
        assert state.store.estates(), "the first sync pulled head01's estates in the background"
        assert state.token not in " ".join(texts(_top(state)))
    finally:
        await state.close_workspace()

    # reopen: a new session over the same device prefs
    again = make_state(session.page, prefs=prefs, base_dir=tmp_path, default_server=app_server.url)
    await start(again)
    assert again.nav.current == "lock"
    lock = _top(again)
    one(lock, "pin-field").value = "0000"
    await click(session, one(lock, "pin-unlock"))
    assert again.nav.current == "lock" and one(lock, "pin-message").visible
    one(lock, "pin-field").value = "2468"
    await click(session, one(lock, "pin-unlock"))
    try:
        assert again.nav.current == "home"
        assert again.store is not None and again.store.estates()
    finally:
        await again.close_workspace()


async def test_wrong_password_shows_a_readable_error(session, app_server, tmp_path):
    state = make_state(
        session.page, prefs=MemoryPrefs(), base_dir=tmp_path, default_server=app_server.url
    )
    await start(state)
    view = _top(state)
    one(view, "login-username").value = "head01"
    one(view, "login-password").value = "wrong-password"
    await click(session, one(view, "login-submit"))
    assert state.nav.current == "login"
    msg = one(view, "login-message")
    assert msg.visible and msg.value == state.t("login.err.bad_credentials")
    assert state.token is None
    # the person can try again at once (click() also checks all of this reached the phone)
    assert not one(view, "login-submit").disabled


async def test_login_whose_store_cannot_open_says_so(session, app_server, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")  # the phone's data folder is unusable: the store cannot open
    state = make_state(
        session.page, prefs=MemoryPrefs(), base_dir=blocked, default_server=app_server.url
    )
    await start(state)
    view = _top(state)
    one(view, "login-username").value = "head01"
    one(view, "login-password").value = "demo1234"
    await click(session, one(view, "login-submit"))
    try:
        assert state.nav.current == "login"
        assert one(view, "login-message").value == state.t("error.generic")
        assert not one(view, "login-submit").disabled
    finally:
        await state.close_workspace()


async def test_unlock_whose_store_cannot_open_says_so(session, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    prefs = MemoryPrefs(
        {
            P.KEY_TOKEN: "t",
            P.KEY_USER: '{"id": "u1", "name": "测试", "role": "head"}',
            P.KEY_PIN: hash_pin("1357"),
        }
    )
    state = make_state(
        session.page, prefs=prefs, base_dir=blocked, default_server="http://127.0.0.1:9"
    )
    await start(state)
    lock = _top(state)
    one(lock, "pin-field").value = "1357"
    await click(session, one(lock, "pin-unlock"))
    assert state.nav.current == "lock"
    assert one(lock, "pin-message").value == state.t("error.generic")


async def test_unreachable_server_says_so(session, tmp_path):
    from tests.services.serverproc import free_port

    state = make_state(
        session.page,
        prefs=MemoryPrefs(),
        base_dir=tmp_path,
        default_server=f"http://127.0.0.1:{free_port()}",
    )
    await start(state)
    view = _top(state)
    one(view, "login-username").value = "head01"
    one(view, "login-password").value = "demo1234"
    await click(session, one(view, "login-submit"))
    assert one(view, "login-message").value == state.t("login.err.network")
    assert not one(view, "login-submit").disabled


async def test_too_many_wrong_pins_sign_out(session, tmp_path):
    prefs = MemoryPrefs(
        {
            P.KEY_TOKEN: "t",
            P.KEY_USER: '{"id": "u1", "name": "测试", "role": "head"}',
            P.KEY_PIN: hash_pin("1357"),
        }
    )
    state = make_state(
        session.page, prefs=prefs, base_dir=tmp_path, default_server="http://127.0.0.1:9"
    )
    await start(state)
    assert state.nav.current == "lock"
    for _ in range(5):
        lock = _top(state)
        one(lock, "pin-field").value = "9999"
        await click(session, one(lock, "pin-unlock"))
    assert state.nav.current == "login"
    assert P.KEY_TOKEN not in prefs.data and P.KEY_PIN not in prefs.data
    assert state.t("pin.locked_out") in texts(_top(state))


@pytest.mark.parametrize(
    "pin,ok",
    [
        ("1234", True),
        ("123456", True),
        ("123", False),
        ("1234567", False),
        ("12a4", False),
        ("１２３４", False),
    ],
)
def test_pin_rules(pin, ok):
    from app.pin import is_valid_pin

    assert is_valid_pin(pin) is ok
