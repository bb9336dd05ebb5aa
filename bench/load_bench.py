"""Load test with Locust: simulated heads through the real sync protocol. One command.

    .venv/bin/python bench/load_bench.py [--users 11] [--duration 60] [--scale 1.0]
        [--db postgresql://.../EMPTY_DB | --pg] [--communities N] [--workers W] [--keep]
    .venv/bin/python bench/load_bench.py --db postgresql://.../CITY --seeded --communities 300
        --users 300 --duration 300     # a city seeded before (seeding 300 takes minutes)

1. seeds the demo community (``python -m server seed-demo``) into a temp SQLite file, or into
   the empty PostgreSQL database ``--db`` names, or into a throwaway PostgreSQL cluster
   (``--pg``, tests/pg.py); with ``--communities N`` (N > 1) N communities, and the heads are
   spread over them (``c001-head01``, ``c002-head01``, ...); with ``--seeded`` the ``--db``
   database already holds them (``--communities`` says how many) and is served as it is;
2. starts the real server (``python -m server serve [--workers W]``) on a free loopback port;
3. runs Locust headless (bench/load/locustfile.py) with one distinct head login per user for
   the given duration: each head signs in, pulls fully, then loops push (visits and concerns)
   and incremental pull;
4. prints requests, error rate, mutations applied, p50/p95 of push and pull, and at the end
   the server's RSS and PostgreSQL's (the sum over the cluster's processes).

Why Locust: an established load generator written in Python, so a simulated head is a plain
Python class that builds its mutations with the protocol's own models (services/protocol),
and it runs headless, leaving CSV statistics (kept with ``--keep``) and the summary this
script prints. Nothing is asserted; exit
code 1 if any request failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.services.serverproc import ServerProcess, subprocess_env  # noqa: E402

PY = sys.executable
LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
PASSWORD = "demo1234"
HEADS_PER_COMMUNITY = 11


def head_logins(users: int, communities: int = 1) -> list[str]:
    """One distinct head login per user: head01.. in one community; with several, the first
    head of every community, then the second, ... (``cNNN-headMM``)."""
    if users > HEADS_PER_COMMUNITY * communities:
        raise SystemExit(f"{users} users but only {HEADS_PER_COMMUNITY * communities} heads")
    if communities <= 1:
        return [f"head{i + 1:02d}" for i in range(users)]
    return [f"c{i % communities + 1:03d}-head{i // communities + 1:02d}" for i in range(users)]


@dataclass
class LoadResult:
    """What the locustfile wrote when its users had stopped (``--load-summary``)."""

    requests_by_name: dict[str, dict]  # count, failures, p50_ms, p95_ms
    total: dict[str, int]  # count, failures
    applied: dict[str, int]  # mutations the server applied, by type
    busy_logins: int  # 503s (password checks busy) a head waited out and signed in again
    returncode: int
    output: str

    @property
    def requests(self) -> int:
        return self.total["count"]

    @property
    def failures(self) -> int:
        return self.total["failures"]

    def count(self, name: str) -> int:
        return self.requests_by_name.get(name, {}).get("count", 0)

    def percentile(self, name: str, key: str) -> str:
        row = self.requests_by_name.get(name)
        return f"{row[key]:.0f} ms" if row and row["count"] else "n/a"


def run_locust(
    host: str,
    heads: list[str],
    duration_s: float,
    out_dir: Path,
    *,
    visits_per_push: int = 10,
    pause: float = 0.5,
) -> LoadResult:
    """Locust headless against ``host``, one user per head login, all started at once."""
    prefix, summary = out_dir / "locust", out_dir / "applied.json"
    argv = [
        PY, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", host,
        "--users", str(len(heads)), "--spawn-rate", str(len(heads)),
        "--run-time", f"{max(1, round(duration_s))}s", "--stop-timeout", "30",
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
        "--heads", ",".join(heads), "--password", PASSWORD,
        "--visits-per-push", str(visits_per_push), "--pause", str(pause),
        "--load-summary", str(summary),
    ]  # fmt: skip
    proc = subprocess.run(
        argv,
        cwd=ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=duration_s + 120,
    )
    output = proc.stdout + proc.stderr
    if not summary.exists():
        raise RuntimeError(f"locust exited with {proc.returncode}:\n{output[-3000:]}")
    got = json.loads(summary.read_text())
    return LoadResult(
        got["requests"], got["total"], got["applied"], got["busy_logins"], proc.returncode, output
    )


def tree_rss(pid: int) -> int:
    """Resident memory of a process and its children, in bytes."""
    root = psutil.Process(pid)
    total = 0
    for p in [root, *root.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:  # a backend that ended meanwhile
            continue
    return total


def postgres_rss(url: str) -> int | None:
    """Summed RSS of the PostgreSQL cluster's processes (the postmaster and its children),
    found from a backend's pid; None when the server is not on this machine. Shared buffers
    count once per process that touched them, so this is an upper bound."""
    with psycopg.connect(url) as conn:
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        try:
            postmaster = psutil.Process(backend).parent()
        except psutil.Error:
            return None
    return tree_rss(postmaster.pid) if postmaster else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--users", type=int, default=11, help="simulated heads (distinct logins)")
    ap.add_argument("--duration", type=float, default=60, help="seconds of load")
    ap.add_argument("--visits-per-push", type=int, default=10)
    ap.add_argument("--pause", type=float, default=0.5, help="seconds between a head's rounds")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--scale", type=float, default=1.0, help="demo population scale")
    ap.add_argument("--communities", type=int, default=1)
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--db", metavar="URL", help="an EMPTY PostgreSQL database to seed and serve")
    where.add_argument("--pg", action="store_true", help="a throwaway PostgreSQL cluster")
    ap.add_argument(
        "--seeded", action="store_true", help="--db is already seeded: serve it as it is"
    )
    ap.add_argument("--workers", type=int, default=1, help="serve --workers W")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (database, logs, CSV)")
    args = ap.parse_args()
    if args.seeded and not args.db:
        ap.error("--seeded needs --db")
    heads = head_logins(args.users, args.communities)

    tmp = Path(tempfile.mkdtemp(prefix="xianglin-load-"))
    cluster = server = None
    try:
        if args.pg:
            from tests.pg import PgCluster

            cluster = PgCluster().start()
            db = cluster.create_database()
        else:
            db = args.db or str(tmp / "load.db")
        kind = "PostgreSQL" if "://" in db else "SQLite"
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {kind}")
        if not args.seeded and seed(db, args) != 0:
            return 1
        workers = ["--workers", str(args.workers)]
        # every simulated phone signs in from this machine's one address: the per-address
        # login limit is for real phones, each behind its own
        limits = {"XIANGLIN_LOGIN_FAILURES_PER_CLIENT": str(max(20, 2 * len(heads)))}
        server = ServerProcess(db, log_path=tmp / "server.log", extra_args=workers, env=limits)
        server.start(deadline=180)
        print(
            f"locust: {len(heads)} heads in {min(len(heads), args.communities)} communities for"
            f" {args.duration:.0f} s, {args.visits_per_push} visits a push, pause {args.pause} s,"
            f" {args.workers} server process(es)"
        )
        result = run_locust(
            server.url, heads, args.duration, tmp,
            visits_per_push=args.visits_per_push, pause=args.pause,
        )  # fmt: skip
        server_rss = tree_rss(server.proc.pid)
        pg_rss = postgres_rss(db) if kind == "PostgreSQL" else None
        report(result, args.duration, server_rss, pg_rss)
        if result.failures:
            print(result.output[-3000:], file=sys.stderr)
        return 1 if result.failures else 0
    finally:
        if server is not None:
            server.stop()
        if cluster is not None:
            cluster.stop()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def seed(db: str, args: argparse.Namespace) -> int:
    seed_cmd = [PY, "-m", "server", "seed-demo", "--db", db, "--seed", str(args.seed)]
    seed_cmd += ["--scale", str(args.scale)]
    if args.communities > 1:
        seed_cmd += ["--communities", str(args.communities)]
    started = time.perf_counter()
    seeded = subprocess.run(
        seed_cmd, cwd=ROOT, env=subprocess_env(), capture_output=True, text=True
    )
    if seeded.returncode != 0:
        print(seeded.stderr, file=sys.stderr)
        return 1
    print(
        f"seeded (scale {args.scale}, {args.communities} community(ies))"
        f" in {time.perf_counter() - started:.1f} s"
    )
    return 0


def report(result: LoadResult, duration: float, server_rss: int, pg_rss: int | None) -> None:
    mutations = sum(result.applied.values())
    rate = result.failures / result.requests if result.requests else 0.0
    print("figures:")
    print(f"  requests {result.requests:>8}   failed {result.failures}   error rate {rate:.2%}")
    print(
        f"  mutations applied {mutations} ({result.applied.get('visit.record', 0)} visits, "
        f"{result.applied.get('concern.create', 0)} concerns), {mutations / duration:.0f}/s"
    )
    for name in ("push", "pull", "pull full", "login", "login (again after busy)"):
        print(
            f"  {name:10} {result.count(name):>6} requests   p50 {result.percentile(name, 'p50_ms'):>9}"
            f"   p95 {result.percentile(name, 'p95_ms'):>9}"
        )
    print(f"  sign-ins answered 503 busy and retried (not errors): {result.busy_logins}")
    print(f"  server RSS at the end      {server_rss / 2**20:8.0f} MiB")
    if pg_rss is not None:
        print(f"  PostgreSQL RSS (sum)       {pg_rss / 2**20:8.0f} MiB")


if __name__ == "__main__":
    sys.exit(main())
