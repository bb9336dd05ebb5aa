"""App figures: ``python bench/app_bench.py [--scale 1.0] [--dir D]``.

1. first screen: navigation -> login screen painted, web mode on loopback, headless Chromium
   (target <= 3 s);
2. after signing in as staff (11,000+ residents pulled), the household list shows its first
   page (target <= 1 s);
3. typing in the household search: the Python handler's time per keystroke, measured in a
   real Flet session over staff's real store (target <= 150 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.e2e.conftest import BROWSER_ARGS, CHROMIUM, AppProcess  # noqa: E402
from tests.e2e.test_app_e2e import _type  # noqa: E402
from tests.services.serverproc import ServerProcess, seed_small  # noqa: E402


def _pull_finished(phone: Path, page, timeout: float = 600.0) -> None:
    """Check that the pull is over: the phone's store stops growing for 2 s and the badge
    says online. A check only: the figure is taken when home shows the pulled estates (the
    old figure included these 2 s of watching, ~2.3 s of the 3.9 s reported)."""
    import sqlite3

    end = time.monotonic() + timeout
    last, stable_since = -1, time.monotonic()
    while time.monotonic() < end:
        files = list(phone.glob("store-*.sqlite"))
        n = -1
        if files:
            with sqlite3.connect(files[0], timeout=30) as c:
                n = c.execute("SELECT count(*) FROM residents").fetchone()[0]
        if n != last:
            last, stable_since = n, time.monotonic()
        elif (
            n > 0
            and time.monotonic() - stable_since > 2
            and page.get_by_role("button", name="在线").count()
        ):
            return
        time.sleep(0.5)
    raise TimeoutError("the first pull did not finish")


def browser_figures(
    app_url: str, phone: Path, runs: int
) -> tuple[list[float], dict[str, float], float]:
    from playwright.sync_api import sync_playwright

    first_screen: list[float] = []
    pull: dict[str, float] = {}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS)
        for _ in range(runs):
            ctx = b.new_context(viewport={"width": 412, "height": 915})
            page = ctx.new_page()
            t0 = time.perf_counter()
            page.goto(app_url)
            page.wait_for_selector("flutter-view", timeout=60000)
            page.locator("flt-semantics-placeholder").first.dispatch_event("click")
            page.get_by_role("button", name="登录").wait_for(timeout=60000)
            first_screen.append(time.perf_counter() - t0)
            ctx.close()

        ctx = b.new_context(viewport={"width": 412, "height": 915})
        page = ctx.new_page()
        page.goto(app_url)
        page.wait_for_selector("flutter-view", timeout=60000)
        page.locator("flt-semantics-placeholder").first.dispatch_event("click")
        _type(page, "用户名", "staff")
        _type(page, "密码", "demo1234")
        t0 = time.perf_counter()
        page.get_by_role("button", name="登录").click()
        skip = page.get_by_role("button", name="以后再说")
        skip.wait_for(timeout=60000)
        pull["signed_in"] = time.perf_counter() - t0  # login answered, PIN offer painted
        skip.click()
        page.get_by_text("我的小区").wait_for(timeout=600000)  # home refilled after the pull
        pull["home"] = time.perf_counter() - t0
        # the badge says "online" only once the first sync (push, pull, search warm-up) ended
        page.get_by_role("button", name="在线").wait_for(timeout=600000)
        pull["online"] = time.perf_counter() - t0
        _pull_finished(phone, page)  # a check that nothing more arrives, not timed
        page.get_by_role("tab", name="首页").wait_for()
        t0 = time.perf_counter()
        page.get_by_role("tab", name="住户").click()
        page.get_by_text("共 ").first.wait_for(timeout=30000)
        page.get_by_role("button", name="1-1-").first.wait_for(timeout=30000)
        list_first_page = time.perf_counter() - t0
        ctx.close()
        b.close()
    return first_screen, pull, list_first_page


def keystroke_figures(store_file: Path, user: dict) -> dict[str, list[float]]:
    """Time the search field's on_change handler in a real Flet session over the store."""
    import flet as ft
    from flet.controls.context import _context_page
    from flet.messaging.session import Session

    from app.main import make_state
    from app.prefs import MemoryPrefs
    from services.store import Store
    from tests.app.conftest import FakeConnection, find, wire

    session = Session(FakeConnection())
    wire(session.get_page_patch())
    _context_page.set(session.page)
    state = make_state(
        session.page, prefs=MemoryPrefs(), base_dir=store_file.parent, default_server=""
    )
    state.user = user
    state.store = Store(store_file)
    state.nav.root("households")
    view = session.page.views[-1]
    search = [c for c in find(view, cls=ft.TextField) if c.key == "hh-search"][0]
    total = state.store.count_households()
    some = state.store.households(limit=1, offset=total // 3)[0]
    member = state.store.members(some["id"])[0]
    queries = {
        "building-unit-room": some["address"],
        "name": member["name"],
        "pinyin initials": "zw",
        "phone tail": "5678",
    }
    out: dict[str, list[float]] = {}

    async def run():
        for label, q in queries.items():
            times = []
            for i in range(1, len(q) + 1):
                search.value = q[:i]
                t0 = time.perf_counter()
                await session.dispatch_event(search._i, "change", q[:i])
                times.append(time.perf_counter() - t0)
            search.value = ""
            await session.dispatch_event(search._i, "change", "")
            out[f"{label} {q!r}"] = times

    asyncio.run(run())
    state.store.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--dir", type=Path, default=Path(tempfile.gettempdir()) / "xianglin-app-bench"
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    db = args.dir / f"server-{args.scale}.db"
    if not db.exists():
        t0 = time.perf_counter()
        seed_small(db, scale=args.scale)
        print(f"seeded scale {args.scale} in {time.perf_counter() - t0:.1f} s")
    phone = Path(tempfile.mkdtemp(prefix="phone-", dir=args.dir))
    server = ServerProcess(db).start()
    app = AppProcess(server.url, phone, args.dir / "app.log").wait_ready()
    try:
        first_screen, pull, list_first = browser_figures(app.url, phone, args.runs)
    finally:
        app.stop()
        server.stop()

    store_file = next(phone.glob("store-*.sqlite"))
    from services.store import Store

    s = Store(store_file)
    user = s.user
    households = s.count_households()
    residents = s.conn.execute("SELECT count(*) FROM residents").fetchone()[0]
    s.close()
    keys = keystroke_figures(store_file, user)

    print(f"\nstaff scope on the phone: {households} households, {residents} residents")
    print(
        f"first screen (navigation -> login painted): "
        f"median {statistics.median(first_screen):.2f} s, max {max(first_screen):.2f} s  (target <= 3 s)"
    )
    print(
        f"first sign-in as staff, full pull until home: {pull['home']:.2f} s "
        f"(sign-in until the PIN offer {pull['signed_in']:.2f} s; badge online "
        f"{pull['online']:.2f} s; background, not a target)"
    )
    print(f"household list first page after tapping the tab: {list_first:.2f} s  (target <= 1 s)")
    every = [t for ts in keys.values() for t in ts]
    for label, ts in keys.items():
        print(
            f"search keystrokes, {label}: median {1000 * statistics.median(ts):.1f} ms, "
            f"max {1000 * max(ts):.1f} ms"
        )
    every.sort()
    p95 = every[int(0.95 * (len(every) - 1))]
    print(
        f"search handler per keystroke overall: median {1000 * statistics.median(every):.1f} ms, "
        f"p95 {1000 * p95:.1f} ms, max {1000 * every[-1]:.1f} ms  (target <= 150 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
