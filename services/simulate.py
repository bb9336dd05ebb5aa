"""Field simulator: several phones recording visits offline, then syncing through faults.

    python -m services.simulate --server http://127.0.0.1:8000 --users head01,head02,head03 \\
        --password demo1234 --visits 50 --db-dir /tmp/phones [--seed 1] [--deadline 120] \\
        [--faults 0.2] [--concern-rate 0.2]

Each user is one simulated phone with its own store file (``DIR/<user>.db``) and the real
sync engine: it logs in, pulls its scope, records N visits (some raising a concern) while
offline, then syncs until its outbox is empty or the deadline passes, retrying through
faults (``--faults`` injects the given rate of dropped requests/responses, timeouts and
503s between phone and server). The last stdout line is one JSON object: ``{"recorded",
"concerns", "pending", "rejected", "users": {...}, "elapsed_s"}``; exit code 0 only if pending
and rejected are both 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from services.auth import LoginError, login
from services.faults import FaultRates, FaultyTransport
from services.protocol import CONCERN_CATEGORIES
from services.store import Store
from services.sync import SyncEngine

#: the shared list, as the app offers it
CATEGORIES = tuple(CONCERN_CATEGORIES)


def answers_for(checklist: dict | None, rng: random.Random, people: int) -> dict[str, Any]:
    """Plausible answers to the active checklist's questions."""
    out: dict[str, Any] = {}
    for q in (checklist or {}).get("questions", []):
        kind, key = q.get("type"), q.get("key")
        options = [o["value"] for o in q.get("options", [])]
        if kind == "number":
            out[key] = people
        elif kind == "yes_no":
            out[key] = rng.random() < 0.5
        elif kind == "choice" and options:
            out[key] = rng.choice(options)
        elif kind == "multi_choice" and options:
            out[key] = rng.sample(options, k=rng.randint(0, min(2, len(options))))
        elif kind == "text" and rng.random() < 0.3:
            out[key] = "无"
    return out


async def run_phone(
    username: str,
    *,
    server: str,
    password: str,
    visits: int,
    db_dir: Path,
    seed: int,
    deadline_at: float,
    faults: float,
    concern_rate: float,
) -> dict[str, Any]:
    rng = random.Random(f"{seed}:{username}")
    store = Store(db_dir / f"{username}.db")
    transport = FaultyTransport(
        httpx.AsyncHTTPTransport(), FaultRates.uniform(faults), seed=rng.random()
    )
    report: dict[str, Any] = {"recorded": 0, "concerns": 0, "pending": 0, "rejected": 0}
    engine = None
    try:
        try:
            token, user = await login(server, username, password, store.device_id)
        except LoginError as exc:
            report["error"] = f"login failed: {exc.kind}"
            report.update(store.outbox_counts())
            return report
        store.set_user(user)
        engine = SyncEngine(
            store, server, token, transport=transport, backoff_base=0.05, backoff_max=2.0
        )
        loop = asyncio.get_running_loop()
        status = await engine.sync_until_idle(max(0.0, deadline_at - loop.time()))
        households = store.households(limit=100_000)
        if not households:
            report["error"] = status.last_error or "no households in scope"
            report.update(store.outbox_counts())
            return report
        checklist = store.checklist()
        # offline: everything below only touches the phone's store
        for _ in range(visits):
            h = rng.choice(households)
            people = rng.randint(1, 4)
            visit_id = store.record_visit(
                h["id"],
                method=rng.choice(("in_person", "in_person", "phone")),
                people_reached=people,
                answers=answers_for(checklist, rng, people),
                notes=rng.choice(("", "", "老人身体尚好", "需要回访")),
            )
            report["recorded"] += 1
            if rng.random() < concern_rate:
                store.raise_concern(
                    h["id"],
                    kind=rng.choice(("request", "complaint", "suggestion")),
                    category=rng.choice(CATEGORIES),
                    description="模拟走访中居民提出的诉求",
                    visit_id=visit_id,
                )
                report["concerns"] += 1
        status = await engine.sync_until_idle(max(0.0, deadline_at - loop.time()))
        report["last_error"] = status.last_error
        report["faults_injected"] = sum(transport.injected.values())
        report.update(store.outbox_counts())
        return report
    finally:
        if engine is not None:
            await engine.stop()
        else:
            await transport.aclose()
        store.close()


async def simulate(args: argparse.Namespace) -> dict[str, Any]:
    db_dir = Path(args.db_dir)
    db_dir.mkdir(parents=True, exist_ok=True)
    users = [u.strip() for u in args.users.split(",") if u.strip()]
    loop = asyncio.get_running_loop()
    started = loop.time()
    deadline_at = started + args.deadline
    reports = await asyncio.gather(
        *(
            run_phone(
                u,
                server=args.server,
                password=args.password,
                visits=args.visits,
                db_dir=db_dir,
                seed=args.seed,
                deadline_at=deadline_at,
                faults=args.faults,
                concern_rate=args.concern_rate,
            )
            for u in users
        )
    )
    per_user = dict(zip(users, reports, strict=True))
    return {
        "recorded": sum(r["recorded"] for r in reports),
        "concerns": sum(r["concerns"] for r in reports),
        "pending": sum(r["pending"] for r in reports),
        "rejected": sum(r["rejected"] for r in reports),
        "users": per_user,
        "elapsed_s": round(loop.time() - started, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.simulate", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--server", required=True, help="server base URL, e.g. http://127.0.0.1:8000"
    )
    parser.add_argument("--users", required=True, help="comma-separated logins, one phone each")
    parser.add_argument("--password", required=True)
    parser.add_argument("--visits", type=int, required=True, help="visits each phone records")
    parser.add_argument("--db-dir", required=True, help="where the phones' store files go")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--deadline", type=float, default=120.0, help="seconds to get synced")
    parser.add_argument("--faults", type=float, default=0.0, help="rate of injected faults 0..1")
    parser.add_argument("--concern-rate", type=float, default=0.2)
    args = parser.parse_args(argv)
    if args.visits < 0 or not 0 <= args.faults < 1:
        parser.error("--visits must be >= 0 and --faults in [0, 1)")
    t0 = time.perf_counter()
    result = asyncio.run(simulate(args))
    result["elapsed_s"] = round(time.perf_counter() - t0, 3)
    print(json.dumps(result, ensure_ascii=False))
    return (
        0
        if result["pending"] == 0
        and result["rejected"] == 0
        and result["recorded"] >= 0
        and all("error" not in r for r in result["users"].values())
        else 1
    )


if __name__ == "__main__":
    sys.exit(main())
