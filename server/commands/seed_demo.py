"""``python -m server seed-demo --db PATH [--seed S]``: migrate, then create the demo community."""

from __future__ import annotations

import argparse
import sys
import time

DEMO_LOGINS = ["staff", "district1", "district2", "district3"] + [
    f"head{i:02d}" for i in range(1, 12)
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="SQLite file path or postgresql:// URL")
    parser.add_argument("--seed", type=int, default=7, help="random seed (same seed, same data)")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="population scale (0.05 = a small test community)"
    )
    parser.add_argument(
        "--communities",
        type=int,
        default=1,
        help="how many demo-shaped communities (logins c001-staff, c001-head01 ...; street)",
    )


def run(args: argparse.Namespace) -> int:
    from server.db.engine import migrate, open_engine
    from server.domain.seed import DEMO_PASSWORD, SeedError, seed_demo

    engine = open_engine(args.db)
    try:
        migrate(engine)
        started = time.perf_counter()
        try:
            counts = seed_demo(
                engine, seed=args.seed, scale=args.scale, communities=args.communities
            )
        except SeedError as exc:
            print(f"seed-demo: {exc}", file=sys.stderr)
            return 1
        elapsed = time.perf_counter() - started
    finally:
        engine.dispose()
    if args.communities > 1:
        print(f"seeded {args.communities} demo communities in {elapsed:.1f} s; the first:")
    else:
        print(f"seeded demo community in {elapsed:.1f} s:")
    for key, value in counts.items():
        print(f"  {key:18} {value}")
    if args.communities > 1:
        last = f"c{args.communities:03d}"
        print(
            f"logins (password {DEMO_PASSWORD}): c001-staff, c001-district1, c001-head01 ..."
            f" {last}-head11; street logins: street (one per 20 communities: street01 ...)"
        )
    else:
        print(f"logins (password {DEMO_PASSWORD}): staff, district1..district3, head01..head11")
    return 0
