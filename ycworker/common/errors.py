"""Errors a youth worker can act on. The CLI prints the message (never a traceback)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any


class UserError(Exception):
    """A plain-sentence problem with what the user asked for."""

    exit_code = 1

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(UserError):
    exit_code = 2


class FieldError(ValueError):
    """Bad input in one form field: shown beside that field, the form keeps what was typed."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class FormErrors(ValueError):
    """Several field errors at once."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors

    def by_field(self) -> dict[str, str]:
        return {e.field: e.message for e in self.errors}


def collect(errors: list[FieldError], check: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    """One field's check, in a form that reports every problem at once: the checked value, or
    None with the FieldError kept in ``errors`` (raised together afterwards as FormErrors, so the
    values are read only when every check passed: typed as Any for that reason). The one error
    collector of every form's service."""
    try:
        return check(*args, **kw)
    except FieldError as e:
        errors.append(e)
        return None


def collector(errors: list[FieldError]) -> Callable[..., Any]:
    """``check = collector(errors)``: ``check(fn, *args)`` is ``collect(errors, fn, *args)``, for a
    form's service that runs many field checks."""
    return partial(collect, errors)


def field_errors(error: BaseException) -> list[FieldError]:
    """The field errors an error carries (none for any other error): what a form shows beside
    its fields."""
    if isinstance(error, FormErrors):
        return list(error.errors)
    if isinstance(error, FieldError):
        return [error]
    return []


# -- unexpected errors: a sentence and a reference, never the exception's text -----------------
# An exception's text can hold SQL, bound parameters (a family's name), paths and secrets. A
# worker sees a sentence they can act on and a short reference; a developer who sets
# YCWORKER_DEBUG=1 also gets the detail on standard error (never on a screen).

DEBUG_ENV = "YCWORKER_DEBUG"

_KINDS = (  # (words in the driver's message, the sentence); the message itself is never shown
    (("disk is full", "database or disk is full"),
     "The disk is full: free some space, then try again."),
    (("readonly database", "read-only", "read only"),
     "The database cannot be written to (it is read-only): check the file's permissions, then try again."),
    (("database is locked", "database table is locked"),
     "Another ycworker is working on this database: wait for it to finish (or close it), then try again."),
    (("disk i/o error",),
     "The disk could not be read or written (a removed USB stick?): check it, then try again."),
    (("malformed", "file is not a database", "not a database"),
     "The database file is damaged: stop, and restore the newest backup (F9 → Backups)."),
)


def debugging() -> bool:
    import os

    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


def reference(error: BaseException) -> str:
    """A short reference that names the kind of error and where it was raised, never its text:
    e.g. ``OperationalError@caseload_import.py:212``."""
    tb = error.__traceback__
    where = ""
    while tb is not None:
        if "site-packages" not in tb.tb_frame.f_code.co_filename:
            where = f"@{tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}"
        tb = tb.tb_next
    return f"{type(error).__name__}{where}"


def _kind(error: BaseException) -> str | None:
    import errno

    if isinstance(error, OSError) and error.errno is not None:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            return _KINDS[0][1]
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return ("A file or folder could not be written (no permission): check where it goes, "
                    "then try again.")
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:  # SQLAlchemy wraps the driver's error
        seen.append(current)
        current = (getattr(current, "orig", None) or current.__cause__
                   or (None if current.__suppress_context__ else current.__context__))
    for exc in seen:
        text = str(exc).lower()  # read for its kind only; never shown
        for words, sentence in _KINDS:
            if any(w in text for w in words):
                return sentence
    return None


def describe(error: BaseException, what: str = "") -> str:
    """What to show a worker for any error: a UserError / field error says its own words; any
    other error gets a sentence and a reference (and, with YCWORKER_DEBUG=1, its detail goes
    to standard error for a developer)."""
    if isinstance(error, (FieldError, FormErrors, UserError)):
        return str(error)
    from db.engine import StoreError

    if isinstance(error, StoreError):  # the store's own sentences (wrong passphrase, in use, damaged)
        return f"Could not {what}. {error}" if what else str(error)
    lead = f"Could not {what}. " if what else ""
    sentence = _kind(error) or ("Something unexpected stopped it. Nothing already saved was lost; "
                                "try again, and if it happens again tell your manager the reference.")
    if debugging():
        import sys
        import traceback

        traceback.print_exception(error, file=sys.stderr)
    return f"{lead}{sentence} (reference {reference(error)})"
