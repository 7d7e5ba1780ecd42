"""``ycworker restore FILE``: replace the database with a verified backup.

``YCWORKER_PASSPHRASE`` (or the prompt) is the passphrase the database opens with now; it goes on
opening with it after the restore. A backup made under another passphrase (before a change of
passphrase) also needs its own: ``YCWORKER_BACKUP_PASSPHRASE`` or a second prompt; the restored
copy is re-keyed to the current passphrase, and the command says so.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from ycworker.common.errors import UsageError, UserError

BACKUP_ENV = "YCWORKER_BACKUP_PASSPHRASE"


def _backup_passphrase(backup: Path) -> str:
    env = os.environ.get(BACKUP_ENV)
    if env:
        return env
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(f"{backup.name} was made under another passphrase: set {BACKUP_ENV} to the "
                         "passphrase the database had then, or run in a terminal so it can ask. "
                         "Nothing was changed.")
    return getpass.getpass(f"Passphrase of {backup.name} (the one the database had then): ")


def run(args) -> int:
    from db.engine import StoreError, WrongPassphrase, open_store
    from db.identify import identify
    from ycworker.common import audit
    from ycworker.common.paths import resolve_db
    from ycworker.protection import integrity, passphrase
    from ycworker.protection.backups import (
        generations_kept,
        made_under_another_passphrase,
        opens,
        prune,
        restore,
    )

    path = resolve_db(getattr(args, "db", None))
    backup = Path(args.file).expanduser()
    if backup.exists():
        identify(backup)  # a CSV, a plain SQLite file, a folder, a short file: say what it is
    secret = passphrase.prompt(new=False)
    backup_secret = None
    if backup.is_file() and made_under_another_passphrase(path, backup):
        if not opens(path, secret):
            raise UserError(
                f"{backup.name} was made under another passphrase, and that passphrase does not open "
                f"the database now. Give the database's current passphrase (YCWORKER_PASSPHRASE) and "
                f"the backup's ({BACKUP_ENV}); the database goes on opening with the current one. "
                "If the database is too damaged to open at all, move it aside first. "
                "Nothing was changed.", 3)
        backup_secret = _backup_passphrase(backup)
        print(f"{backup.name} was made under another passphrase. The database will hold the "
              "backup's records and go on opening with your current passphrase; the backup file "
              "itself is not changed.")
    result = restore(path, backup, secret, backup_passphrase=backup_secret)
    try:
        store = open_store(path, secret)
    except (WrongPassphrase, StoreError) as exc:
        raise UserError(f"The backup was restored but does not open: {exc}") from None
    try:
        check = integrity.quick_check(store)
        if check.ok:
            with store.write() as session:
                audit.record(session, "restore", "database", "")
                keep = generations_kept(session)
            prune(path, keep)
    finally:
        store.close()
    print(f"Restored {path} from {result.restored_from.name} (checked: {check.summary()}).")
    if result.kept_copy:
        print(f"The file it replaced is kept as {result.kept_copy}.")
    return 0 if check.ok else 1
