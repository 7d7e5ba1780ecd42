"""Where the passphrase comes from: YCWORKER_PASSPHRASE, else a prompt."""

from __future__ import annotations

import getpass
import os
import sys

from ycworker.common.errors import UsageError

PASSPHRASE_ENV = "YCWORKER_PASSPHRASE"
MIN_LENGTH = 8


def from_env() -> str | None:
    value = os.environ.get(PASSPHRASE_ENV)
    return value if value else None


def prompt(new: bool) -> str:
    """Ask on the terminal; a new database asks twice."""
    env = from_env()
    if env is not None:
        return env
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(
            f"No passphrase: set {PASSPHRASE_ENV} or run ycworker in a terminal so it can ask."
        )
    if not new:
        return getpass.getpass("Passphrase: ")
    while True:
        first = getpass.getpass("New database. Choose a passphrase (8 characters or more): ")
        if len(first) < MIN_LENGTH:
            print("That is too short; use at least 8 characters.", file=sys.stderr)
            continue
        if getpass.getpass("Type it again: ") == first:
            return first
        print("The two did not match. Try again.", file=sys.stderr)
