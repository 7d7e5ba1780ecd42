"""``ycworker passphrase``: change the database passphrase (the old one is required).

Reads the old passphrase from YCWORKER_PASSPHRASE or a prompt, and the new one from
YCWORKER_NEW_PASSPHRASE or a prompt (asked twice). Close the app first.
"""

from __future__ import annotations

import getpass
import os
import sys

from ycworker.common.errors import FieldError, UsageError, UserError

NEW_ENV = "YCWORKER_NEW_PASSPHRASE"


def _new_passphrase() -> tuple[str, str]:
    env = os.environ.get(NEW_ENV)
    if env:
        return env, env
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(f"No new passphrase: set {NEW_ENV} or run in a terminal so it can ask.")
    return (getpass.getpass("New passphrase (8 characters or more): "),
            getpass.getpass("Type the new one again: "))


def run(args) -> int:
    from db.engine import StoreError, open_store
    from ycworker.common import audit
    from ycworker.common.paths import resolve_db
    from ycworker.protection import passphrase
    from ycworker.protection.backups import make_backup
    from ycworker.protection.session import change_passphrase

    path = resolve_db(getattr(args, "db", None))
    if not path.exists() or path.stat().st_size == 0:
        raise UserError(f"There is no database at {path}.")
    old = passphrase.prompt(new=False)
    new, again = _new_passphrase()
    try:
        change_passphrase(path, old, new, again)
    except FieldError as exc:
        raise UserError(exc.message, 3 if exc.field == "old" else 2) from None
    except StoreError as exc:  # e.g. another ycworker has it open: nothing was changed
        raise UserError(str(exc)) from None
    store = open_store(path, new)
    try:
        with store.write() as session:
            audit.record(session, "rekey", "database", "")
        backup = make_backup(store, reason="manual").backup
    finally:
        store.close()
    print(f"Passphrase changed for {path}. A new backup that opens with it: {backup.path.name}.")
    print("Older backups still open with the old passphrase until they age out.")
    return 0
