"""Report benchmark: one command, prints the latency of the office's figures.

    .venv/bin/python bench/report_bench.py [--seed 7] [--rounds 60] [--db postgresql://.../EMPTY_DB]

1. seeds the full demo community (``python -m server seed-demo``) into a temp SQLite file, or
   into the empty PostgreSQL database ``--db`` names;
2. starts the real server (``python -m server serve``) on a free loopback port;
3. over HTTP (httpx, keep-alive), after a warm-up, asks ``GET /reports/summary`` ``--rounds``
   times each for: staff, whole community, this year; staff, one district, one quarter;
   staff, one estate, one month; a district head, their district, this year. Prints p50 / p95
   / max per case and over all. Target: p95 <= 100 ms;
4. downloads each ledger (``GET /exports/{kind}.xlsx``, the whole community) three times and
   prints the best and median; target: the 11,000-resident register in <= 2 s.
Nothing is asserted.
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
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.server_bench import cpu_seconds  # noqa: E402
from tests.services.serverproc import ServerProcess  # noqa: E402

PY = sys.executable
API = "/api/v1"
PASSWORD = "demo1234"
TARGET_P95_MS = 100.0
TARGET_EXPORT_S = 2.0
EXPORT_ROUNDS = 3


def login(client: httpx.Client, username: str) -> dict:
    r = client.post(
        API + "/auth/login",
        json={"username": username, "password": PASSWORD, "device_id": f"bench-{username}"},
    )
    r.raise_for_status()
    body = r.json()
    client.headers["Authorization"] = f"Bearer {body['token']}"
    return body["user"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(client: httpx.Client, params: dict) -> float:
    started = time.perf_counter()
    r = client.get(API + "/reports/summary", params=params)
    elapsed = time.perf_counter() - started
    r.raise_for_status()
    return elapsed * 1000


def _per_request(before: float | None, after: float | None, n: int, unit: float = 1000.0) -> str:
    """Server CPU per request (ms, or s with unit=1): what a request costs on an idle core,
    whatever else the machine is doing."""
    if before is None or after is None:
        return "?"
    return f"{(after - before) * unit / n:.{0 if unit == 1000.0 else 2}f}"


def measure(base: str, rounds: int, server_pid: int | None = None) -> int:
    today = dt.date(2026, 11, 30)  # the demo's history lies before 2026-11-01
    year = {"from": f"{today.year}-01-01", "to": str(today)}
    with (
        httpx.Client(base_url=base, timeout=60) as staff,
        httpx.Client(base_url=base, timeout=60) as district,
    ):
        login(staff, "staff")
        login(district, "district1")
        whole = staff.get(API + "/reports/summary", params=year).json()
        district_id = whole["by_estate"][0]["district_id"]
        estate_id = max(whole["by_estate"], key=lambda e: e["households"])["estate_id"]
        print(
            f"community: {whole['residents']} residents, {whole['households']} households, "
            f"{whole['visits']} visits, {whole['concerns']['total']} concerns this year"
        )
        cases = [
            ("staff, community, year", staff, year),
            (
                "staff, district, quarter",
                staff,
                {"from": "2026-08-01", "to": "2026-10-31", "district_id": district_id},
            ),
            (
                "staff, estate, month",
                staff,
                {"from": "2026-10-01", "to": "2026-10-31", "estate_id": estate_id},
            ),
            ("district head, own district, year", district, year),
        ]
        for _, client, params in cases:  # warm-up
            for _ in range(3):
                timed(client, params)
        every: list[float] = []
        print(
            f"{'case':40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu ms':>8}"
            f"   ({rounds} requests each; cpu = server CPU per request)"
        )
        for name, client, params in cases:
            cpu_before = cpu_seconds(server_pid)
            lat = [timed(client, params) for _ in range(rounds)]
            cpu = _per_request(cpu_before, cpu_seconds(server_pid), rounds)
            every += lat
            print(
                f"{name:40} {statistics.median(lat):8.1f} {percentile(lat, 0.95):8.1f} "
                f"{max(lat):8.1f} {cpu:>8}"
            )
        p95 = percentile(every, 0.95)
        verdict = "ok" if p95 <= TARGET_P95_MS else "MISSED"
        print(f"{'all':40} {statistics.median(every):8.1f} {p95:8.1f} {max(every):8.1f}")
        print(f"summary p95 {p95:.1f} ms   target <= {TARGET_P95_MS:.0f} ms   {verdict}")

        # ledgers: the whole community's, as a download
        for kind, params in (
            ("residents", {}),
            ("visits", year),
            ("concerns", year),
            ("responses", year),
        ):
            times = []
            cpu_before = cpu_seconds(server_pid)
            for _ in range(EXPORT_ROUNDS):
                started = time.perf_counter()
                r = staff.get(f"{API}/exports/{kind}.xlsx", params=params)
                times.append(time.perf_counter() - started)
                r.raise_for_status()
            cpu = _per_request(cpu_before, cpu_seconds(server_pid), EXPORT_ROUNDS, unit=1.0)
            best = min(times)
            target = ""
            if kind == "residents":
                verdict = "ok" if best <= TARGET_EXPORT_S else "MISSED"
                target = f"target <= {TARGET_EXPORT_S:.0f} s   {verdict}"
            print(
                f"export {kind:10} {len(r.content) / 1024:7.0f} KiB   best {best:5.2f} s   "
                f"median {statistics.median(times):5.2f} s   server cpu {cpu} s   {target}"
            )
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=60)
    ap.add_argument(
        "--db",
        metavar="URL",
        help="seed and serve this EMPTY PostgreSQL database instead of a temp SQLite file",
    )
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} CPUs; python {sys.version.split()[0]}")
    print(f"database: {'PostgreSQL' if args.db else 'SQLite'}")
    tmp = Path(tempfile.mkdtemp(prefix="xianglin-report-bench-"))
    db = args.db or str(tmp / "bench.db")
    server = None
    try:
        seeded = subprocess.run(
            [PY, "-m", "server", "seed-demo", "--db", db, "--seed", str(args.seed)],
            cwd=ROOT,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
            capture_output=True,
            text=True,
        )
        if seeded.returncode != 0:
            print(seeded.stderr, file=sys.stderr)
            return 1
        server = ServerProcess(db, log_path=tmp / "server.log").start(deadline=60)
        return measure(server.url, args.rounds, server.proc.pid)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
