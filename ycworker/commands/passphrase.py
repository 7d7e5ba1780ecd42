"""``ycworker passphrase``: the acting worker changes their own passphrase (one slot resealed).

The current passphrase (YCWORKER_PASSPHRASE or the prompt) says who is acting; the new one comes
from YCWORKER_NEW_PASSPHRASE, else it is asked twice. Nothing else in the file changes.
"""

from __future__ import annotations

import argparse

from ycworker.cli import open_cli_store
from ycworker.common.errors import UserError


def run(args: argparse.Namespace) -> int:
    from db import keyslots
    from ycworker.protection import workers
    from ycworker.protection.passphrase import new_passphrase

    store = open_cli_store(args, must_exist=True)
    try:
        acting = workers.acting_worker(store)
        new = new_passphrase(f"Your new passphrase, {acting.name}")
        try:
            workers.change_own_passphrase(store, acting, args.passphrase_given, new)
        except keyslots.WrongPassphrase as exc:
            raise UserError(str(exc), 3) from None
    finally:
        store.close()
    print(f"Passphrase changed for {acting.name}. Nothing else in {store.path.name} changed.")
    return 0
