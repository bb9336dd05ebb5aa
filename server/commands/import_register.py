"""``python -m server import-register --db PATH FILE [--skip-bad] [--dry-run] [--create-estates]``.

Exit codes: 0 imported (or nothing to change), 1 the file could not be read, 2 bad rows and
nothing written (or, with --skip-bad, no good row at all).
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="SQLite file path or postgresql:// URL")
    parser.add_argument("file", help="the register, .xlsx or .csv (docs/register-format.md)")
    parser.add_argument(
        "--skip-bad", action="store_true", help="import the good rows even if some rows are bad"
    )
    parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    parser.add_argument(
        "--create-estates",
        action="store_true",
        help="create estates (and districts) named in the 小区/片区 columns that do not exist yet",
    )


def run(args: argparse.Namespace) -> int:
    from server.db.engine import migrate, open_engine
    from server.domain.register import RegisterFileError, import_register

    engine = open_engine(args.db)
    try:
        migrate(engine)
        try:
            report = import_register(
                engine,
                args.file,
                skip_bad=args.skip_bad,
                dry_run=args.dry_run,
                create_estates=args.create_estates,
            )
        except RegisterFileError as exc:
            print(f"import-register: {exc}", file=sys.stderr)
            return 1
    finally:
        engine.dispose()

    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for e in report.errors:
        print(f"error: {e}", file=sys.stderr)
    print(
        f"{report.rows} rows read, {report.good_rows} good, {report.bad_rows} bad; "
        f"households created {report.households_created}; residents created "
        f"{report.residents_created}, updated {report.residents_updated}, unchanged "
        f"{report.residents_unchanged}"
        + (f"; estates created {report.estates_created}" if report.estates_created else "")
    )
    if report.errors and not args.skip_bad:
        print("nothing written: fix the rows above, or pass --skip-bad", file=sys.stderr)
        return 2
    if args.dry_run:
        print("dry run: nothing written")
        return 0
    if report.good_rows == 0 and report.errors:
        return 2
    print("written" if report.written else "nothing to change")
    return 0
