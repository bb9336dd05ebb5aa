"""``python -m server import-questionnaires --db PATH FILE...``: create or update
questionnaires from JSON/YAML definition files.

Every file is read and validated before anything is written; all of them are then applied in
one transaction. An unchanged questionnaire is left alone; a changed one gets a new version.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="SQLite file path or postgresql:// URL")
    parser.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help=".json, .yaml or .yml definitions"
    )


def run(args: argparse.Namespace) -> int:
    from server.db.engine import migrate, open_engine, write_tx
    from server.domain.questionnaires import DefinitionError, import_definitions, load_definitions

    definitions = []
    for path in args.files:
        try:
            definitions.extend(load_definitions(path))
        except DefinitionError as exc:
            print(f"import-questionnaires: {exc}", file=sys.stderr)
            print("import-questionnaires: nothing imported", file=sys.stderr)
            return 2
    slugs = [d.slug for d in definitions]
    repeated = sorted({s for s in slugs if slugs.count(s) > 1})
    if repeated:
        print(
            f"import-questionnaires: slug given more than once: {', '.join(repeated)}; "
            "nothing imported",
            file=sys.stderr,
        )
        return 2
    engine = open_engine(args.db)
    try:
        migrate(engine)
        with write_tx(engine) as conn:
            outcomes = import_definitions(conn, definitions)
    finally:
        engine.dispose()
    for outcome, q in outcomes:
        print(f"{outcome:9} {q.slug} (version {q.version})")
    return 0
