"""``python -m server import-register --db PATH FILE [options]``: see docs/register-format.md.

Exit codes: 0 imported (or nothing to change, or a clean dry run), 1 the file could not be
read, 2 something was refused and nothing written (or, with --skip-bad, no good row at all),
3 a usage error in the options.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="SQLite file path or postgresql:// URL")
    parser.add_argument(
        "file", help="the register: .xlsx, .xls, .ods or .csv (docs/register-format.md)"
    )
    parser.add_argument(
        "--skip-bad", action="store_true", help="import the good rows even if some rows are bad"
    )
    parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    parser.add_argument(
        "--create-estates",
        action="store_true",
        help="create estates (and districts) named in the 小区/片区 columns that do not exist yet",
    )
    parser.add_argument(
        "--apply-moves",
        action="store_true",
        help="a resident found by ID number at another address moves there",
    )
    parser.add_argument("--sheet", help="import only this worksheet of an .xlsx")
    parser.add_argument(
        "--ignore-column",
        action="append",
        default=[],
        metavar="HEADER",
        help="leave this column out (its header as written, or its letter); repeatable",
    )
    parser.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="HEADER=FIELD",
        help="read the column HEADER as FIELD (e.g. 联系方式=phone); repeatable",
    )
    parser.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="language of the report (default zh)"
    )
    parser.add_argument(
        "--community",
        metavar="NAME_OR_ID",
        help="whose register it is (needed where the database holds several communities)",
    )


def run(args: argparse.Namespace) -> int:
    from server.db.engine import migrate, open_engine
    from server.domain.register import (
        FIELDS,
        RegisterFileError,
        column_map,
        import_register,
        text,
    )

    lang = args.lang
    sep = "：" if lang == "zh" else ": "
    columns = column_map(args.column)
    if isinstance(columns, str):
        print(
            text("bad_column_option", lang, pair=columns, fields=", ".join(FIELDS)), file=sys.stderr
        )
        return 3
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
                apply_moves=args.apply_moves,
                sheet=args.sheet,
                ignore_columns=args.ignore_column,
                columns=columns,
                community=args.community,
            )
        except RegisterFileError as exc:
            print(f"{text('error', lang)}{sep}{exc.text(lang)}", file=sys.stderr)
            return 1
    finally:
        engine.dispose()

    for note in report.notes:
        print(f"{text('note', lang)}{sep}{note.text(lang)}")
    for e in report.errors:
        print(f"{text('error', lang)}{sep}{e.text(lang)}", file=sys.stderr)
    if report.layout_refused:  # no row was looked at: there is nothing to sum up
        print(text("refused_layout", lang), file=sys.stderr)
        return 2
    print(report.summary(lang))
    if report.errors and not args.skip_bad:
        print(text("refused_all", lang), file=sys.stderr)
        return 2
    if args.dry_run:
        print(text("dry_run", lang))
        return 0
    if report.good_rows == 0 and report.errors:
        print(text("nothing_good", lang), file=sys.stderr)
        return 2
    print(text("written" if report.written else "nothing_to_change", lang))
    return 0
