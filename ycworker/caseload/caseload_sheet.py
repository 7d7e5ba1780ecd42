"""The caseload spreadsheet of caseload-import.md: its columns, and reading and checking every row.

``check_text`` parses the file (no database) and checks every row, collecting *every* problem as
``FILE row N, column C: 'value' is ...`` (the header is row 1) in a ``Plan``; ``ImportRejected``
carries them when a file cannot go in. Writing a checked plan is ``ycworker.caseload.importing``.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ycworker.caseload.carers import ETHNICITIES
from ycworker.caseload.search import age_on
from ycworker.common.validators import hidden_character_problem, parse_date

REQUIRED = ("carer_ref", "first_name", "last_name", "date_of_birth", "sex", "ethnicity", "district",
            "referral_date", "referral_source", "consent")
OPTIONAL = ("school", "household_ref", "allocated_date", "assessment_completed_date", "impact_level",
            "closed_date", "closure_reason")
COLUMNS = REQUIRED + OPTIONAL
SEXES = ("M", "F", "U")
SOURCES = ("school", "gp", "health", "self", "parent", "early_help", "social_care", "other")
CONSENTS = ("given", "refused", "pending")
IMPACTS = ("low", "medium", "high")
CLOSURE_REASONS = ("intervention_completed", "stepped_down", "consent_not_given", "not_a_young_carer",
                   "moved_away", "disengaged", "aged_out", "transferred", "other")
MIN_AGE, MAX_AGE = 4, 25
PERSON_COLUMNS = ("first_name", "last_name", "date_of_birth", "sex", "ethnicity")


class ImportRejected(Exception):
    """The file has problems; ``errors`` lists every one. Nothing was written."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} problem(s) in the file")
        self.errors = errors


@dataclass(slots=True)
class Row:
    number: int
    carer_ref: str
    first_name: str
    last_name: str
    date_of_birth: date
    sex: str
    ethnicity: str
    district: str
    school: str
    household_ref: str
    referral_date: date
    source: str
    consent: str
    allocated_date: date | None
    assessment_completed_date: date | None
    impact_level: str | None
    closed_date: date | None
    closure_reason: str | None

    @property
    def import_key(self) -> str:
        return f"{self.carer_ref}|{self.referral_date.isoformat()}"


@dataclass
class Plan:
    """What an import would do: checked rows, and what the database has already."""

    file_name: str
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    existing_carers: dict[str, str] = field(default_factory=dict)  # carer_ref -> id
    existing_keys: set[str] = field(default_factory=set)
    new_rows: list[Row] = field(default_factory=list)
    new_carer_refs: list[str] = field(default_factory=list)
    new_households: list[str] = field(default_factory=list)
    new_districts: list[str] = field(default_factory=list)
    new_schools: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (f"{counted(len(self.new_carer_refs), 'carer')}, "
                f"{counted(len(self.new_households), 'household')} "
                f"and {counted(len(self.new_rows), 'referral')}")


def counted(count: int, noun: str) -> str:
    """'1 carer', '2,000 carers'."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


# -- reading ------------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """The file as text: UTF-8 with or without a byte-order mark."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRejected([f"{Path(path).name} row {line}: the file is not UTF-8 text (byte "
                              f"{exc.start + 1}); save it from the spreadsheet as 'CSV UTF-8'"]) from None


def check_text(text: str, file_name: str, today: date) -> Plan:
    """Parse and check every row (no database). Errors are collected in ``plan.errors``."""
    plan = Plan(file_name)
    errors = plan.errors
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    del text  # the reader's copy is enough: a 200,000-row file is read a record at a time
    try:
        _check_records(plan, reader, today)
    except csv.Error as exc:
        plan.rows.clear()
        errors[:] = [f"{file_name} row {reader.line_num}: the CSV is broken ({exc}); check the quotes"]
    return plan


