"""Each quarter's narrative (case studies written pseudonymously, youth voice) and the check that
nobody on the caseload is named in it before it leaves in the return as ``narrative.md``.

Saved as typed (the Returns screen's narrative writer saves through ``save_text`` on every pause,
like the assessment's drafts), so no word is lost to a crash or a lock.

The check (``check``) flags, by line:
* a young carer's first name followed by their last name (case ignored; the preferred name too),
* a date of birth of anyone on the caseload, written 03/04/2012, 3/4/12, 2012-04-03 or 3 April 2012,
* a carer ref (the service's own id, e.g. YC-01234),
An index of the whole caseload (names as pairs, dates of birth, refs) is read once per check
(three narrow columns of every carer, archived ones included: a past carer is still a person) and the
text is tokenised once, so the check is one set look-up per word: see bench numbers in the tests.

What a worker does about a flag (CHOICE): a date of birth or a carer ref must be taken out: export
refuses while one is there. A name may be a coincidence (a pseudonym that happens to be a real
carer's name on a county caseload of thousands): a manager may confirm that a flagged name is not a
person on the caseload, for this quarter's narrative, and the export goes ahead; a worker cannot.
Confirming is kept with the narrative (``confirmed_names``) and audited; the confirmation holds for
that exact name only, so a new real name typed later is still caught.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from db.models import Carer, ReturnNarrative, utcnow
from ycworker.common import audit
from ycworker.common.errors import UserError

FILE = "narrative.md"
WORD = re.compile(r"[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'\u2019-]*")
MONTHS = {m: i + 1 for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"))}
MONTHS.update({m[:3]: n for m, n in list(MONTHS.items())})
MONTHS["sept"] = 9
DATE_PATTERNS = (
    re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"),  # 2012-04-03
    re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\b"),  # 03/04/2012, 3.4.12
    re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b"),  # 3 April 2012
)
REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_\-]*[A-Za-z0-9]|[A-Za-z0-9]")


@dataclass(frozen=True)
class Flag:
    line: int
    kind: str  # name | date_of_birth | carer_ref
    found: str  # the words as typed
    key: str  # the normalised name ("first last") a manager may confirm; "" for the others

    @property
    def message(self) -> str:
        if self.kind == "name":
            return (f"Line {self.line}: \"{self.found}\" is the name of a young carer on the caseload. "
                    "Use a made-up name, or a manager can confirm it is not that person.")
        if self.kind == "date_of_birth":
            return (f"Line {self.line}: {self.found} is the date of birth of a young carer on the caseload. "
                    "Take the date out.")
        return f"Line {self.line}: {self.found} is a young carer's ref. Take it out."


@dataclass(frozen=True)
class CaseloadIndex:
    names: frozenset[tuple[str, str]]  # (first, last) lowercased, preferred names too
    firsts: frozenset[str]  # the first words of those pairs (cheap pre-filter)
    births: frozenset[date]
    refs: frozenset[str]  # uppercased


def load_index(session: Session) -> CaseloadIndex:
    """The caseload's names, dates of birth and refs, read once (one narrow query)."""
    c = sa.inspect(Carer).local_table.c
    names: set[tuple[str, str]] = set()
    births: set[date] = set()
    refs: set[str] = set()
    driver = session.connection()
    for first, preferred, last, dob, ref in driver.execute(
            sa.select(c.first_name, c.preferred_name, c.last_name, c.date_of_birth, c.carer_ref)):
        last_l = (last or "").strip().lower()
        for given in (first, preferred):
            given_l = (given or "").strip().lower()
            if given_l and last_l:
                names.add((given_l, last_l))
        if dob is not None:
            births.add(dob if isinstance(dob, date) else date.fromisoformat(str(dob)[:10]))
        if ref:
            refs.add(ref.strip().upper())
    return CaseloadIndex(frozenset(names), frozenset(f for f, _l in names), frozenset(births),
                         frozenset(refs))


def _dates(line: str) -> list[tuple[str, date]]:
    found = []
    for n, pattern in enumerate(DATE_PATTERNS):
        for m in pattern.finditer(line):
            a, b, y = m.groups()
            try:
                if n == 0:
                    d = date(int(a), int(b), int(y))
                elif n == 1:
                    year = int(y) if len(y) == 4 else 2000 + int(y) if int(y) < 50 else 1900 + int(y)
                    d = date(year, int(b), int(a))
                else:
                    month = MONTHS.get(b.lower())
                    if month is None:
                        continue
                    d = date(int(y), month, int(a))
            except ValueError:
                continue
            found.append((m.group(0), d))
    return found


