"""``python -m server <command>``: each command lives in its own module exposing
``add_arguments(parser)`` and ``run(args) -> int``; this file only dispatches."""

from __future__ import annotations

import argparse
import importlib
import sys

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("server.commands.serve", "run the sync API (FastAPI on uvicorn)"),
    "seed-demo": ("server.commands.seed_demo", "create the demo community"),
    "import-register": (
        "server.commands.import_register",
        "import a resident register (.xlsx/.xls/.ods/.csv)",
    ),
    "create-user": ("server.commands.users", "create a login"),
    "set-password": ("server.commands.users", "set a login's password"),
    "assign": ("server.commands.users", "assign estates or a district to a login"),
    "unlock-login": ("server.commands.users", "forget a login's failed sign-in attempts"),
    "backup": ("server.commands.backup", "consistent online backup of the database"),
    "restore": ("server.commands.restore", "restore a backup, fenced so phones download again"),
    "import-questionnaires": (
        "server.commands.questionnaires",
        "create/update questionnaires from JSON/YAML",
    ),
    "posters": ("server.commands.posters", "render printable QR posters (PNG + PDF)"),
    "export": (
        "server.commands.export",
        "write a ledger (visits, concerns, residents, answers) as .xlsx",
    ),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m server", description="巷鄰 sync backend")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = argv[0] if argv else None
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:  # import only the command being run: the others stay cold
            mod = importlib.import_module(module)
            key = name.replace("-", "_")
            (getattr(mod, f"add_{key}_arguments", None) or mod.add_arguments)(p)
            p.set_defaults(_run=getattr(mod, f"run_{key}", None) or mod.run)
    args = parser.parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except SQLAlchemyError as exc:
        # A database error's text carries the SQL and its parameters (residents' names and
        # phones): say what failed, never with what.
        cause = exc.orig if getattr(exc, "orig", None) is not None else exc
        first_line = str(cause).splitlines()[0] if str(cause) else ""
        if isinstance(exc, DBAPIError):
            first_line = first_line.split(" [SQL:")[0]
        print(f"error: database error ({type(cause).__name__}): {first_line}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
