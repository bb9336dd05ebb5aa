"""``python -m server posters --db PATH --base-url PUBLIC_URL --out DIR [--estate ID]``:
one printable A4 poster (PNG and PDF) per active questionnaire and estate.

``--base-url`` is the address residents' phones reach (it goes into the QR codes). Without
``--estate`` every estate gets its set. Files: ``DIR/{estate name}/{slug}.png|.pdf``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="SQLite file path or postgresql:// URL")
    parser.add_argument(
        "--base-url", required=True, help="public URL of the server, e.g. https://xl.example.cn"
    )
    parser.add_argument("--out", required=True, type=Path, help="output directory")
    parser.add_argument("--estate", help="only this estate (id)")
    parser.add_argument("--slug", action="append", help="only these questionnaires (repeatable)")


def _safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)[:60] or "estate"


def run(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from server.db.engine import open_engine
    from server.db.schema import estates
    from server.domain import posters
    from server.domain.questionnaires import Place, list_questionnaires

    if not args.base_url.startswith(("http://", "https://")):
        print("posters: --base-url must start with http:// or https://", file=sys.stderr)
        return 2
    engine = open_engine(args.db)
    try:
        with engine.connect() as conn:
            qs = list_questionnaires(conn)
            stmt = select(estates).order_by(estates.c.name)
            if args.estate:
                stmt = stmt.where(estates.c.id == args.estate)
            places = [Place(e.id, e.name, e.district_id) for e in conn.execute(stmt)]
    finally:
        engine.dispose()
    if args.slug:
        known = {q.slug for q in qs}
        missing = sorted(set(args.slug) - known)
        if missing:
            print(f"posters: unknown questionnaire(s): {', '.join(missing)}", file=sys.stderr)
            return 2
        qs = [q for q in qs if q.slug in set(args.slug)]
    if args.estate and not places:
        print(f"posters: unknown estate {args.estate}", file=sys.stderr)
        return 2
    if not qs or not places:
        print("posters: no questionnaires or no estates in this database", file=sys.stderr)
        return 1
    count = 0
    for place in places:
        folder = args.out / _safe_name(place.estate_name)
        folder.mkdir(parents=True, exist_ok=True)
        for q in qs:
            spec = posters.PosterSpec.for_questionnaire(q, args.base_url, place)
            (folder / f"{q.slug}.png").write_bytes(posters.render_png(spec))
            (folder / f"{q.slug}.pdf").write_bytes(posters.render_pdf(spec))
            count += 1
    print(f"wrote {count} posters (PNG + PDF) for {len(places)} estate(s) to {args.out}")
    return 0
