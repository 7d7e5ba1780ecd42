"""``ycworker rekey``: a manager replaces the database's data key (a suspected leak).

Every worker's slot is rewrapped to the new key in two phases around the database's rekey; the
passphrases stay as they are. The new recovery key is printed once on standard error.
"""

from __future__ import annotations

import argparse
import sys

from ycworker.cli import open_cli_store, print_recovery_code


def run(args: argparse.Namespace) -> int:
    from ycworker.protection import workers

    store = open_cli_store(args, must_exist=True)
    try:
        acting = workers.acting_worker(store)
        workers.require_manager(acting, "change the database's key")
    except BaseException:
        store.close()
        raise
    done = workers.rekey(store, acting)  # closes the store, opens it again under the new key
    done.store.close()
    print_recovery_code(done.recovery_code, new=False)
    print(f"The key of {store.path.name} was replaced; everyone's passphrase still opens it.",
          file=sys.stdout)
    return 0
