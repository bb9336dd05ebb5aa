"""Server benchmark: one command, prints the figures the server is held to.

    .venv/bin/python bench/server_bench.py [--seed 7] [--keep] [--db postgresql://.../EMPTY_DB]

1. seeds the full demo community into a temp dir, or into the empty PostgreSQL database
   ``--db`` names (``python -m server seed-demo``, timed as a whole process: start-up,
   migrations, generation, argon2, inserts, commit);
2. starts the real server (``python -m server serve``) on a free loopback port;
3. measures over HTTP (httpx, keep-alive):
   - staff full pull of the whole community, all pages (limit = the protocol's maximum);
   - 1,000 visits pushed by one head in batches of 100, one after another;
   - 11 heads at once, each pushing 200 visits in pushes of 50: mutations/s overall and the
     p50/p95 latency of a push.
Targets: seed <= 60 s, full pull <= 1.5 s, 1,000 visits <= 1 s, >= 200 mutations/s
with p95 <= 300 ms. Nothing here is asserted; the figures are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.services.serverproc import ServerProcess  # noqa: E402

PY = sys.executable
API = "/api/v1"
HEADS = [f"head{i:02d}" for i in range(1, 12)]
PASSWORD = "demo1234"
MAX_LIMIT = 5000


def login(client: httpx.Client, username: str) -> dict:
    r = client.post(
        API + "/auth/login",
        json={"username": username, "password": PASSWORD, "device_id": f"bench-{username}"},
    )
    r.raise_for_status()
    body = r.json()
    client.headers["Authorization"] = f"Bearer {body['token']}"
    return body["user"]


def pull_all(client: httpx.Client, limit: int = MAX_LIMIT) -> tuple[list[dict], int]:
    changes: list[dict] = []
    cursor, pages = None, 0
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        r = client.get(API + "/sync/pull", params=params)
        r.raise_for_status()
        body = r.json()
        changes.extend(body["changes"])
        cursor, pages = body["cursor"], pages + 1
        if not body["has_more"]:
            return changes, pages


def visit_mutation(household_id: str, n: int) -> dict:
    at = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    at += dt.timedelta(minutes=n)
    return {
        "id": str(uuid.uuid4()),
        "type": "visit.record",
        "entity_id": str(uuid.uuid4()),
        "created_at": at.isoformat(),
        "payload": {
            "household_id": household_id,
            "visited_at": at.isoformat(),
            "method": "in_person",
            "people_reached": 2,
            "checklist_version": 1,
            "answers": {
                "household_size": 3,
                "suggestions": "",
                "officials_conduct": "good",
                "difficulties": "",
                "home_safety": ["none"],
            },
            "notes": "bench",
        },
    }


def push(client: httpx.Client, username: str, mutations: list[dict]) -> float:
    started = time.perf_counter()
    r = client.post(
        API + "/sync/push", json={"device_id": f"bench-{username}", "mutations": mutations}
    )
    elapsed = time.perf_counter() - started
    r.raise_for_status()
    statuses = {res["status"] for res in r.json()["results"]}
    if statuses != {"applied"}:
        raise RuntimeError(f"push by {username} not all applied: {r.json()['results'][:3]}")
    return elapsed


def households_of(client: httpx.Client) -> list[str]:
    changes, _ = pull_all(client)
    return [c["id"] for c in changes if c["entity"] == "household" and c["op"] == "upsert"]


def line(name: str, value: str, target: str, ok: bool) -> None:
    print(f"  {name:44} {value:>16}   target {target:>10}   {'ok' if ok else 'MISSED'}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (database, log)")
    ap.add_argument(
        "--server",
        metavar="URL",
        help="measure an already running server holding a fresh demo community (no seeding)",
    )
    ap.add_argument(
        "--db",
        metavar="URL",
        help="seed and serve this EMPTY PostgreSQL database instead of a temp SQLite file",
    )
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} CPUs; python {sys.version.split()[0]}")
    if args.server:
        return measure(args.server, None, {})
    tmp = Path(tempfile.mkdtemp(prefix="xianglin-bench-"))
    db = args.db or str(tmp / "bench.db")
    print(f"database: {'PostgreSQL' if args.db else 'SQLite'}")
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    server = None
    try:
        started = time.perf_counter()
        seeded = subprocess.run(
            [PY, "-m", "server", "seed-demo", "--db", str(db), "--seed", str(args.seed)],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )  # fmt: skip
        seed_s = time.perf_counter() - started
        if seeded.returncode != 0:
            print(seeded.stderr, file=sys.stderr)
            return 1
        counts = dict(
            ln.split()[:2] for ln in seeded.stdout.splitlines() if ln.startswith("  ") and len(ln.split()) == 2
        )  # fmt: skip
        server = ServerProcess(db, log_path=tmp / "server.log").start(deadline=60)
        return measure(server.url, seed_s, counts, server.proc.pid)
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def cpu_seconds(pid: int | None) -> float | None:
    """User+system CPU time of a process (Linux /proc), or None if unknown."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(base: str, seed_s: float | None, counts: dict, server_pid: int | None = None) -> int:
    """The three HTTP measurements against ``base``; prints every figure."""
    # 1. staff full pull
    with httpx.Client(base_url=base, timeout=60) as staff:
        login(staff, "staff")
        pull_all(staff)  # warm-up: first-touch of pages and code paths
        started = time.perf_counter()
        changes, pages = pull_all(staff)
        pull_s = time.perf_counter() - started
    n_residents = sum(1 for c in changes if c["entity"] == "resident")

    # 2. one head, 1,000 visits in batches of 100
    with httpx.Client(base_url=base, timeout=60) as head:
        login(head, "head01")
        houses = households_of(head)
        muts = [visit_mutation(houses[i % len(houses)], i) for i in range(1000)]
        push(head, "head01", [visit_mutation(houses[0], 5000)])  # warm-up
        started = time.perf_counter()
        batch_lat = [push(head, "head01", muts[i : i + 100]) for i in range(0, 1000, 100)]
        batch_s = time.perf_counter() - started

    # 3. eleven heads at once, 200 visits each in pushes of 50
    clients, plans = [], []
    for username in HEADS:
        c = httpx.Client(base_url=base, timeout=60)
        login(c, username)
        hs = households_of(c)
        plans.append([visit_mutation(hs[i % len(hs)], i) for i in range(200)])
        clients.append(c)
    barrier = threading.Barrier(len(HEADS) + 1)
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        barrier.wait()
        try:
            for j in range(0, 200, 50):
                lat = push(clients[i], HEADS[i], plans[i][j : j + 50])
                with lock:
                    latencies.append(lat)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(HEADS))]
    for t in threads:
        t.start()
    barrier.wait()
    cpu_before = cpu_seconds(server_pid)
    started = time.perf_counter()
    for t in threads:
        t.join()
    concurrent_s = time.perf_counter() - started
    cpu_after = cpu_seconds(server_pid)
    for c in clients:
        c.close()
    if errors:
        raise errors[0]
    total = 200 * len(HEADS)
    rate = total / concurrent_s
    lat_sorted = sorted(latencies)
    p95 = lat_sorted[max(0, int(round(0.95 * len(lat_sorted))) - 1)]
    p50 = statistics.median(lat_sorted)

    print(
        f"\ndemo: {counts.get('households')} households, {counts.get('residents')} residents, "
        f"{counts.get('visits')} visits, {counts.get('concerns')} concerns"
    )
    print("figures:")
    if seed_s is not None:
        line("seed-demo (whole process)", f"{seed_s:.2f} s", "<= 60 s", seed_s <= 60)
    line(
        f"staff full pull ({len(changes)} changes, {n_residents} residents, {pages} pages)",
        f"{pull_s:.3f} s", "<= 1.5 s", pull_s <= 1.5,
    )  # fmt: skip
    line("1,000 visits, 10 pushes of 100, one head", f"{batch_s:.3f} s", "<= 1 s", batch_s <= 1)
    print(
        f"    per push of 100: median {statistics.median(batch_lat) * 1000:.0f} ms, max {max(batch_lat) * 1000:.0f} ms"
    )
    line(
        f"11 heads x 200 visits at once ({total} mutations)",
        f"{rate:.0f} mut/s",
        ">= 200/s",
        rate >= 200,
    )
    line("  p95 latency per 50-mutation push", f"{p95 * 1000:.0f} ms", "<= 300 ms", p95 <= 0.3)
    print(
        f"    p50 {p50 * 1000:.0f} ms, max {lat_sorted[-1] * 1000:.0f} ms, wall {concurrent_s:.2f} s"
    )
    if cpu_before is not None and cpu_after is not None:
        per = (cpu_after - cpu_before) / total * 1000
        print(
            f"    server CPU {per:.2f} ms per mutation ({cpu_after - cpu_before:.2f} s in {concurrent_s:.2f} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
