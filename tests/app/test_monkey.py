"""A UI monkey: on each main screen of the phone and the office, as the role that uses it,
random events go to random enabled controls on the page (and in open dialogs) through the
real Flet session, following wherever they lead, with a fixed seed. After every event no
handler may have raised (Flet catches it, logs "Unhandled error" and the person sees nothing
happen) and nothing the handler changed may be left unsent.

It runs over its own server and stores: staff's random clicks create logins, publish
checklists and disable accounts, which must not reach the other view tests' server.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import random
import zlib

import flet as ft
import pytest

from tests.app.conftest import _pull, _state_for, assert_nothing_unsent, find, handler_errors
from tests.services.serverproc import ServerProcess, seed_small

#: events per starting screen: enough to open dialogs and a screen or two beyond
STEPS = int(os.environ.get("MONKEY_STEPS", "30"))
#: another seed explores other paths (the default keeps every run the same)
SEED = os.environ.get("MONKEY_SEED", "")
#: the events a person can cause, by the handler they reach
EVENTS = ("click", "change", "select", "submit", "long_press", "tap")
#: controls that leave the app (signing out ends the run's login)
LEAVES_APP = ("logout-confirm",)
#: the tabs, the sync badge and back are on every screen: touched now and then, the
#: screen's own controls get most of the touches
CHROME = ("nav-bar", "sync-badge", "back")
CHROME_WEIGHT = 0.15
TYPED = ("3", "", "0", "张三", "13800138000", "2026-01-15", "abc", "-1", "楼道灯坏了" * 3)


# ---- its own server and stores ---------------------------------------------------------------
@pytest.fixture(scope="module")
def monkey_server(tmp_path_factory):
    db = tmp_path_factory.mktemp("monkey-server") / "server.db"
    seed_small(db)
    proc = ServerProcess(db).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def monkey_pulled(monkey_server, tmp_path_factory):
    base = tmp_path_factory.mktemp("monkey-pulled")
    return {
        who: (
            base / f"{who}.sqlite",
            asyncio.run(_pull(monkey_server.url, who, base / f"{who}.sqlite")),
        )
        for who in ("head01", "staff", "district1")
    }


# ---- what a person could touch -----------------------------------------------------------------
def _live(control) -> list[tuple[ft.BaseControl, list[str]]]:
    """Visible, enabled controls under ``control`` with the events they handle."""
    out = []
    seen: set[int] = set()

    def walk(c, hidden: bool, disabled: bool) -> None:
        if isinstance(c, list | tuple):
            for x in c:
                walk(x, hidden, disabled)
            return
        if not isinstance(c, ft.BaseControl) or id(c) in seen:
            return
        seen.add(id(c))
        hidden = hidden or getattr(c, "visible", True) is False
        disabled = disabled or bool(getattr(c, "disabled", False))
        if hidden:
            return
        events = [ev for ev in EVENTS if getattr(c, f"on_{ev}", None) is not None]
        own = getattr(c, "key", None)
        own = getattr(own, "value", own)
        if events and not disabled and own not in LEAVES_APP:
            out.append((c, events))
        for f in dataclasses.fields(c):
            if f.name.startswith("_") or f.name in ("parent", "data"):
                continue
            v = getattr(c, f.name, None)
            if isinstance(v, ft.BaseControl | list | tuple):
                walk(v, hidden, disabled)

    walk(control, False, False)
    return out


def _key(c) -> object:
    own = getattr(c, "key", None)
    return getattr(own, "value", own)


def _controls(page: ft.Page) -> list[ft.BaseControl]:
    """Every control on the page: its screens and its dialogs."""
    return find([*page.views, *page._dialogs.controls])


def _open_dialog(page: ft.Page):
    return next((d for d in reversed(page._dialogs.controls) if getattr(d, "open", False)), None)


def _touchable(page: ft.Page) -> list[tuple[ft.BaseControl, list[str]]]:
    """An open dialog takes the touches; else the top screen."""
    top = _open_dialog(page)
    if top is not None:
        return _live(top)
    return _live(page.views[-1]) if page.views else []


async def _dismissed(session) -> None:
    """What Flutter does once a closed dialog's animation ends: report it dismissed (Flet
    then takes it off the page and runs the dialog's own ``on_dismiss``)."""
    for d in list(session.page._dialogs.controls):
        if not getattr(d, "open", False):
            await session.dispatch_event(d._i, "dismiss", None)


