"""Errors a youth worker can act on. The CLI prints the message (never a traceback)."""

from __future__ import annotations


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


def field_errors(error: BaseException) -> list[FieldError]:
    """The field errors an error carries (none for any other error): what a form shows beside
    its fields."""
    if isinstance(error, FormErrors):
        return list(error.errors)
    if isinstance(error, FieldError):
        return [error]
    return []
