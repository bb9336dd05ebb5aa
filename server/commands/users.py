"""``create-user``, ``set-password``, ``assign`` and ``unlock-login``: logins for a real
deployment.

Passwords are read from standard input (``--password-stdin``, first line) or asked for twice
without echo; never taken from the command line, where they would land in shell history and
the process list. Exit codes: 0 done, 2 refused (message on stderr, nothing written).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from services.protocol import ROLES


def _db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="SQLite file path or postgresql:// URL")


def _password_source(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (else prompt twice)",
    )


def _read_password(args: argparse.Namespace) -> str:
    from server.domain.accounts import AccountError

    if args.password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise AccountError("the two passwords differ")
    return first


def _run(args: argparse.Namespace, action) -> int:
    from server.db.engine import migrate, open_engine
    from server.domain.accounts import AccountError

    engine = open_engine(args.db)
    try:
        migrate(engine)
        message = action(engine)
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(message)
    return 0


def add_create_user_arguments(parser: argparse.ArgumentParser) -> None:
    _db(parser)
    parser.add_argument("--username", required=True)
    parser.add_argument("--name", required=True, help="the person's name as shown in the app")
    parser.add_argument("--role", required=True, choices=ROLES)
    parser.add_argument(
        "--community",
        metavar="NAME_OR_ID",
        help="the login's community (needed where the database holds several)",
    )
    _password_source(parser)


def run_create_user(args: argparse.Namespace) -> int:
    from server.domain.accounts import create_user

    def action(engine) -> str:
        password = _read_password(args)
        user_id = create_user(
            engine,
            username=args.username,
            name=args.name,
            role=args.role,
            password=password,
            community=args.community,
        )
        return f"created user {args.username} ({args.role}, id {user_id})"

    return _run(args, action)


def add_set_password_arguments(parser: argparse.ArgumentParser) -> None:
    _db(parser)
    parser.add_argument("--username", required=True)
    _password_source(parser)


def run_set_password(args: argparse.Namespace) -> int:
    from server.domain.accounts import set_password

    def action(engine) -> str:
        ended = set_password(engine, username=args.username, password=_read_password(args))
        return f"password set for {args.username}; {ended} signed-in session(s) ended"

    return _run(args, action)


def add_assign_arguments(parser: argparse.ArgumentParser) -> None:
    _db(parser)
    parser.add_argument("--username", required=True)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--estate",
        nargs="+",
        metavar="NAME_OR_ID",
        help="a head's estates (replaces the estates they had)",
    )
    target.add_argument("--district", metavar="NAME_OR_ID", help="a district head's district")


def run_assign(args: argparse.Namespace) -> int:
    from server.domain.accounts import assign

    def action(engine) -> str:
        ids = assign(
            engine, username=args.username, estate_refs=args.estate, district_ref=args.district
        )
        return f"assigned {args.username} to {', '.join(ids)}"

    return _run(args, action)


def add_unlock_login_arguments(parser: argparse.ArgumentParser) -> None:
    _db(parser)
    parser.add_argument("--username", required=True)


def run_unlock_login(args: argparse.Namespace) -> int:
    from server.domain.accounts import unlock_login

    def action(engine) -> str:
        n = unlock_login(engine, username=args.username)
        return f"{args.username} may sign in again; {n} counted failure(s) forgotten"

    return _run(args, action)