def _input(rng: random.Random, c: ft.BaseControl, event: str) -> tuple[dict, object]:
    """What the phone would send for ``event`` on ``c``: the properties the person changed
    (typed text, a picked option, a ticked box) and the event's data."""
    if isinstance(c, ft.TextField):
        typed = rng.choice(TYPED) if event in ("change", "submit") else c.value
        return {"value": typed}, typed
    if isinstance(c, ft.Dropdown):
        keys = [o.key if o.key is not None else o.text for o in c.options or []]
        picked = rng.choice(keys) if keys else c.value
        return {"value": picked}, picked
    if isinstance(c, ft.SegmentedButton):
        values = [s.value for s in c.segments]
        if c.allow_multiple_selection:
            picked = [v for v in values if rng.random() < 0.5]
            picked = picked or ([] if c.allow_empty_selection else values[:1])
        else:
            picked = [rng.choice(values)]
        return {"selected": picked}, picked
    if isinstance(c, ft.NavigationBar):
        index = rng.randrange(len(c.destinations))
        return {"selected_index": index}, str(index)
    if isinstance(c, ft.Checkbox | ft.Switch):
        return {"value": not c.value}, not c.value
    if isinstance(c, ft.Chip) and event == "select":
        return {"selected": not c.selected}, not c.selected
    if isinstance(c, ft.RadioGroup):
        radios = [r.value for r in _radios(c)]
        picked = rng.choice(radios) if radios else c.value
        return {"value": picked}, picked
    return {}, None


def _radios(group) -> list:
    found = []

    def walk(c):
        if isinstance(c, ft.Radio):
            found.append(c)
        for f in dataclasses.fields(c) if isinstance(c, ft.BaseControl) else ():
            v = getattr(c, f.name, None)
            for x in v if isinstance(v, list) else [v]:
                if isinstance(x, ft.BaseControl) and f.name != "parent":
                    walk(x)

    walk(group)
    return found


# ---- the run -----------------------------------------------------------------------------------
async def _settle(tasks: list) -> None:
    """Wait for the work handlers started with ``page.run_task`` (loads, admin calls)."""
    while tasks:
        fut = tasks.pop(0)
        await asyncio.wait_for(asyncio.wrap_future(fut), 30)


async def monkey(session, state, start, seed: int, steps: int = STEPS) -> list[str]:
    """Run ``steps`` random events from the ``start`` screen; returns what was done."""
    page = session.page
    session.connection.loop = asyncio.get_running_loop()  # page.run_task works as in the app
    tasks: list = []
    run_task = page.run_task

    def tracked(handler, *args, **kwargs):
        fut = run_task(handler, *args, **kwargs)
        tasks.append(fut)
        return fut

    async def no_device(*args, **kwargs):  # no Flutter client: launchers and pickers return
        return None

    object.__setattr__(page, "run_task", tracked)
    session.invoke_method = no_device
    rng = random.Random(seed)
    done: list[str] = []
    try:
        start()
        await _settle(tasks)
        if "load" in (page.views[-1].data or {}):
            await page.views[-1].data["load"]()
        for _ in range(steps):
            if state.nav.current in ("login", "lock"):
                start()
            thawed = {id(c): c for c in _controls(page) if not hasattr(c, "_frozen")}
            with handler_errors() as raised:
                what = await _step(session, state, rng, tasks)
            done.append(what)
            after = "\nafter:\n" + "\n".join(done[-8:])
            assert not raised, f"{what} raised:\n" + "\n".join(raised) + after
            frozen = [
                f"{type(c).__name__} {_key(c)!r}"
                for c in _controls(page)
                if hasattr(c, "_frozen") and thawed.get(id(c)) is c
            ]
            assert not frozen, (
                f"{what}: controls the screen kept were frozen by Flet (a new control under an"
                f" old one's key): changing them later fails: {frozen[:8]}{after}"
            )
            try:
                assert_nothing_unsent(session)
            except AssertionError as e:
                raise AssertionError(f"{what}: {e}{after}") from None
    finally:
        await _settle(tasks)
    return done


