"""``ycworker worker list|add NAME [--manager]|remove NAME|reset NAME`` (workers.md).

The acting worker is the one whose passphrase is given (YCWORKER_PASSPHRASE or the prompt); adding,
removing and resetting are a manager's (exit 1 otherwise, with the sentence). A passphrase to set
comes from YCWORKER_NEW_PASSPHRASE, else it is asked twice.
"""

from __future__ import annotations

import argparse

from ycworker.cli import open_cli_store
from ycworker.common.errors import UsageError


def run(args: argparse.Namespace) -> int:
    from ycworker.protection import workers
    from ycworker.protection.passphrase import new_passphrase

    action = args.action
    if action in ("add", "remove", "reset") and not (args.name or "").strip():
        raise UsageError(f"Give the worker's name: ycworker worker {action} NAME.")
    store = open_cli_store(args, must_exist=action != "list")
    try:
        acting = workers.acting_worker(store)
        if action == "list":
            for line in workers.list_workers(store):
                here = "can sign in here" if line.can_sign_in else "cannot sign in here"
                print(f"{line.name}\t{line.role}\t{here}")
            return 0
        if action in ("add", "reset"):
            workers.require_manager(acting, "add a worker" if action == "add" else
                                    "reset a worker's passphrase")
            secret = new_passphrase(f"A first passphrase for {args.name.strip()}"
                                    if action == "add" else f"A new passphrase for {args.name.strip()}")
            if action == "add":
                done = workers.add_worker(store, acting, args.name, secret, manager=args.manager)
                print(f"{done.name} ({done.role}) can now sign in with the passphrase given.")
            else:
                done = workers.reset_worker(store, acting, args.name, secret)
                print(f"{done.name}'s passphrase was reset; the old one no longer opens the database.")
            return 0
        done = workers.remove_worker(store, acting, args.name)
        print(f"{done.name} can no longer sign in; their records stay and can be reassigned.")
        return 0
    finally:
        store.close()
