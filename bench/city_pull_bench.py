"""A head's first full pull on a seeded city vs on a one-community database, PostgreSQL.

    .venv/bin/python bench/city_pull_bench.py --city postgresql://…/city [--community 150]

``--city`` is a database made by ``seed-demo --communities N`` (scale 1, N up to 300: seeding
takes minutes, so this bench does not do it). Next to it, on the same PostgreSQL server, it
seeds a one-community database at the same scale (``<name>_one``, kept for the next run), then
starts the real server on each and times the first full pull (every page, median of 5) of a
head, a district head and staff: ``cNNN-…`` of community ``--community`` on the city, the same
logins unprefixed on the one community. It prints the plan of the head's first page on the
city (EXPLAIN ANALYZE: the pull reads the community's log by index, never the table).
Target: the city's pull within 1.2x of the one community's. Nothing is asserted;
on a shared machine read the ratios before the absolutes.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from server_bench import login, pull_all  # noqa: E402

from tests.services.serverproc import ServerProcess  # noqa: E402

ROLES = ("head01", "district1", "staff")


def one_community_db(city: str) -> str:
    """``<city>_one`` on the same server, seeded once at scale 1."""
    import psycopg

    parts = urlsplit(city)
    name = parts.path.lstrip("/") + "_one"
    url = urlunsplit(parts._replace(path="/" + name))
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    if not exists:
        subprocess.run(
            [sys.executable, "-m", "server", "seed-demo", "--db", url],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return url


def first_pulls(base: str, username: str, runs: int) -> tuple[float, int]:
    """(median seconds of ``runs`` first full pulls, changes pulled)."""
    times, count = [], 0
    with httpx.Client(base_url=base, timeout=300) as client:
        login(client, username)
        for _ in range(runs):
            began = time.perf_counter()
            changes, _ = pull_all(client)
            times.append(time.perf_counter() - began)
            count = len(changes)
    return statistics.median(times), count


def measure(db: str, prefix: str, runs: int, log: Path) -> dict[str, tuple[float, int]]:
    server = ServerProcess(db, log_path=log)
    server.start(deadline=180)
    try:
        return {role: first_pulls(server.url, prefix + role, runs) for role in ROLES}
    finally:
        server.stop()


def head_plan(city: str, username: str) -> list[str]:
    from sqlalchemy import Text, cast, select, text

    from server.db.engine import open_engine
    from server.db.schema import changes, users
    from server.domain.scope import pull_filter
    from server.domain.tokens import load_principal

    engine = open_engine(city)
    try:
        with engine.connect() as conn:
            user_id = conn.execute(select(users.c.id).where(users.c.username == username)).scalar()
            principal = load_principal(conn, user_id)
            page = (
                select(changes.c.seq, cast(changes.c.data, Text))
                .where(
                    changes.c.community_id == principal.community_id,
                    changes.c.seq > 0,
                    pull_filter(conn, principal),
                )
                .order_by(changes.c.seq)
                .limit(1001)
            )
            sql = str(page.compile(engine, compile_kwargs={"literal_binds": True}))
            return [r[0] for r in conn.execute(text("EXPLAIN (ANALYZE, COSTS OFF) " + sql))]
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city", required=True, help="postgresql:// URL of a seeded city")
    parser.add_argument("--community", type=int, default=150, help="whose logins pull")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    single = one_community_db(args.city)
    prefix = f"c{args.community:03d}-"
    logs = Path(tempfile.mkdtemp(prefix="xianglin-city-pull-"))
    city = measure(args.city, prefix, args.runs, logs / "city.log")
    one = measure(single, "", args.runs, logs / "one.log")
    print(f"first full pull, median of {args.runs} (noisy shared machine):")
    for role in ROLES:
        (c_s, c_n), (o_s, o_n) = city[role], one[role]
        print(
            f"  {role:10} city {c_s * 1e3:7.0f} ms ({c_n} changes)   one community"
            f" {o_s * 1e3:7.0f} ms ({o_n} changes)   city/one {c_s / o_s:5.2f}x (target <= 1.2x)"
        )
    print(f"plan of {prefix}head01's first page on the city:")
    for line in head_plan(args.city, prefix + "head01"):
        print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
