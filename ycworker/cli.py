"""The ``ycworker`` command (see shared/spec/cli.md for the contract).

Every command takes ``--db PATH``. Errors are sentences on standard error, never tracebacks.
Each command's work lives in ``ycworker.commands.<name>``; this module only parses and opens.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from datetime import date

from ycworker import __version__
from ycworker.common.errors import DEBUG_ENV, UsageError, UserError, describe

COMMAND_MODULES = {
    "demo": "demo", "import": "import_caseload", "export": "export", "sync": "sync",
    "backup": "backup", "restore": "restore", "passphrase": "passphrase",
    "worker": "worker", "rekey": "rekey", "unlock-recovery": "unlock_recovery",
    "team": "team", "carer": "carer",
}

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_WRONG_PASSPHRASE = 0, 1, 2, 3


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; write it as YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", metavar="PATH", default=argparse.SUPPRESS,
        help="the database file (default: $YCWORKER_DB, else ycworker.db in your data folder)",
    )
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS,
        help=f"on an unexpected error, print its detail for a developer (same as {DEBUG_ENV}=1)",
    )
    parser = argparse.ArgumentParser(
        prog="ycworker", parents=[common],
        description="Young carers' case work, registers and returns, offline and encrypted.",
    )
    parser.add_argument("--version", action="version", version=f"ycworker {__version__}")
    parser.add_argument(
        "--demo", action="store_true",
        help="open the app, filling a new, empty database with a demo service of 2,000 carers first",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("demo", parents=[common], help="fill an empty database with a demo service")
    p.add_argument("--carers", type=int, required=True, metavar="N")
    p.add_argument("--seed", type=int, default=1, metavar="S")

    p = sub.add_parser("import", parents=[common], help="import a caseload spreadsheet (CSV)")
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    c = what.add_parser("caseload", parents=[common], help="the caseload CSV of caseload-import.md")
    c.add_argument("file", metavar="FILE")

    p = sub.add_parser("export", parents=[common], help="build the commissioner's quarterly return")
    p.add_argument("--quarter", metavar="YYYY-YY-QN")
    p.add_argument("--start", type=_iso_date, metavar="DATE")
    p.add_argument("--end", type=_iso_date, metavar="DATE")
    p.add_argument("--to", required=True, metavar="DIR")

    p = sub.add_parser("sync", parents=[common], help="copy sealed returns the folder lacks into it")
    p.add_argument("dir", metavar="DIR")

    p = sub.add_parser("backup", parents=[common], help="write a verified encrypted backup now")
    p.add_argument("--to", metavar="DIR", help="folder for the backup (default: beside the database)")

    p = sub.add_parser("restore", parents=[common], help="replace the database with a backup")
    p.add_argument("file", metavar="FILE")

    sub.add_parser("passphrase", parents=[common], help="change your own passphrase")

    p = sub.add_parser("worker", parents=[common], help="the workers who can sign in (managers)")
    acts = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    acts.add_parser("list", parents=[common], help="name, role, whether they can sign in here")
    a = acts.add_parser("add", parents=[common], help="give a worker a first passphrase")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--manager", action="store_true", help="the new worker is a manager")
    for action, text in (("remove", "remove a worker's passphrase (their records stay)"),
                         ("reset", "a new passphrase for a worker who forgot theirs")):
        acts.add_parser(action, parents=[common], help=text).add_argument("name", metavar="NAME")

    sub.add_parser("rekey", parents=[common], help="replace the database's key (a manager)")
    p = sub.add_parser("unlock-recovery", parents=[common],
                       help="open with the recovery key and set a manager's new passphrase")
    p.add_argument("name", metavar="NAME", nargs="?", help="the manager (asked if not given)")
    _team_parser(sub, common)
    _carer_parser(sub, common)
    return parser


def _team_parser(sub, common: argparse.ArgumentParser) -> None:
    """``ycworker team ...`` of shared/spec/team.md: the server's commands and the laptop's."""
    url = argparse.ArgumentParser(add_help=False)
    url.add_argument("--database-url", metavar="URL", default=None,
                     help="the team server's PostgreSQL (default: $YCWORKER_TEAM_DATABASE_URL)")
    p = sub.add_parser("team", parents=[common], help="the team server and this laptop's sync with it")
    acts = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = acts.add_parser("init", parents=[common, url], help="create or upgrade the server's schema")
    a.add_argument("--service", metavar="NAME", required=True)
    a.add_argument("--pseudonym-secret-from", metavar="FILE", default=None,
                   help="a laptop database whose pseudonym secret becomes the service's")
    a = acts.add_parser("invite", parents=[common, url], help="add a worker on the server; print a code")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--manager", action="store_true")
    a = acts.add_parser("remove", parents=[common, url], help="remove a worker from the server")
    a.add_argument("name", metavar="NAME")
    a = acts.add_parser("serve", parents=[common, url], help="serve the team API")
    a.add_argument("--host", default="127.0.0.1")
    a.add_argument("--port", type=int, default=8765)
    a.add_argument("--behind-proxy", action="store_true",
                   help="TLS ends at a reverse proxy in front (needed to listen beyond 127.0.0.1)")
    a = acts.add_parser("export", parents=[common, url], help="the service's return from the server")
    a.add_argument("--quarter", metavar="YYYY-YY-QN", required=True)
    a.add_argument("--to", required=True, metavar="DIR")
    a = acts.add_parser("join", parents=[common], help="enrol this laptop with a team server")
    a.add_argument("url", metavar="URL")
    a.add_argument("--code", required=True, metavar="CODE")
    acts.add_parser("sync", parents=[common], help="push this laptop's changes, then pull")
    acts.add_parser("status", parents=[common], help="last sync, changes waiting, conflicts (JSON)")
    acts.add_parser("conflicts", parents=[common], help="open conflicts, one JSON object a line")
    a = acts.add_parser("resolve", parents=[common], help="settle a conflict")
    a.add_argument("id", metavar="ID")
    a.add_argument("--keep", choices=("server", "laptop"), required=True)


def _carer_parser(sub, common: argparse.ArgumentParser) -> None:
    """``ycworker carer show|set|erase`` of shared/spec/team.md (records from scripts)."""
    p = sub.add_parser("carer", parents=[common], help="one young carer's record, for scripts")
    acts = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    acts.add_parser("show", parents=[common], help="the carer as JSON").add_argument("ref", metavar="REF")
    a = acts.add_parser("set", parents=[common], help="change one field (validated, audited)")
    a.add_argument("ref", metavar="REF")
    a.add_argument("field", metavar="FIELD")
    a.add_argument("value", metavar="VALUE")
    a = acts.add_parser("erase", parents=[common], help="erase a person (a manager)")
    a.add_argument("ref", metavar="REF")


def print_recovery_code(code: str, *, new: bool = True) -> None:
    """The recovery key, once, on standard error (never on standard output, which scripts read)."""
    what = "This new database's" if new else "The database's new"
    print(f"ycworker: {what} recovery key opens it when every passphrase is forgotten. Write it on "
          f"paper and keep it locked away; it is not shown again:\n\n    {code}\n", file=sys.stderr)


def open_cli_store(args: argparse.Namespace, *, must_exist: bool = False):
    """Open (creating and migrating if need be) the database the arguments name.

    A write waits for another ycworker on the same file (saying so on standard error) for up
    to CLI_WAIT_SECONDS. An existing file gets the quick check first (``backup`` and ``export``
    run the full one themselves): a damaged file is refused before anything is written to it."""
    from db.engine import WAITING_LINE, StoreError, WrongPassphrase, open_store
    from ycworker.common.paths import resolve_db
    from ycworker.protection import passphrase

    path = resolve_db(getattr(args, "db", None))
    if path.is_dir():
        raise UserError(f"{path} is a folder, not a database file. Give the path of the database "
                        "file itself (for example .../ycworker.db).")
    new = not path.exists() or path.stat().st_size == 0
    if must_exist and new:
        raise UserError(f"There is no database at {path}.")
    secret = passphrase.prompt(new=new)
    args.passphrase_given = secret

    def waiting() -> None:
        print(f"ycworker: {WAITING_LINE}", file=sys.stderr, flush=True)

    try:
        store = open_store(path, secret, on_wait=waiting, wait_seconds=CLI_WAIT_SECONDS)
    except WrongPassphrase as exc:
        raise UserError(str(exc), EXIT_WRONG_PASSPHRASE) from None
    except StoreError as exc:
        raise UserError(str(exc)) from None
    if (getattr(args, "command", None), getattr(args, "action", None)) != ("team", "join"):
        from ycworker.protection.unlocking import RemovedFromTeam, refuse_if_removed

        try:  # a laptop removed from its team opens only for ``team join`` (common.team_removal)
            refuse_if_removed(store)
        except RemovedFromTeam as exc:
            raise UserError(str(exc)) from None
    for warning in store.warnings:
        print(f"ycworker: {warning}", file=sys.stderr)
    if store.recovery_code:
        if store.acting and not new:
            print(f"ycworker: {path.name} now has key slots: your passphrase is {store.acting[1]}'s "
                  f"({store.acting[2]}). A backup was written first.", file=sys.stderr)
        print_recovery_code(store.recovery_code, new=new)
    if not new and getattr(args, "command", None) not in ("backup", "export"):
        _refuse_damaged(store)
    return store


#: How long a command waits for another ycworker writing to the same file before giving up.
CLI_WAIT_SECONDS = 300.0


def _refuse_damaged(store) -> None:
    """The quick check (on a fresh connection); a damaged file is closed and refused."""
    from db.engine import StoreError
    from ycworker.protection import integrity

    try:
        result = integrity.check_at_unlock(store)
    except StoreError as exc:
        store.close()
        raise UserError(str(exc)) from None
    if not result.ok:
        message = store.writing_stopped or "The database failed its quick check."
        store.close()
        raise UserError(f"Nothing was done. {message}")


def _run_ui(args: argparse.Namespace) -> int:
    from ycworker.app import create_app
    from ycworker.common.paths import resolve_db

    app = create_app(resolve_db(getattr(args, "db", None)), demo=args.demo)
    app.run()
    return app.return_code or 0


def _remove_orphans(args: argparse.Namespace) -> None:
    """A crash mid-export leaves a ``.<name>.partial-*`` folder in the outbox, a killed backup or
    restore a full copy of the file (``*.db.tmp``, ``*.restore-tmp``): remove them at start.

    Directory listings beside the database (no passphrase, nothing opened), so it costs
    nothing; a folder that cannot be listed is left for the next export or backup to deal with.
    """
    import contextlib

    from ycworker.common.atomic import remove_orphans
    from ycworker.common.paths import outbox_dir, resolve_db

    db_path = resolve_db(getattr(args, "db", None))
    with contextlib.suppress(OSError):
        remove_orphans(outbox_dir(db_path))
    with contextlib.suppress(OSError):  # a killed backup's or restore's full copy of the file
        from ycworker.protection.backups import clean_at_start

        clean_at_start(db_path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "debug", False):
        import os

        os.environ[DEBUG_ENV] = "1"
    _remove_orphans(args)
    try:
        if args.command is None:
            return _run_ui(args)
        if args.command == "export":
            if args.quarter and (args.start or args.end):
                raise UsageError("Give --quarter, or --start and --end, not both.")
            if not args.quarter and (args.start is None or args.end is None):
                raise UsageError("Give --quarter YYYY-YY-QN, or both --start DATE and --end DATE.")
        module = importlib.import_module(f"ycworker.commands.{COMMAND_MODULES[args.command]}")
        return int(module.run(args) or 0)
    except UserError as exc:
        print(f"ycworker: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("ycworker: stopped.", file=sys.stderr)
        return 130
    except Exception as exc:  # a sentence and a reference: never the text (SQL, parameters, secrets)
        print(f"ycworker: {describe(exc)}", file=sys.stderr)
        return EXIT_FAILED


def entry_point() -> None:
    sys.exit(main())
