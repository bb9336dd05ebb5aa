"""Login limits: guesses from elsewhere cannot lock a head out of their own phone, guesses per
account stay bounded however many addresses they come from, password checks are bounded per
process (503 at once beyond), and old password hashes are upgraded at login. On SQLite and
PostgreSQL (the ``engine`` fixture), each client at its own address (ASGI ``client``)."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select, update

from server.api.auth import BUSY, TOO_MANY
from server.db.schema import rate_events, users
from server.domain.hash_gate import Busy, HashGate
from server.domain.passwords import verify_password
from server.settings import Settings
from tests.services.serverproc import REPO as ROOT
from tests.services.serverproc import subprocess_env

PHONE = "3f7c2a9e-head09-phone"
#: small numbers, same shape as the defaults: 3 per account and address, 6 per account
SMALL = Settings(
    login_failures_per_account_address=3,
    login_failures_per_known_device=4,
    login_failures_per_account=6,
)


@pytest.fixture
async def at(app) -> AsyncIterator[Callable[[str], httpx.AsyncClient]]:
    """``at("203.0.113.7")`` -> a client whose requests come from that address."""
    clients: list[httpx.AsyncClient] = []

    def make(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        clients.append(httpx.AsyncClient(transport=transport, base_url="http://testserver"))
        return clients[-1]

    yield make
    for c in clients:
        await c.aclose()


async def login(
    client: httpx.AsyncClient, username: str, password: str, device_id: str
) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": password, "device_id": device_id},
    )


def assert_refused(r: httpx.Response, status: int, detail: str) -> None:
    assert r.status_code == status, r.text
    assert r.json() == {"detail": detail}
    assert int(r.headers["Retry-After"]) >= 1


@pytest.mark.parametrize("settings", [SMALL])
async def test_guesses_from_other_addresses_cannot_lock_a_head_out_of_their_own_phone(at):
    phone = at("100.64.0.9")
    assert (await login(phone, "head09", "demo1234", PHONE)).status_code == 200
    # strangers at ten addresses guess until the account's budget is spent
    codes = []
    for i in range(10):
        stranger = at(f"203.0.113.{i}")
        for _ in range(3):
            codes.append((await login(stranger, "head09", "guess", f"evil-{i}")).status_code)
    assert codes.count(401) == SMALL.login_failures_per_account
    assert set(codes) == {401, 429}
    # now a stranger is refused even with the right password ...
    r = await login(at("198.51.100.1"), "head09", "demo1234", "some-new-device")
    assert_refused(r, 429, TOO_MANY)
    # ... but the head's phone signs in: from its usual address, and from a new one
    assert (await login(phone, "head09", "demo1234", PHONE)).status_code == 200
    assert (await login(at("100.64.7.7"), "head09", "demo1234", PHONE)).status_code == 200


async def test_guesses_at_one_address_leave_the_head_free_at_another(at):
    stranger = at("203.0.113.50")
    for _ in range(5):
        assert (await login(stranger, "head10", "guess", "evil")).status_code == 401
    assert_refused(await login(stranger, "head10", "demo1234", "evil"), 429, TOO_MANY)
    # the head, on a phone never used before, at another address
    assert (await login(at("100.64.0.10"), "head10", "demo1234", "new-phone")).status_code == 200


@pytest.mark.parametrize("settings", [SMALL])
async def test_guesses_per_account_stay_bounded_whatever_the_addresses(at, engine):
    assert (await login(at("100.64.0.11"), "head11", "demo1234", PHONE)).status_code == 200
    wrong = 0
    for i in range(20):  # strangers, each at an address of their own
        stranger = at(f"203.0.113.{i}")
        for _ in range(3):
            wrong += (await login(stranger, "head11", "guess", f"evil-{i}")).status_code == 401
    for i in range(20):  # someone who learnt the phone's device id, at many addresses too
        spoofer = at(f"198.51.100.{i}")
        for _ in range(3):
            wrong += (await login(spoofer, "head11", "guess", PHONE)).status_code == 401
    assert wrong == SMALL.login_failures_per_account + SMALL.login_failures_per_known_device


async def test_a_successful_login_takes_its_own_count_back(at, engine):
    phone = at("100.64.0.12")
    for _ in range(4):
        assert (await login(phone, "head05", "typo", PHONE)).status_code == 401
    assert (await login(phone, "head05", "demo1234", PHONE)).status_code == 200
    # the mistakes at this address are forgiven; the account budget keeps its four
    for _ in range(4):
        assert (await login(phone, "head05", "typo", PHONE)).status_code == 401
    with engine.connect() as conn:
        budget = conn.execute(
            select(func.count()).where(rate_events.c.key.like("acct:%"))
        ).scalar_one()
    assert budget == 8


async def test_a_hash_with_older_parameters_is_upgraded_at_login(at, engine):
    old = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash("demo1234")
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.username == "head06").values(password_hash=old))
    client = at("100.64.0.13")

    def stored() -> str:
        with engine.connect() as conn:
            return conn.execute(
                select(users.c.password_hash).where(users.c.username == "head06")
            ).scalar_one()

    assert (await login(client, "head06", "wrong", PHONE)).status_code == 401
    assert stored() == old  # a wrong password changes nothing
    assert (await login(client, "head06", "demo1234", PHONE)).status_code == 200
    upgraded = stored()
    assert upgraded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(upgraded, "demo1234")
    assert (await login(client, "head06", "demo1234", PHONE)).status_code == 200
    assert stored() == upgraded  # already current: not hashed again


def counted(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(rate_events)).scalar_one()


async def _occupy(gate: HashGate) -> tuple[threading.Event, asyncio.Task]:
    """Hold every slot of ``gate`` until the returned event is set."""
    release = threading.Event()
    tasks = [asyncio.create_task(gate.run(release.wait, 30)) for _ in range(gate.slots)]
    deadline = time.monotonic() + 10
    while not gate.all_busy:
        assert time.monotonic() < deadline, "the slots were never taken"
        await asyncio.sleep(0.01)  # yield to the tasks taking the slots
    return release, asyncio.gather(*tasks)


@pytest.mark.parametrize(
    "settings",
    [
        Settings(login_hash_slots=1, login_hash_queue=0),  # refused before any waiting
        Settings(  # waits a moment for a slot, then refused
            login_hash_slots=1, login_hash_queue=4, login_hash_wait=dt.timedelta(seconds=0.2)
        ),
    ],
    ids=["queue-full", "wait-over"],
)
async def test_busy_password_checks_answer_503_at_once_and_count_no_failure(app, at, engine):
    release, held = await _occupy(app.state.hash_gate)
    try:
        t = time.monotonic()
        r = await login(at("100.64.0.14"), "head07", "demo1234", PHONE)
        assert time.monotonic() - t < 5
        assert_refused(r, 503, BUSY)
        deadline = time.monotonic() + 10
        while counted(engine):  # taken back once the refusal is sent
            assert time.monotonic() < deadline, "the refused attempt stayed counted"
            await asyncio.sleep(0.01)
    finally:
        release.set()
        await held
    assert (await login(at("100.64.0.14"), "head07", "demo1234", PHONE)).status_code == 200


async def test_the_gate_runs_at_most_its_slots_at_once():
    gate = HashGate(slots=2, wait=30, queue=10)
    lock, running, peak = threading.Lock(), [0], [0]

    def work() -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.02)  # the work itself (a hash), not synchronisation
        with lock:
            running[0] -= 1

    await asyncio.gather(*(gate.run(work) for _ in range(8)))
    assert peak[0] == 2
    gate.close()


async def test_the_gate_queue_is_bounded():
    gate = HashGate(slots=1, wait=30, queue=2)
    release, held = await _occupy(gate)
    waiting = [asyncio.create_task(gate.run(lambda: "done")) for _ in range(2)]
    deadline = time.monotonic() + 10
    while gate.waiting < 2:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)  # yield to the waiters
    assert gate.saturated
    with pytest.raises(Busy):
        await gate.run(lambda: "refused")
    release.set()
    await held
    assert await asyncio.gather(*waiting) == ["done", "done"]
    gate.close()


@pytest.mark.parametrize("settings", [SMALL])
async def test_unlock_login_lets_a_head_in_on_a_new_phone_after_strangers_spent_the_budget(
    at, engine
):
    for i in range(3):
        stranger = at(f"203.0.113.{i}")
        for _ in range(3):
            await login(stranger, "head08", "guess", f"evil-{i}")
    new_phone = at("100.64.0.8")
    assert_refused(await login(new_phone, "head08", "demo1234", "new-phone"), 429, TOO_MANY)
    url = engine.url.render_as_string(hide_password=False)
    db = url.replace("postgresql+psycopg://", "postgresql://").replace("sqlite:///", "")
    done = subprocess.run(
        [sys.executable, "-m", "server", "unlock-login", "--db", db, "--username", "head08"],
        cwd=ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "head08 may sign in again; 6 counted failure(s) forgotten" in done.stdout
    assert (await login(new_phone, "head08", "demo1234", "new-phone")).status_code == 200
