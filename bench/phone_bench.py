"""Phone-side figures: first pull into an empty store (staff scope, head scope), 1,000 visits
recorded offline then synced end to end, and resident search latency over the full register.

    .venv/bin/python bench/phone_bench.py [--db SEEDED.db] [--runs 3]

Seeds the full demo community (unless --db gives one; it is copied, never changed), starts
the real server (``python -m server serve``) on a free loopback port, and drives real phone
stores with the real sync engine over HTTP. Prints one line per figure with its target.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from services.auth import login  # noqa: E402
from services.store import Store  # noqa: E402
from services.sync import SyncEngine  # noqa: E402
from tests.services.serverproc import ServerProcess, seed_small  # noqa: E402

PASSWORD = "demo1234"


def line(name: str, value: float, unit: str, target: float | None = None, extra: str = "") -> None:
    verdict = "" if target is None else ("  OK" if value <= target else "  OVER")
    tgt = "" if target is None else f"  (target <= {target:g} {unit})"
    print(
        f"{name:44} {value:9.3f} {unit}{tgt}{verdict}{('  ' + extra) if extra else ''}", flush=True
    )


async def first_pull(url: str, username: str, path: Path, **kw) -> tuple[float, Store, SyncEngine]:
    store = Store(path)
    token, user = await login(url, username, PASSWORD, store.device_id)
    store.set_user(user)
    engine = SyncEngine(store, url, token, **kw)
    t0 = time.perf_counter()
    status = await engine.sync_now()
    elapsed = time.perf_counter() - t0
    assert status.last_error is None, status
    return elapsed, store, engine


async def bench(url: str, work: Path, runs: int) -> None:
    # first pull, staff scope (the whole community)
    times = []
    for i in range(runs):
        elapsed, store, engine = await first_pull(url, "staff", work / f"staff{i}.db")
        times.append(elapsed)
        residents = store.conn.execute("SELECT COUNT(*) FROM residents").fetchone()[0]
        await engine.stop()
        if i < runs - 1:
            store.close()
    line("first pull, staff scope (median)", statistics.median(times), "s", 1.5,
         f"{residents} residents, runs {', '.join(f'{t:.3f}' for t in times)}")  # fmt: skip
    staff_store = store

    # first pull, head scope
    times = []
    for i in range(runs):
        elapsed, hstore, hengine = await first_pull(url, "head01", work / f"head{i}.db")
        times.append(elapsed)
        await hengine.stop()
        if i < runs - 1:
            hstore.close()
    line("first pull, head scope (median)", statistics.median(times), "s", 0.3,
         f"{hstore.count_households()} households")  # fmt: skip

    # 1,000 visits recorded offline, then one sync (push, then pull them back)
    token, _ = await login(url, "head01", PASSWORD, hstore.device_id)
    engine = SyncEngine(hstore, url, token)
    households = hstore.households(limit=100_000)
    rng = random.Random(1)
    t0 = time.perf_counter()
    for _ in range(1000):
        hstore.record_visit(rng.choice(households)["id"], method="in_person", people_reached=2,
                            answers={"household_size": 2}, notes="bench")  # fmt: skip
    recorded = time.perf_counter() - t0
    line("record 1,000 visits locally", recorded, "s", None, f"{recorded:.4f} s total")
    t0 = time.perf_counter()
    status = await engine.sync_now()
    pushed = time.perf_counter() - t0
    assert status.pending == 0 and status.last_error is None, status
    line("1,000 visits pushed, end to end", pushed, "s", 1.5, "push + pull back")
    await engine.stop()
    hstore.close()

    # search over the staff store
    rows = staff_store.conn.execute(
        "SELECT r.name, r.name_py, r.name_ini, r.phone_tail, h.address FROM residents r"
        " JOIN households h ON h.id = r.household_id"
    ).fetchall()
    rng = random.Random(7)
    queries: list[str] = []
    for name, py, ini, tail, address in rng.sample(rows, 100):
        queries += [name, name[:1], name[1:], py, py[: max(2, len(py) // 2)], ini]
        if tail:
            queries.append(tail)
        queries += [address, address.rsplit("-", 1)[0], address.split("-")[0]]
    t0 = time.perf_counter()
    staff_store.search_residents("warm-up")
    line(
        "first search after the pull",
        time.perf_counter() - t0,
        "s",
        None,
        f"{len(rows)} residents (index warmed by the engine)",
    )
    lat = []
    for q in queries:
        t = time.perf_counter()
        staff_store.search_residents(q)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    p95 = lat[int(len(lat) * 0.95) - 1]
    line("search p95", p95, "ms", 5.0,
         f"p50 {statistics.median(lat):.3f} ms, max {lat[-1]:.3f} ms, {len(lat)} queries")  # fmt: skip
    staff_store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="an already seeded full demo database (copied)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="phone-bench-") as tmp:
        work = Path(tmp)
        db = work / "server.db"
        if args.db:
            with sqlite3.connect(args.db) as src, sqlite3.connect(db) as dst:
                src.backup(dst)
        else:
            t0 = time.perf_counter()
            seed_small(db, scale=1.0)
            print(f"seeded the full demo community in {time.perf_counter() - t0:.1f} s", flush=True)
        server = ServerProcess(db)
        server.start()
        try:
            asyncio.run(bench(server.url, work, args.runs))
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
