"""Field validators every form and import shares: each takes what was typed and returns the value,
or raises ``FieldError`` naming the field with a sentence a youth worker can act on (a date, a
name without hidden characters, a choice, a phone number, an email, a postcode, yes or no)."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date
from typing import Literal, overload

from ycworker.common.errors import FieldError

MAX_TEXT = 200
MAX_LONG_TEXT = 4000

# Invisible characters that reorder how text is shown (a name could read "Amira" and be stored
# as something else): the embeddings, overrides and isolates, and the direction marks.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_UK_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()-]+$")


def parse_date(raw: str) -> date:
    """'YYYY-MM-DD' or the UK 'DD/MM/YYYY'. Raises ValueError('is not a date') otherwise."""
    value = (raw or "").strip()
    m = _ISO_DATE.match(value)
    if m:
        y, mo, d = (int(x) for x in m.groups())
    else:
        m = _UK_DATE.match(value)
        if not m:
            raise ValueError("is not a date (write it as DD/MM/YYYY or YYYY-MM-DD)")
        d, mo, y = (int(x) for x in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValueError("is not a date (no such day)") from None


def field_date(name: str, raw: str, today: date, *, required: bool = True, label: str = "Date",
               not_before: date | None = None, not_before_label: str = "") -> date | None:
    value = (raw or "").strip()
    if not value:
        if required:
            raise FieldError(name, f"{label} is needed.")
        return None
    try:
        d = parse_date(value)
    except ValueError as exc:
        raise FieldError(name, f"'{value}' {exc}.") from None
    if d.year < 1900:
        raise FieldError(name, f"'{value}' is before 1900: check the year.")
    if d > today:
        raise FieldError(name, f"'{value}' is in the future: check the date.")
    if not_before is not None and d < not_before:
        raise FieldError(name, f"{label} cannot be before {not_before_label} ({not_before:%d/%m/%Y}).")
    return d


def field_text(name: str, raw: str, label: str, *, required: bool = False,
               limit: int = MAX_TEXT) -> str:
    value = " ".join((raw or "").split()) if limit <= MAX_TEXT else (raw or "").strip()
    if required and not value:
        raise FieldError(name, f"{label} is needed.")
    if len(value) > limit:
        raise FieldError(name, f"{label} is too long ({len(value)} characters; at most {limit}).")
    problem = hidden_character_problem(value)
    if problem:
        raise FieldError(name, f"{label} {problem}; retype it.")
    return value


def hidden_character_problem(value: str) -> str:
    """'has a control character in it' (NUL and the like), 'has a hidden character ...' (a
    right-to-left override or another direction control), or '' when the text is clean."""
    if any((ord(ch) < 32 and ch not in "\n\t") or ord(ch) == 127 for ch in value):
        return "has a control character in it"
    if any(ch in BIDI_CONTROLS for ch in value):
        return ("has a hidden character in it that changes the direction of the text (often pasted "
                "from another program)")
    return ""


@overload
def field_choice(name: str, raw: str, choices: Collection[str], label: str, *,
                 required: Literal[True] = True, upper: bool = False) -> str: ...


@overload
def field_choice(name: str, raw: str, choices: Collection[str], label: str, *, required: bool,
                 upper: bool = False) -> str | None: ...


def field_choice(name: str, raw: str, choices: Collection[str], label: str, *, required: bool = True,
                 upper: bool = False) -> str | None:
    value = (raw or "").strip()
    value = value.upper() if upper else value.lower().replace(" ", "_").replace("-", "_")
    if not value:
        if required:
            raise FieldError(name, f"{label} is needed.")
        return None
    if value not in choices:
        shown = ", ".join(choices)
        raise FieldError(name, f"'{raw.strip()[:40]}' is not a {label.lower()}; choose one of {shown}.")
    return value


def field_phone(name: str, raw: str) -> str:
    value = (raw or "").strip()
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)
    if not _PHONE.match(value) or not 7 <= len(digits) <= 15:
        raise FieldError(name, f"'{value[:40]}' is not a phone number (digits, spaces and + only).")
    return value


def field_email(name: str, raw: str) -> str:
    value = (raw or "").strip()
    if value and (not _EMAIL.match(value) or len(value) > MAX_TEXT):
        raise FieldError(name, f"'{value[:40]}' is not an email address.")
    return value


def field_postcode(name: str, raw: str) -> str:
    value = " ".join((raw or "").upper().split())
    if value and not _POSTCODE.match(value):
        raise FieldError(name, f"'{value[:20]}' is not a UK postcode.")
    if value and " " not in value:
        value = f"{value[:-3]} {value[-3:]}"
    return value


def field_yes_no(name: str, raw: str, label: str) -> bool:
    value = (raw or "").strip().lower()
    if value in ("y", "yes", "true", "1"):
        return True
    if value in ("n", "no", "false", "0", ""):
        return False
    raise FieldError(name, f"{label}: answer yes or no.")