async def _step(session, state, rng: random.Random, tasks: list) -> str:
    """One touch (or a step back), as the phone sends it; returns what it was."""
    page = session.page
    choices = _touchable(page)
    if not choices or rng.random() < 0.05:
        where = state.nav.current
        top = _open_dialog(page)
        if top is None:
            state.nav.back()
        elif not getattr(top, "modal", False):  # a tap beside it closes it
            await session.dispatch_event(top._i, "dismiss", None)
        await _dismissed(session)
        return f"back from {where}"
    weights = [CHROME_WEIGHT if _key(c) in CHROME else 1.0 for c, _ in choices]
    control, events = rng.choices(choices, weights)[0]
    event = rng.choice(events)
    props, data = _input(rng, control, event)
    what = f"{state.nav.current}: {event} {type(control).__name__} {_key(control)!r}"
    if props:  # as the phone does: the new value first, then the event
        session.apply_patch(control._i, props)
    await session.dispatch_event(control._i, event, data)
    await _settle(tasks)
    await _dismissed(session)
    return what


def _seed(name: str) -> int:
    return zlib.crc32((SEED + name).encode())


# ---- the screens, as the role that uses them ---------------------------------------------------
def _phone_starts(state) -> dict:
    store = state.store
    hh = store.households(limit=1)[0]["id"]
    concern = (store.concerns(status="open") or store.concerns(status="resolved") or [None])[0]
    starts = {
        "home": lambda: state.nav.root("home"),
        "households": lambda: state.nav.root("households"),
        "household": lambda: (
            state.nav.root("households"),
            state.nav.push("household", household_id=hh),
        ),
        "visit": lambda: (
            state.nav.root("households"),
            state.nav.push("household", household_id=hh),
            state.nav.push("visit", household_id=hh),
        ),
        "concerns": lambda: state.nav.root("concerns"),
        "sync": lambda: state.nav.root("sync"),
        "settings": lambda: state.nav.root("settings"),
        "review": lambda: (state.nav.root("home"), state.nav.push("review")),
    }
    if concern is not None:
        starts["concern"] = lambda: (
            state.nav.root("concerns"),
            state.nav.push("concern", concern_id=concern["id"]),
        )
    for kind in store.worklist_counts(state.today()):
        if not kind.endswith("_overdue"):
            starts[f"worklist-{kind}"] = lambda k=kind: (
                state.nav.root("home"),
                state.nav.push("worklist", kind=k),
            )
    return starts


PHONE = (
    "home",
    "households",
    "household",
    "visit",
    "concerns",
    "concern",
    "sync",
    "settings",
    "review",
    "worklist-follow_ups",
)
#: run at the largest text size: the screens scale what they draw again (``scale_text``)
XLARGE = {"household", "visit", "concern", "worklist-follow_ups", "district1"}
OFFICE = {
    "staff": ("home", "concerns", "meetings", "meeting_new")
    + tuple(f"admin-{s}" for s in ("users", "places", "questionnaires", "checklist", "reveals")),
    "district1": ("home", "concerns", "meetings", "meeting_new"),
}


def _office_starts(state) -> dict:
    starts = {
        "home": lambda: state.nav.root("home"),
        "concerns": lambda: state.nav.root("concerns"),
        "meetings": lambda: (state.nav.root("home"), state.nav.push("meetings")),
        "meeting_new": lambda: (
            state.nav.root("home"),
            state.nav.push("meetings"),
            state.nav.push("meeting_new"),
        ),
    }
    for s in ("users", "places", "questionnaires", "checklist", "reveals"):
        starts[f"admin-{s}"] = lambda s=s: (
            state.nav.root("settings"),
            state.nav.push("admin", section=s),
        )
    return starts


@pytest.mark.parametrize("screen", PHONE)
async def test_phone_screens_survive_random_touches(
    session, monkey_pulled, monkey_server, tmp_path, screen
):
    state = _state_for(session, monkey_pulled, monkey_server, tmp_path, "head01")
    try:
        starts = _phone_starts(state)
        if screen not in starts:
            pytest.skip(f"the seeded store has nothing for {screen}")
        if screen in XLARGE:
            await state.set_text_size("xlarge")
        done = await monkey(session, state, starts[screen], _seed(screen))
        assert len(done) == STEPS
    finally:
        state.store.close()


@pytest.mark.parametrize(
    "who,screen", [(who, s) for who, screens in OFFICE.items() for s in screens]
)
async def test_office_screens_survive_random_touches(
    session, monkey_pulled, monkey_server, tmp_path, who, screen
):
    state = _state_for(session, monkey_pulled, monkey_server, tmp_path, who)
    try:
        if who in XLARGE:
            await state.set_text_size("xlarge")
        done = await monkey(session, state, _office_starts(state)[screen], _seed(who + screen))
        assert len(done) == STEPS
    finally:
        state.store.close()