def _check_records(plan: Plan, reader: Iterator[list[str]], today: date) -> None:
    file_name, errors = plan.file_name, plan.errors
    head = next(reader, None)
    if head is None or not any(cell.strip() for cell in head):
        errors.append(f"{file_name} row 1: there is no header row; the file is empty")
        return
    header = [h.strip().lower() for h in head]
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        if name not in COLUMNS:
            errors.append(f"{file_name} row 1, column {head[i].strip() or i + 1}: "
                          f"'{head[i].strip()}' is not a column "
                          f"of the caseload spreadsheet (a typo?)")
        elif name in index:
            errors.append(f"{file_name} row 1, column {name}: '{head[i].strip()}' is there twice")
        else:
            index[name] = i
    for name in REQUIRED:
        if name not in index:
            errors.append(f"{file_name} row 1, column {name}: '' is missing; the column is required")
    if errors:
        return

    first_seen: dict[str, Row] = {}
    seen_keys: dict[str, int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(cells) != len(header):
            errors.append(f"{file_name} row {number}: has {len(cells)} cells but the header has "
                          f"{len(header)}; check for a stray comma")
            continue
        row = _check_row(file_name, number, {n: cells[i].strip() for n, i in index.items()}, today,
                         errors)
        if row is None:
            continue
        first = first_seen.get(row.carer_ref)
        if first is None:
            first_seen[row.carer_ref] = row
        else:
            for col in PERSON_COLUMNS:
                mine, theirs = getattr(row, col), getattr(first, col)
                if mine != theirs:
                    errors.append(f"{file_name} row {number}, column {col}: '{_show(mine)}' differs from "
                                  f"row {first.number} ('{_show(theirs)}') for carer_ref {row.carer_ref}")
        key = row.import_key
        if key in seen_keys:
            errors.append(f"{file_name} row {number}, column referral_date: '{row.referral_date}' repeats "
                          f"row {seen_keys[key]}: the same carer_ref {row.carer_ref} and referral date")
        else:
            seen_keys[key] = number
        plan.rows.append(row)

def _show(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _check_row(file_name: str, number: int, v: dict[str, str], today: date,
               errors: list[str]) -> Row | None:
    before = len(errors)

    def bad(col: str, message: str) -> None:
        errors.append(f"{file_name} row {number}, column {col}: '{v.get(col, '')}' {message}")

    def required(col: str) -> str:
        value = v.get(col, "")
        if not value:
            bad(col, "is blank; a value is needed")
        return value

    def a_date(col: str, needed: bool) -> date | None:
        value = v.get(col, "")
        if not value:
            if needed:
                bad(col, "is blank; a date is needed")
            return None
        try:
            d = parse_date(value)
        except ValueError:
            bad(col, "is not a date (write YYYY-MM-DD or DD/MM/YYYY)")
            return None
        if d.year < 1900:
            bad(col, "is before 1900")
            return None
        if d > today:
            bad(col, f"is after today ({today.isoformat()})")
            return None
        return d

    def choice(col: str, allowed: tuple[str, ...], needed: bool, upper: bool = False) -> str | None:
        value = v.get(col, "")
        if not value:
            if needed:
                bad(col, f"is blank; give one of {', '.join(allowed)}")
            return None
        norm = value.upper() if upper else value.lower()
        if norm not in allowed:
            bad(col, f"is not one of {', '.join(allowed)}")
            return None
        return allowed[allowed.index(norm)]  # the list's own string: one copy for 200,000 rows

    ref = required("carer_ref")
    first = required("first_name")
    last = required("last_name")
    dob = a_date("date_of_birth", True)
    sex = choice("sex", SEXES, True, upper=True)
    ethnicity = choice("ethnicity", ETHNICITIES, True, upper=True)
    district = required("district")
    ref_date = a_date("referral_date", True)
    source = choice("referral_source", SOURCES, True)
    consent = choice("consent", CONSENTS, True)
    allocated = a_date("allocated_date", False)
    assessed = a_date("assessment_completed_date", False)
    impact = choice("impact_level", IMPACTS, False)
    closed = a_date("closed_date", False)
    reason = choice("closure_reason", CLOSURE_REASONS, False)

    if ref_date and allocated and allocated < ref_date:
        bad("allocated_date", f"is before the referral_date ({ref_date.isoformat()})")
    if v.get("assessment_completed_date") and not v.get("allocated_date"):
        bad("assessment_completed_date", "is given but allocated_date is blank")
    elif assessed and allocated and assessed < allocated:
        bad("assessment_completed_date", f"is before the allocated_date ({allocated.isoformat()})")
    if ref_date and closed and closed < ref_date:
        bad("closed_date", f"is before the referral_date ({ref_date.isoformat()})")
    if v.get("closed_date") and not v.get("closure_reason"):
        bad("closure_reason", "is blank but closed_date is given; give the reason for closing")
    if v.get("closure_reason") and not v.get("closed_date"):
        bad("closure_reason", "is given but closed_date is blank")
    if dob and ref_date:
        age = age_on(dob, ref_date)
        if not MIN_AGE <= age <= MAX_AGE:
            bad("date_of_birth", f"makes them {age} at referral ({ref_date.isoformat()}); the age must be "
                                 f"{MIN_AGE} to {MAX_AGE}")
    for column in ("carer_ref", "first_name", "last_name", "district", "school", "household_ref"):
        if len(v.get(column, "")) > 200:
            bad(column, "is longer than 200 characters")
        elif hidden_character_problem(v.get(column, "")):
            bad(column, hidden_character_problem(v.get(column, "")))
    if len(errors) > before:
        return None
    # Every needed value is there: a blank or bad one was an error above.
    assert dob is not None and ref_date is not None
    assert sex is not None and ethnicity is not None and source is not None and consent is not None
    return Row(number, ref, first, last, dob, sex, ethnicity, sys.intern(district),
               sys.intern(v.get("school", "")),
               v.get("household_ref", ""), ref_date, source, consent, allocated, assessed, impact,
               closed, reason)
