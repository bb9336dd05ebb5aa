"""Scale benchmark: many communities on one deployment. One command, prints the figures.

    .venv/bin/python bench/scale_bench.py [--communities 11] [--scale 0.05] [--pushes 4]
                                          [--only sqlite|postgres]

For SQLite (a temp file) and PostgreSQL (a throwaway cluster, tests/pg.py):
1. seeds ``--communities`` demo-shaped communities (``seed-demo --communities N``, COPY on
   PostgreSQL) and a one-community database at the same scale; prints seed time and size;
2. starts the real server on each (``python -m server serve [--workers W]``), lets each head
   push once unmeasured (the server's first pushes compile its statements), and measures
   over HTTP:
   - 11 heads in ONE community (c001-head01..11) pushing at once, ``--pushes`` pushes of 50
     visits each: mutations/s and p50/p95 of a push (all wait on one community's sequence);
   - 11 heads in 11 DIFFERENT communities (c001..c011-head01), the same: their pushes take
     different sequence locks (PostgreSQL; SQLite still has one writer at a time);
   - a head's first full pull on the N-community database vs the one-community database
     (median of 3): scope by index, so the other communities should not slow it.
Targets (PostgreSQL): many/one throughput >= 1.8x and >= 1,500 mutations/s; p95 of
a 50-visit push with 11 heads at once <= 150 ms; pull within 1.2x. On a shared 2-core machine
read the ratios (same run) before the absolutes. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from server_bench import API, households_of, login, pull_all, visit_mutation  # noqa: E402

from tests.services.serverproc import ServerProcess  # noqa: E402

PY = sys.executable
BATCH = 50


def seed(db: str, communities: int, scale: float) -> float:
    started = time.perf_counter()
    argv = [PY, "-m", "server", "seed-demo", "--db", db, "--scale", str(scale)]
    subprocess.run(
        [*argv, "--communities", str(communities)], cwd=ROOT, check=True, capture_output=True
    )
    return time.perf_counter() - started


def server_cpu(pid: int) -> float:
    """CPU seconds the server process and its workers have used so far."""
    root = psutil.Process(pid)
    total = 0.0
    for p in [root, *root.children(recursive=True)]:
        try:
            times = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def push_round(
    base: str, heads: list[str], pushes: int, server_pid: int
) -> tuple[float, float, float, float]:
    """(mutations/s, p50 ms, p95 ms, server CPU ms per push) with every head pushing at
    once. The server's CPU per push is what a dedicated core would spend: on a shared
    machine it says more than the latencies, which include waiting for a core."""
    clients = {h: httpx.Client(base_url=base, timeout=120) for h in heads}
    houses = {}
    for h, client in clients.items():
        login(client, h)
        houses[h] = households_of(client)
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(len(heads) + 1)

    def run(h: str) -> None:
        # encoded before the start: the clients' JSON work is not the server's to measure
        bodies = [
            json.dumps(
                {
                    "device_id": f"bench-{h}",
                    "mutations": [
                        visit_mutation(houses[h][(p * BATCH + i) % len(houses[h])], i)
                        for i in range(BATCH)
                    ],
                }
            ).encode()
            for p in range(pushes)
        ]
        start.wait()
        for body in bodies:
            took = push_encoded(clients[h], h, body)
            with lock:
                latencies.append(took)

    threads = [threading.Thread(target=run, args=(h,)) for h in heads]
    for t in threads:
        t.start()
    cpu_before = server_cpu(server_pid)
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    cpu = (server_cpu(server_pid) - cpu_before) / (len(heads) * pushes)
    for client in clients.values():
        client.close()
    latencies.sort()
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    return (
        len(heads) * pushes * BATCH / wall,
        statistics.median(latencies) * 1e3,
        p95 * 1e3,
        cpu * 1e3,
    )


def push_encoded(client: httpx.Client, username: str, body: bytes) -> float:
    """Seconds one push of an encoded body took; every mutation must be applied."""
    started = time.perf_counter()
    r = client.post(API + "/sync/push", content=body, headers={"Content-Type": "application/json"})
    elapsed = time.perf_counter() - started
    r.raise_for_status()
    if {res["status"] for res in r.json()["results"]} != {"applied"}:
        raise RuntimeError(f"push by {username} not all applied: {r.json()['results'][:3]}")
    return elapsed


def first_pull(base: str, username: str) -> tuple[float, int]:
    """(median seconds of 3 first full pulls, changes pulled)."""
    times, count = [], 0
    for _ in range(3):
        with httpx.Client(base_url=base, timeout=120) as client:
            login(client, username)
            began = time.perf_counter()
            changes, _ = pull_all(client)
            times.append(time.perf_counter() - began)
            count = len(changes)
    return statistics.median(times), count


def size_of(db: str) -> str:
    if "://" not in db:
        return f"{Path(db).stat().st_size / 1e6:.1f} MB"
    from sqlalchemy import text

    from server.db.engine import open_engine

    engine = open_engine(db)
    try:
        with engine.connect() as conn:
            size = conn.execute(text("select pg_database_size(current_database())")).scalar()
    finally:
        engine.dispose()
    return f"{size / 1e6:.1f} MB"


def measure(kind: str, multi: str, single: str, args, log_dir: Path) -> None:
    n = args.communities
    print(
        f"\n== {kind}: {n} communities at scale {args.scale}, {args.workers} server"
        " process(es) (noisy shared machine) =="
    )
    seeded = seed(multi, n, args.scale)
    print(f"  seed {n} communities: {seeded:.1f} s, database {size_of(multi)}")
    seed(single, 1, args.scale)
    workers = ["--workers", str(args.workers)]
    server = ServerProcess(multi, log_path=log_dir / f"{kind}-multi.log", extra_args=workers)
    server.start(deadline=180)
    try:
        pull_multi, pulled = first_pull(server.url, "c001-head01")  # before any push
        pid = server.proc.pid
        # unmeasured: a fresh server process compiles its statements and opens its database
        # connections on its first pushes; the rounds below measure it serving
        push_round(server.url, [f"c001-head{i:02d}" for i in range(1, 12)], 1, pid)
        one = push_round(server.url, [f"c001-head{i:02d}" for i in range(1, 12)], args.pushes, pid)
        many = push_round(server.url, [f"c{i:03d}-head01" for i in range(1, 12)], args.pushes, pid)
    finally:
        server.stop()
    server = ServerProcess(single, log_path=log_dir / f"{kind}-single.log", extra_args=workers)
    server.start(deadline=180)
    try:
        pull_single, pulled_single = first_pull(server.url, "head01")
    finally:
        server.stop()
    print(
        f"  11 heads, one community:    {one[0]:7.0f} mutations/s, push p50 {one[1]:4.0f} ms, p95 {one[2]:4.0f} ms"
    )  # noqa: E501
    print(
        f"  11 heads, 11 communities:   {many[0]:7.0f} mutations/s, push p50 {many[1]:4.0f} ms, p95 {many[2]:4.0f} ms"
    )  # noqa: E501
    print(
        f"  server CPU per 50-visit push: {one[3]:5.1f} ms (one community),"
        f" {many[3]:5.1f} ms (11 communities)"
    )
    print(f"  throughput many/one:        {many[0] / one[0]:7.2f}x   (target >= 1.8x, PostgreSQL)")
    print(
        f"  first full pull, head:      {pull_multi * 1e3:7.0f} ms on {n} communities ({pulled} changes)"
    )  # noqa: E501
    print(
        f"                              {pull_single * 1e3:7.0f} ms on one ({pulled_single} changes)"
    )  # noqa: E501
    print(f"  pull many/one:              {pull_multi / pull_single:7.2f}x   (target <= 1.2x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=11)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--pushes", type=int, default=4, help="pushes of 50 visits per head")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--workers", type=int, default=1, help="serve --workers N")
    args = parser.parse_args()
    if args.communities < 11:
        parser.error("--communities must be at least 11 (11 heads in 11 communities)")
    tmp = Path(tempfile.mkdtemp(prefix="xianglin-scale-"))
    if args.only != "postgres":
        measure("sqlite", str(tmp / "multi.db"), str(tmp / "single.db"), args, tmp)
    if args.only != "sqlite":
        from tests.pg import PgCluster

        cluster = PgCluster().start()
        try:
            multi, single = cluster.create_database(), cluster.create_database()
            measure("postgres", multi, single, args, tmp)
        finally:
            cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