def check(text: str, index: CaseloadIndex, confirmed: frozenset[str] = frozenset()) -> list[Flag]:
    """Every name, date of birth and ref from the caseload found in the text, line by line."""
    flags: list[Flag] = []
    for number, line in enumerate(text.splitlines(), start=1):
        words = [(m.group(0), m.group(0).lower().replace("\u2019", "'")) for m in WORD.finditer(line)]
        for (raw_a, a), (raw_b, b) in zip(words, words[1:], strict=False):
            if a in index.firsts and (a, b) in index.names:
                key = f"{a} {b}"
                if key not in confirmed:
                    flags.append(Flag(number, "name", f"{raw_a} {raw_b}", key))
        for raw, d in _dates(line):
            if d in index.births:
                flags.append(Flag(number, "date_of_birth", raw, ""))
        if index.refs:
            for m in REF.finditer(line):
                if m.group(0).upper() in index.refs:
                    flags.append(Flag(number, "carer_ref", m.group(0), ""))
    return flags



# -- storing ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NarrativeView:
    label: str
    text: str
    confirmed: frozenset[str]
    saved_at: object | None
    flags: list[Flag]


def _row(session: Session, label: str) -> ReturnNarrative | None:
    return session.exec(select(ReturnNarrative).where(ReturnNarrative.label == label)).first()


def narrative_id(label: str) -> str:
    """Derived from the quarter (as the targets' ids are): two laptops write the same record."""
    import uuid

    return uuid.uuid5(uuid.NAMESPACE_URL, f"ycworker:return_narrative:{label}").hex


def _confirmed(row: ReturnNarrative | None) -> frozenset[str]:
    if row is None or not row.confirmed_names:
        return frozenset()
    return frozenset(x for x in row.confirmed_names.splitlines() if x)


def text_of(session: Session, label: str) -> str:
    row = _row(session, label)
    return row.text if row is not None else ""


def view(session: Session, label: str, index: CaseloadIndex | None = None) -> NarrativeView:
    row = _row(session, label)
    text = row.text if row is not None else ""
    confirmed = _confirmed(row)
    flags = check(text, index or load_index(session), confirmed) if text.strip() else []
    return NarrativeView(label, text, confirmed, row.saved_at if row else None, flags)


def save_text(session: Session, label: str, text: str, worker_id: str | None, *, audit_it: bool = False
              ) -> None:
    """Save the narrative exactly as typed (the whole text; the latest save wins)."""
    row = _row(session, label)
    now = utcnow()
    if row is None:
        row = ReturnNarrative(id=narrative_id(label), label=label, text=text, updated_by_id=worker_id,
                              saved_at=now)
    elif row.text == text:
        return
    else:
        row.text, row.updated_by_id, row.saved_at, row.updated_at = text, worker_id, now, now
    session.add(row)
    session.flush()
    if audit_it:
        audit.record(session, "update", "return_narrative", row.id, worker_id)


def confirm_names(session: Session, label: str, keys: list[str], worker_id: str | None) -> None:
    """A manager confirms flagged names are not people on the caseload (this quarter's narrative)."""
    row = _row(session, label)
    if row is None:
        raise UserError("There is no narrative for this quarter to confirm names in.")
    kept = set(_confirmed(row)) | {k.strip().lower() for k in keys if k.strip()}
    row.confirmed_names = "\n".join(sorted(kept))
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    audit.record(session, "update", "return_narrative", row.id, worker_id)


def markdown(label: str, text: str) -> str:
    """narrative.md: a title and the text as written (Markdown; line ends LF)."""
    body = text.replace("\r\n", "\n").replace("\r", "\n").rstrip()
    return f"# Narrative for {label}\n\nCase studies are written with made-up names.\n\n{body}\n"


def refuse_if_flagged(flags: list[Flag]) -> None:
    if not flags:
        return
    shown = "\n".join(f.message for f in flags[:10])
    more = f"\n…and {len(flags) - 10} more." if len(flags) > 10 else ""
    raise UserError("The narrative names someone on the caseload, so the return was not made. Change "
                    f"these lines on the Returns screen (n) and export again:\n{shown}{more}")
