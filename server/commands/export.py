"""``python -m server export --db PATH|URL --kind KIND [--from D --to D] [--district ID]
[--estate ID] [--full --reason WHY] --out FILE.xlsx``: a ledger (台账) as Excel, the same
workbook ``GET /exports/{kind}.xlsx`` serves. Whole phone and ID numbers only with
``--full`` and a reason; the export is kept in the audit log as the command line's."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

from server.db.engine import migrate, open_engine
from server.exports import KINDS, BadExport, export_ledger
from server.reports import BadPeriod, PlaceMismatch, UnknownPlace
from server.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="SQLite file path or postgresql:// URL")
    parser.add_argument("--kind", required=True, choices=KINDS)
    parser.add_argument("--from", dest="first", type=dt.date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--to", dest="last", type=dt.date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--district", help="a district id (default: the whole community)")
    parser.add_argument("--estate", help="an estate id")
    parser.add_argument("--full", action="store_true", help="whole phone and ID numbers")
    parser.add_argument("--reason", default="", help="why whole numbers are needed (--full)")
    parser.add_argument("--out", required=True, help="the .xlsx to write")


def run(args: argparse.Namespace) -> int:
    engine = open_engine(args.db)
    migrate(engine)
    try:
        made = export_ledger(
            engine,
            None,
            args.kind,
            timezone=Settings().community_timezone,
            first=args.first,
            last=args.last,
            district_id=args.district,
            estate_id=args.estate,
            full=args.full,
            reason=args.reason,
        )
    except (BadExport, BadPeriod, PlaceMismatch, UnknownPlace) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    out = Path(args.out)
    # written beside and renamed, so FILE is never half a workbook
    fd, part = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent or ".")
    with os.fdopen(fd, "wb") as f:
        f.write(made.content)
    os.replace(part, out)
    print(f"{made.rows} rows -> {out}")
    return 0
