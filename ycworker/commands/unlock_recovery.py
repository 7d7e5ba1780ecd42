"""``ycworker unlock-recovery [NAME]``: open with the recovery key and set a manager's new passphrase.

The recovery key comes from YCWORKER_RECOVERY_CODE, else it is asked; the manager's name is the
argument, else asked (a name the records do not have makes a new manager). The new passphrase comes
from YCWORKER_NEW_PASSPHRASE, else it is asked twice. Exit 3 when the key is wrong or mistyped.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from ycworker.common.errors import UsageError, UserError

RECOVERY_ENV = "YCWORKER_RECOVERY_CODE"


def _ask(env: str | None, question: str, secret: bool) -> str:
    value = os.environ.get(env) if env else None
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        hint = f"set {env} or " if env else ""
        raise UsageError(f"{question.rstrip(': ')} is needed: {hint}run in a terminal so it can ask.")
    return getpass.getpass(question) if secret else input(question)


def run(args: argparse.Namespace) -> int:
    from db import keyslots
    from db.engine import StoreError
    from ycworker.common.paths import resolve_db
    from ycworker.protection import workers
    from ycworker.protection.passphrase import new_passphrase

    path = resolve_db(getattr(args, "db", None))
    if not path.exists() or path.stat().st_size == 0:
        raise UserError(f"There is no database at {path}.")
    code = _ask(RECOVERY_ENV, "Recovery key: ", secret=True)
    try:
        keyslots.data_key_from_recovery(code)
    except keyslots.RecoveryCodeTypo as exc:
        raise UserError(str(exc), 3) from None
    name = (args.name or "").strip() or _ask(None, "Manager's name: ", secret=False).strip()
    if not name:
        raise UsageError("Give the manager's name: ycworker unlock-recovery NAME.")
    secret = new_passphrase(f"A new passphrase for {name}")
    try:
        done = workers.unlock_with_recovery(path, code, name, secret)
    except (keyslots.WrongPassphrase, keyslots.RecoveryCodeTypo) as exc:
        raise UserError(str(exc), 3) from None
    except StoreError as exc:
        raise UserError(str(exc)) from None
    done.store.close()
    print(f"{done.worker.name} (manager) can sign in with the new passphrase.")
    if done.keys_remade:
        print("The keys file was missing or damaged and was made again: add the other workers "
              "again (ycworker worker add NAME).")
    return 0
