"""``ycworker team init|invite|remove|serve|export``: the team server's commands (team.md).

They work on the server's PostgreSQL (``--database-url``, else $YCWORKER_TEAM_DATABASE_URL); no
laptop database is opened (except the one ``init --pseudonym-secret-from`` names). What scripts read
(an enrolment code, a folder) is alone on the last line of standard output; refusals are sentences
on standard error.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys

from ycworker.common.errors import UserError

URL_ENV = "YCWORKER_TEAM_DATABASE_URL"
UNREACHABLE = ("Could not reach the team server's database: check the address given with --database-url "
               "and that PostgreSQL is running and accepts this user.")


def _url(args: argparse.Namespace) -> str:
    url = getattr(args, "database_url", None) or os.environ.get(URL_ENV, "")
    if not url:
        raise UserError(f"Give the team server's database with --database-url or {URL_ENV}.")
    if not url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        raise UserError("The team server's database must be a PostgreSQL address (postgresql://...).")
    return url


def _engine(args: argparse.Namespace):
    from db.server.migrate import make_engine

    return make_engine(_url(args))


def _laptop_secret(path: str) -> bytes:
    """The pseudonym secret of a laptop's database (its returns' pseudonyms become the service's)."""
    from db.engine import open_store
    from db.errors import StoreError
    from ycworker.common import settings

    passphrase = os.environ.get("YCWORKER_PASSPHRASE")
    if not passphrase:
        raise UserError("Set YCWORKER_PASSPHRASE to a manager's passphrase of that laptop's database.")
    if not os.path.exists(path):
        raise UserError("There is no laptop database at the path given with --pseudonym-secret-from.")
    try:
        store = open_store(path, passphrase, migrate=False)
    except StoreError as exc:
        raise UserError(f"The laptop database could not be opened: {exc}") from None
    try:
        with store.read() as session:
            value = settings.get(session, settings.PSEUDONYM_SECRET)
    finally:
        store.close()
    if not value:
        raise UserError("That laptop database has no pseudonym secret yet (it has never made a return); "
                        "leave out --pseudonym-secret-from.")
    return bytes.fromhex(value)


def _admin(fn, *args, **kw):
    from sqlalchemy.exc import OperationalError

    from ycworker.team.server.errors import AdminRefused

    try:
        return fn(*args, **kw)
    except AdminRefused as exc:
        raise UserError(exc.sentence) from None
    except OperationalError:
        raise UserError(UNREACHABLE) from None


def _init(args: argparse.Namespace) -> int:
    from db.server.migrate import upgrade
    from ycworker.team.server import service

    secret = _laptop_secret(args.pseudonym_secret_from) if args.pseudonym_secret_from else None
    engine = _engine(args)
    try:
        _admin(upgrade, engine)
        code = _admin(service.init_service, engine, args.service, secret)
    finally:
        engine.dispose()
    print(f"The team server for {args.service.strip()} is ready. The first manager enrols a laptop with "
          "`ycworker team join URL --code CODE` using this code (valid 7 days, once):")
    print(code)
    return 0


def _invite(args: argparse.Namespace) -> int:
    from ycworker.team.server import service

    engine = _engine(args)
    try:
        code = _admin(service.invite, engine, args.name, manager=args.manager)
    finally:
        engine.dispose()
    print(f"{' '.join(args.name.split())} enrols a laptop with this code (valid 7 days, once):")
    print(code)
    return 0


def _remove(args: argparse.Namespace) -> int:
    from ycworker.team.server import service

    engine = _engine(args)
    try:
        _admin(service.remove, engine, args.name)
    finally:
        engine.dispose()
    print(f"{' '.join(args.name.split())} was removed: their laptops are refused from their next sync.")
    return 0


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _serve(args: argparse.Namespace) -> int:
    if not is_loopback(args.host) and not args.behind_proxy:
        raise UserError(f"Refusing to serve plain HTTP on {args.host}: put a reverse proxy with TLS in front "
                        "and add --behind-proxy, or listen on 127.0.0.1.", exit_code=2)
    url = _url(args)
    import uvicorn

    from db.server.migrate import current_revision, head_revision, make_engine
    from ycworker.team.server.app import create_app

    engine = make_engine(url)
    try:
        if _admin(current_revision, engine) != head_revision():
            raise UserError("The team server's database is not at this version's schema: run "
                            "`ycworker team init` first.")
    finally:
        engine.dispose()
    print(f"Serving the team API on http://{args.host}:{args.port} (stop with Ctrl+C).", file=sys.stderr)
    uvicorn.run(create_app(url), host=args.host, port=args.port,
                proxy_headers=bool(args.behind_proxy), log_level="info")
    return 0


def _export(args: argparse.Namespace) -> int:
    """The service's return from the server's data: the laptop's files, its last line the folder."""
    from datetime import date
    from pathlib import Path

    from db.server.migrate import current_revision, head_revision
    from ycworker.commands.export import period_from_args
    from ycworker.team.server.service_return import export_from_server

    args.start = args.end = None
    period = period_from_args(args)
    engine = _engine(args)
    try:
        if _admin(current_revision, engine) != head_revision():
            raise UserError("The team server's database is not at this version's schema: run "
                            "`ycworker team init` first.")
        result = _admin(export_from_server, engine, period, Path(args.to).expanduser(), today=date.today())
    finally:
        engine.dispose()
    print(f"The service's return for {period.label} ({period.start} to {period.end}) was built from "
          "the team server and sealed.")
    print(result.path.resolve())
    return 0


def run(args: argparse.Namespace) -> int:
    if args.action == "init":
        return _init(args)
    if args.action == "invite":
        return _invite(args)
    if args.action == "remove":
        return _remove(args)
    if args.action == "serve":
        return _serve(args)
    if args.action == "export":
        return _export(args)
    raise UserError(f"Unknown team action {args.action}.", exit_code=2)
