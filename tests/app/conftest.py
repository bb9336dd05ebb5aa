"""View-test fixtures: a real Flet session with no Flutter client (fake connection), and
real phone stores pulled from the real server seeded small.

The server is started once per test session over a small seeded community; head01's and
staff's stores are pulled from it once through the real sync engine, and each test gets a
private copy of the store file.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import shutil
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import flet as ft
import msgpack
import pytest
from flet.controls.context import _context_page
from flet.messaging.connection import Connection
from flet.messaging.protocol import configure_encode_object_for_msgpack, decode_ext_from_msgpack
from flet.messaging.session import Session
from flet.pubsub.pubsub_hub import PubSubHub

from app.main import make_state
from app.prefs import MemoryPrefs
from tests.services.serverproc import ServerProcess, seed_small

PASSWORD = "demo1234"


# ---- fake Flutter client ---------------------------------------------------------------------
def wire(obj):
    """Round-trip through msgpack exactly like real transports do."""
    packed = msgpack.packb(obj, default=configure_encode_object_for_msgpack(ft.BaseControl))
    return msgpack.unpackb(packed, ext_hook=decode_ext_from_msgpack, strict_map_key=False)


class FakeConnection(Connection):
    """No Flutter client: records what would be sent."""

    def __init__(self):
        super().__init__()
        self.pubsubhub = PubSubHub()
        self.messages = []
        self.page_url = "http://127.0.0.1:8550"

    def send_message(self, message):
        self.messages.append(wire([message.action, message.body]))


@pytest.fixture
def session():
    s = Session(FakeConnection())
    wire(s.get_page_patch())  # as if the client had received the page
    token = _context_page.set(s.page)
    yield s
    _context_page.reset(token)


def find(control, key=None, cls=None) -> list:
    """Depth-first search through a control tree (controls, content, appbar, ...)."""
    out = []
    seen: set[int] = set()

    def walk(c):
        if isinstance(c, list | tuple):
            for x in c:
                walk(x)
            return
        if not isinstance(c, ft.BaseControl) or id(c) in seen:
            return
        seen.add(id(c))
        own = getattr(c, "key", None)
        own = getattr(own, "value", own)  # a ScrollKey / ValueKey matches by its value
        if (key is None or own == key) and (cls is None or isinstance(c, cls)):
            out.append(c)
        for f in dataclasses.fields(c):
            if f.name.startswith("_") or f.name in ("parent", "data"):
                continue
            v = getattr(c, f.name, None)
            if isinstance(v, ft.BaseControl | list | tuple):
                walk(v)
        for attr in ("_input", "input"):  # helper attributes of composite controls
            v = getattr(c, attr, None)
            if isinstance(v, ft.BaseControl):
                walk(v)

    walk(control)
    return out


def one(control, key):
    found = find(control, key=key)
    assert found, f"no control with key {key!r}"
    return found[0]


def texts(control) -> list[str]:
    """Every Text value under a control (what a person would read)."""
    return [t.value for t in find(control, cls=ft.Text) if isinstance(t.value, str)]


async def click(session, control, event="click", data=None):
    """Send an event as the phone would, then check the handler neither raised (Flet only
    logs it, and the person sees nothing happen) nor left unsent anything it changed: Flet
    sends nothing more once a handler has called ``update()`` itself, so a change made
    after that (an error shown after an ``await``) would never reach the screen."""
    session.page.update()  # the test's own edits (typed values) are on the phone already
    with handler_errors() as raised:
        await session.dispatch_event(control._i, event, data)
    assert not raised, f"the on_{event} handler of {control.key!r} raised:\n" + "\n".join(raised)
    assert_nothing_unsent(session)


@contextlib.contextmanager
def handler_errors():
    """The tracebacks of event handlers that raised meanwhile (Flet catches them, logs
    "Unhandled error in 'on_...' handler" and tells the client the session crashed)."""
    raised: list[str] = []

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().startswith("Unhandled error"):
                raised.append(logging.Formatter().format(record))

    catch = Catch(logging.ERROR)
    flet_log = logging.getLogger("flet")
    flet_log.addHandler(catch)
    try:
        yield raised
    finally:
        flet_log.removeHandler(catch)


def assert_nothing_unsent(session) -> None:
    """Fail if the page holds changes the phone has not been sent."""
    sent = len(session.connection.messages)
    session.page.update()
    unsent = session.connection.messages[sent:]
    assert not unsent, f"changes never sent to the phone: {str(unsent)[:600]}"


# ---- what a sync brings ----------------------------------------------------------------------
def sync_finishes(state) -> None:
    """What the engine reports around a sync: running, then done."""
    base = dict(online=True, pending=0, rejected=0, last_sync_at=None, last_error=None)
    state._on_status(SimpleNamespace(syncing=True, **base))
    state._on_status(SimpleNamespace(syncing=False, **base))


def server_changes_household(store, row_id: str, people: int) -> None:
    """A pull page carrying a newer version of one household (as another phone's edit)."""
    with store._lock:
        data, version = store.conn.execute(
            "SELECT data, version FROM households WHERE id = ?", (row_id,)
        ).fetchone()
    change = dict(json.loads(data), people_count=people)
    store.apply_pull_page(
        [
            {
                "entity": "household",
                "id": row_id,
                "op": "upsert",
                "version": version + 1,
                "data": change,
            }
        ],
        store.cursor,
    )


# ---- real server, real stores ----------------------------------------------------------------
@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """The real server over a small seeded community, for the whole test session."""
    base = tmp_path_factory.mktemp("app-server")
    db = base / "server.db"
    seed_small(db)
    proc = ServerProcess(db).start()
    yield proc
    proc.stop()


async def _pull(server_url: str, username: str, path: Path) -> dict:
    from services.auth import login
    from services.store import Store
    from services.sync import SyncEngine

    store = Store(path)
    token, user = await login(server_url, username, PASSWORD, store.device_id)
    user = dict(user, username=username)
    store.set_user(user)
    engine = SyncEngine(store, server_url, token)
    try:
        status = await engine.sync_until_idle(timeout=120)
        assert status.last_error is None, status
    finally:
        await engine.stop()
        store.close()
    return {"token": token, "user": user}


@pytest.fixture(scope="session")
def pulled(app_server, tmp_path_factory):
    """head01's and staff's stores, pulled once from the real server: {name: (path, login)}."""
    base = tmp_path_factory.mktemp("pulled")
    out = {}
    for name in ("head01", "staff"):
        path = base / f"{name}.sqlite"
        out[name] = (path, asyncio.run(_pull(app_server.url, name, path)))
    return out


def copy_store(src: Path, dst: Path) -> Path:
    with sqlite3.connect(src) as s, sqlite3.connect(dst) as d:
        s.backup(d)
    return dst


def _state_for(session, pulled, app_server, tmp_path, who: str):
    from app.paths import store_path
    from services.store import Store

    src, login_info = pulled[who]
    state = make_state(
        session.page, prefs=MemoryPrefs(), base_dir=tmp_path, default_server=app_server.url
    )
    state.server_url = app_server.url
    state.user = login_info["user"]
    state.token = login_info["token"]
    path = copy_store(src, store_path(tmp_path, state.user["id"]))
    state.store = Store(path)
    state.refresh_counts()
    return state


@pytest.fixture
def head_state(session, pulled, app_server, tmp_path):
    """AppState signed in as head01 over a private copy of head01's pulled store (no engine:
    view tests drive the store; sync is tested through the engine where it matters)."""
    state = _state_for(session, pulled, app_server, tmp_path, "head01")
    yield state
    state.store.close()


@pytest.fixture
def staff_state(session, pulled, app_server, tmp_path):
    state = _state_for(session, pulled, app_server, tmp_path, "staff")
    yield state
    state.store.close()


def outbox_rows(store_path_: Path) -> list[dict]:
    conn = sqlite3.connect(store_path_)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM outbox")]
    finally:
        conn.close()


@pytest.fixture
def copy_file():
    return shutil.copyfile
