"""Login cost benchmark: one command, prints the figures.

    .venv/bin/python bench/login_bench.py [--concurrent 50] [--hash-only]

1. one argon2id verification with the server's parameters (server.domain.passwords): the
   median and the fastest of 20, in this process;
2. a real server (``python -m server serve``) on a small seeded SQLite database in a temp
   dir, idle; then ``--concurrent`` wrong logins at once, each from its own client address
   and username (tests/services/login_flood.py), so every one asks for a password check:
   the server's resident memory idle, its peak during the flood and after, the answers by
   status, and how long the flood took. The bound promised: peak within 256 MiB over idle.
Figures on a shared 2-core machine are noisy; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from server.domain import passwords  # noqa: E402
from tests.services.login_flood import FORWARDED_ARGS, wrong_login_flood  # noqa: E402
from tests.services.serverproc import ServerProcess, seed_small  # noqa: E402


def hash_figures(rounds: int = 20) -> None:
    stored = passwords.hash_password("correct horse")
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        passwords.verify_password(stored, "wrong")
        times.append((time.perf_counter() - t) * 1000)
    print(
        f"argon2id m={passwords.MEMORY_KIB // 1024} MiB t={passwords.TIME_COST} "
        f"p={passwords.PARALLELISM}: one verification median {statistics.median(times):.1f} ms, "
        f"fastest {min(times):.1f} ms (n={rounds})"
    )


def flood_figures(concurrent: int) -> None:
    with tempfile.TemporaryDirectory(prefix="xianglin-login-bench-") as tmp:
        db = Path(tmp) / "server.db"
        seed_small(db)
        server = ServerProcess(db, extra_args=FORWARDED_ARGS).start(deadline=60)
        try:
            r = wrong_login_flood(server.url, server.proc.pid, concurrent)
        finally:
            server.stop()
    by_status = ", ".join(f"{code}: {n}" for code, n in sorted(r.statuses.items()))
    print(
        f"{concurrent} concurrent wrong logins: server RSS idle {r.idle_kib / 1024:.0f} MiB, "
        f"peak {r.peak_kib / 1024:.0f} MiB (+{r.peak_over_idle_mib:.0f} MiB over idle; "
        f"bound 256), after {r.after_kib / 1024:.0f} MiB; answers {by_status}; "
        f"all answered in {r.seconds:.2f} s; slowest refusal {r.slowest_refusal:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrent", type=int, default=50)
    parser.add_argument("--hash-only", action="store_true")
    args = parser.parse_args()
    hash_figures()
    if not args.hash_only:
        flood_figures(args.concurrent)


if __name__ == "__main__":
    main()
