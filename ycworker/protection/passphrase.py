"""Where the passphrase comes from: YCWORKER_PASSPHRASE, else a prompt."""

from __future__ import annotations

import getpass
import os
import sys

from ycworker.common.errors import UsageError

PASSPHRASE_ENV = "YCWORKER_PASSPHRASE"
NEW_ENV = "YCWORKER_NEW_PASSPHRASE"
MIN_LENGTH = 10  # the rule of db.keyslots.check_new_passphrase (NFC characters)


def check_new(passphrase: str) -> str | None:
    """Why a new passphrase is refused (a sentence), or None: the one rule, everywhere."""
    from db.keyslots import check_new_passphrase

    return check_new_passphrase(passphrase)


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
    return ask_new("New database. Choose your passphrase")


def ask_new(question: str) -> str:
    """A new passphrase, asked twice on the terminal until it passes the rule and both match."""
    from db.keyslots import check_new_passphrase

    while True:
        first = getpass.getpass(f"{question} ({MIN_LENGTH} characters or more): ")
        problem = check_new_passphrase(first)
        if problem:
            print(problem, file=sys.stderr)
            continue
        if getpass.getpass("Type it again: ") == first:
            return first
        print("The two did not match. Try again.", file=sys.stderr)


def new_passphrase(question: str = "New passphrase") -> str:
    """A passphrase to set: YCWORKER_NEW_PASSPHRASE, else asked twice. Checked by the one rule
    (at least 10 characters after NFC): UsageError (exit 2) with the sentence if it fails."""
    from db.keyslots import check_new_passphrase

    env = os.environ.get(NEW_ENV)
    if env:
        problem = check_new_passphrase(env)
        if problem:
            raise UsageError(f"{NEW_ENV}: {problem}")
        return env
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(f"No new passphrase: set {NEW_ENV} or run in a terminal so it can ask.")
    return ask_new(question)
