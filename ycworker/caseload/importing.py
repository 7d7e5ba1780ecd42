"""``ycworker import caseload FILE``: the caseload spreadsheet of caseload-import.md.

One header row, then one row per referral. Every row is checked and *every* problem is reported
as ``FILE row N, column C: 'value' is ...`` (the header is row 1). If there is any problem nothing
is written. Otherwise the whole file goes in one write transaction (Core executemany, so 50,000
rows take seconds): new districts, schools and households, new carers, and the referrals the
database does not have yet. A referral is known by ``import_key`` = ``carer_ref|referral_date``
(or by the same carer and referral date made in the app), so re-importing a file changes nothing
and no existing referral is ever changed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from sqlalchemy import insert, select, update
from sqlmodel import Session, col

from db import outbox
from db.models import Carer, District, Household, Referral, School, new_id, utcnow
from db.search_index import carers_indexed_in_bulk
from ycworker.caseload import deadlines
from ycworker.caseload.caseload_sheet import (
    ImportRejected,
    Plan,
    Row,
    check_text,
    checked_rows,
    counted,
    open_lines,
    read_text,
)
from ycworker.common import audit

T = TypeVar("T")

CHUNK = 500  # keys per IN (...) lookup
WRITE_CHUNK = 2000  # rows per INSERT executemany (and per lookup while reading the file)


@dataclass(frozen=True)
class Imported:
    file_name: str
    carers: int
    households: int
    referrals: int
    already_there: int
    rows: int

    def sentence(self) -> str:
        text = (f"Imported {self.file_name}: added {counted(self.carers, 'carer')}, "
                f"{counted(self.households, 'household')} and {counted(self.referrals, 'referral')}.")
        if self.already_there:
            text += f" {counted(self.already_there, 'referral')} already in ycworker left as they were."
        return text


# -- against the database ------------------------------------------------------------------------


def _chunks(items: list[T], size: int = CHUNK) -> Iterable[list[T]]:
    for i in range(0, len(items), size):
        yield items[i: i + size]


def plan_against(session: Session, plan: Plan) -> Plan:
    """Fill in what the database has already and what would be added."""
    refs = sorted({r.carer_ref for r in plan.rows})
    conn = session.connection()
    for part in _chunks(refs):
        for cid, ref in conn.execute(
                select(col(Carer.id), col(Carer.carer_ref)).where(col(Carer.carer_ref).in_(part))):
            plan.existing_carers[ref] = cid
    keys = sorted({r.import_key for r in plan.rows})
    for part in _chunks(keys):
        plan.existing_keys.update(k for (k,) in conn.execute(
            select(col(Referral.import_key)).where(col(Referral.import_key).in_(part))) if k is not None)
    # Referrals made in the app for a carer already known, on the same date, count as present.
    known_ids = list(plan.existing_carers.values())
    by_id = {cid: ref for ref, cid in plan.existing_carers.items()}
    for part in _chunks(known_ids):
        for cid, day in conn.execute(select(col(Referral.carer_id), col(Referral.referral_date))
                                     .where(col(Referral.carer_id).in_(part))):
            plan.existing_keys.add(f"{by_id[cid]}|{day.isoformat()}")
    plan.new_rows = [r for r in plan.rows if r.import_key not in plan.existing_keys]
    new_people: dict[str, Row] = {}
    for r in plan.new_rows:
        if r.carer_ref not in plan.existing_carers:
            new_people.setdefault(r.carer_ref, r)
    plan.new_carer_refs = sorted(new_people)
    wanted_households = sorted({r.household_ref for r in new_people.values() if r.household_ref})
    have: set[str | None] = set()
    for part in _chunks(wanted_households):
        have.update(h for (h,) in conn.execute(
            select(col(Household.ref)).where(col(Household.ref).in_(part))))
    plan.new_households = [h for h in wanted_households if h not in have]
    plan.new_households += [f"(one-person household of {ref})" for ref, r in new_people.items()
                            if not r.household_ref]
    districts = {d.lower() for (d,) in conn.execute(select(col(District.name)))}
    plan.new_districts = sorted({r.district for r in new_people.values()
                                 if r.district.lower() not in districts}, key=str.lower)
    schools = {s.lower() for (s,) in conn.execute(select(col(School.name)))}
    plan.new_schools = sorted({r.school for r in new_people.values()
                               if r.school and r.school.lower() not in schools}, key=str.lower)
    return plan


def check_file(session: Session, path: Path, today: date) -> Plan:
    """The preview: every error, or what would be added. Writes nothing."""
    try:
        text = read_text(path)
    except ImportRejected as exc:
        plan = Plan(Path(path).name)
        plan.errors.extend(exc.errors)
        return plan
    plan = check_text(text, Path(path).name, today)
    if plan.ok:
        plan_against(session, plan)
    return plan


def apply(session: Session, plan: Plan, worker_id: str | None = None) -> Imported:
    """Write a checked plan in the caller's write transaction (all or nothing)."""
    if not plan.ok:
        raise ImportRejected(plan.errors)
    return write_rows(session, plan.file_name, lambda: iter(plan.rows), worker_id)


@dataclass(slots=True)
class _Person:
    """What a carer new to the database needs, gathered over the file's rows (never the rows)."""

    row: Row | None = None  # their first row not in the database yet (names, district, school...)
    open: bool = False  # a referral without a closed date
    impact_on: date | None = None  # the latest referral date with an impact level, and that level
    impact: str | None = None
    pending: deadlines.Pending | None = None  # the earliest deadline still to meet

    def add(self, r: Row) -> None:
        self.open = self.open or r.closed_date is None
        if r.impact_level and (self.impact_on is None or r.referral_date > self.impact_on):
            self.impact_on, self.impact = r.referral_date, r.impact_level
        p = deadlines.pending_deadline(r.referral_date, r.allocated_date, r.assessment_completed_date,
                                       r.closed_date, r.consent)
        if p is not None and (self.pending is None or (p[1], p[0]) < (self.pending[1], self.pending[0])):
            self.pending = p


def write_rows(session: Session, file_name: str, rows: Callable[[], Iterable[Row]],
               worker_id: str | None = None, chunk: int = WRITE_CHUNK) -> Imported:
    """Write checked rows in the caller's write transaction (all or nothing).

    ``rows()`` gives the rows from the start each time it is called; they are read twice, a chunk
    at a time, and never held together: first to learn what the database has and what each new
    carer needs (``_Person``), then to write the referrals. Memory grows with the carers, not
    with the rows or with the file."""
    conn = session.connection()
    now = utcnow()
    stamp = {"created_at": now, "updated_at": now}

    # First reading: which carers and referrals the database has (looked up a chunk at a time).
    carer_ids: dict[str, str] = {}  # carer_ref -> id, for every carer the file names
    people: dict[str, _Person] = {}  # carer_ref -> what a carer new to the database needs
    known_keys: set[str] = set()  # import keys the database has (or the same carer and date)
    not_new: set[int] = set()  # row numbers of referrals already there
    reopened: set[str] = set()  # known carers gaining an open referral
    refreshed: set[str] = set()  # known carers gaining any referral (deadline worked out again)
    total = 0
    for part in _chunks_of(rows(), chunk):
        total += len(part)
        _look_up(conn, part, carer_ids, people, known_keys)
        for r in part:
            person = people.get(r.carer_ref)
            if r.import_key in known_keys:
                not_new.add(r.number)
            elif person is None:  # a carer the database knows
                refreshed.add(carer_ids[r.carer_ref])
                if r.closed_date is None:
                    reopened.add(carer_ids[r.carer_ref])
            elif person.row is None:
                person.row = r
            if person is not None:
                person.add(r)
    new_people = {ref: p.row for ref, p in people.items() if p.row is not None}

    # Districts and schools, matched by name whatever the case.
    districts = {name.lower(): did
                 for did, name in conn.execute(select(col(District.id), col(District.name)))}
    add_districts = []
    for r in new_people.values():
        if r.district.lower() not in districts:
            did = new_id()
            districts[r.district.lower()] = did
            add_districts.append({"id": did, "name": r.district, **stamp})
    if add_districts:
        conn.execute(insert(District), add_districts)
        outbox.queue_rows(conn, District, add_districts)  # team sync: queued when enrolled
    schools = {name.lower(): sid for sid, name in conn.execute(select(col(School.id), col(School.name)))}
    add_schools = []
    for r in new_people.values():
        if r.school and r.school.lower() not in schools:
            sid = new_id()
            schools[r.school.lower()] = sid
            add_schools.append({"id": sid, "name": r.school, "district_id": districts[r.district.lower()],
                                "phase": "", "on_list": False, "champion_name": "", **stamp})
    if add_schools:
        conn.execute(insert(School), add_schools)
        outbox.queue_rows(conn, School, add_schools)  # team sync: queued when enrolled

    # Households: by household_ref; a blank ref is a household of one.
    wanted = sorted({r.household_ref for r in new_people.values() if r.household_ref})
    households: dict[str, str] = {}
    for part_refs in _chunks(wanted):
        households.update({ref: hid for hid, ref in conn.execute(
            select(col(Household.id), col(Household.ref)).where(col(Household.ref).in_(part_refs)))
            if ref is not None})
    carer_household: dict[str, str] = {}
    added_households = 0
    for people_part in _chunks(list(new_people.items()), chunk):
        add_households = []
        for ref, r in people_part:
            if r.household_ref:
                if r.household_ref not in households:
                    hid = new_id()
                    households[r.household_ref] = hid
                    add_households.append({"id": hid, "ref": r.household_ref, "name": f"{r.last_name} family",
                                           "address": "", "postcode": "", "phone": "",
                                           "district_id": districts[r.district.lower()], **stamp})
                carer_household[ref] = households[r.household_ref]
            else:
                hid = new_id()
                add_households.append({"id": hid, "ref": None, "name": f"{r.last_name} family",
                                       "address": "", "postcode": "", "phone": "",
                                       "district_id": districts[r.district.lower()], **stamp})
                carer_household[ref] = hid
        if add_households:
            conn.execute(insert(Household), add_households)
            outbox.queue_rows(conn, Household, add_households)  # team sync: queued when enrolled
            added_households += len(add_households)
    del households

    # Carers: status open while any referral is open; impact from the latest assessed referral.
    bulk = len(new_people) >= BULK_INDEX_FROM
    with carers_indexed_in_bulk(conn) if bulk else contextlib.nullcontext():
        for people_part in _chunks(list(new_people.items()), chunk):
            add_carers = []
            for ref, r in people_part:
                person = people[ref]
                cid = new_id()
                carer_ids[ref] = cid
                add_carers.append({
                    "id": cid, "carer_ref": ref, "first_name": r.first_name, "last_name": r.last_name,
                    "preferred_name": "", "date_of_birth": r.date_of_birth, "sex": r.sex,
                    "ethnicity": r.ethnicity, "disability": False, "household_id": carer_household.pop(ref),
                    "school_id": schools.get(r.school.lower()) if r.school else None,
                    "district_id": districts[r.district.lower()], "worker_id": None, "phone": "", "email": "",
                    "caring_tasks": "", "impact_level": person.impact,
                    "status": "open" if person.open else "closed",
                    "needs_referral_details": False, "fsm": False, "send": False,
                    "deadline_date": person.pending[1] if person.pending else None,
                    "deadline_kind": person.pending[0] if person.pending else None, **stamp,
                })
            outbox.queue_rows(conn, Carer, add_carers)  # team sync: queued when enrolled
            conn.execute(insert(Carer), add_carers)
    added_carers = len(new_people)
    del people, new_people

    # Second reading: the referrals not there yet, a chunk at a time.
    added = 0
    for part in _chunks_of(rows(), chunk):
        add_referrals = [{
            "id": new_id(), "carer_id": carer_ids[r.carer_ref], "referral_date": r.referral_date,
            "source": r.source, "referrer_name": "", "referrer_contact": "", "reason": "",
            "consent": r.consent, "consent_date": None, "consent_given_by": "", "worker_id": None,
            "allocated_date": r.allocated_date, "assessment_completed_date": r.assessment_completed_date,
            "impact_level": r.impact_level, "closed_date": r.closed_date, "closure_reason": r.closure_reason,
            "closure_note": "", "reopened_count": 0, "import_key": r.import_key, **stamp,
        } for r in part if r.number not in not_new]
        if add_referrals:
            conn.execute(insert(Referral), add_referrals)
            outbox.queue_rows(conn, Referral, add_referrals)  # team sync: queued when enrolled
            added += len(add_referrals)

    # Known carers who gained an open referral are open again.
    for part_ids in _chunks(sorted(reopened)):
        outbox.queue_update(conn, Carer, part_ids, {"status": "open", "updated_at": now})
        conn.execute(update(Carer).where(col(Carer.id).in_(part_ids), col(Carer.status) != "open")
                     .values(status="open", updated_at=now))
    # Known carers who gained referrals: their stored deadline is worked out again from all of them.
    deadlines.refresh_bulk(session, refreshed)
    if added:
        audit.record(session, "import", "caseload", "", worker_id)
        session.flush()
    return Imported(file_name, added_carers, added_households, added, total - added, total)


def _chunks_of(items: Iterable[T], size: int) -> Iterator[list[T]]:
    part: list[T] = []
    for item in items:
        part.append(item)
        if len(part) >= size:
            yield part
            part = []
    if part:
        yield part


def _look_up(conn, part: list[Row], carer_ids: dict[str, str], people: dict[str, _Person],
             known_keys: set[str]) -> None:
    """What the database has for the carers and referrals of these rows (``plan_against`` a chunk
    at a time): carers by carer_ref, referrals by import key or by the same carer and date."""
    refs = sorted({r.carer_ref for r in part if r.carer_ref not in carer_ids and r.carer_ref not in people})
    found: dict[str, str] = {}
    for cid, ref in conn.execute(
            select(col(Carer.id), col(Carer.carer_ref)).where(col(Carer.carer_ref).in_(refs))):
        found[ref] = cid
    carer_ids.update(found)
    for ref in refs:
        if ref not in found:
            people[ref] = _Person()
    keys = sorted({r.import_key for r in part})
    known_keys.update(k for (k,) in conn.execute(
        select(col(Referral.import_key)).where(col(Referral.import_key).in_(keys))) if k is not None)
    # Referrals made in the app for a carer already known, on the same date, count as present.
    by_id = {cid: ref for ref, cid in found.items()}
    for ids in _chunks(list(by_id)):
        for cid, day in conn.execute(select(col(Referral.carer_id), col(Referral.referral_date))
                                     .where(col(Referral.carer_id).in_(ids))):
            known_keys.add(f"{by_id[cid]}|{day.isoformat()}")


IMPORT_CACHE_KIB = 64 * 1024  # page cache during an import (restored afterwards; 256 MB: RSS over 300 MB)
BULK_INDEX_FROM = 200  # carers: below this the per-row trigger is as quick

def import_file(store, path: Path, today: date, worker_id: str | None = None) -> Imported:
    """Check the file and, if it is all good, import it in one transaction. Raises ImportRejected.

    The file is read a row at a time, three times, and never held whole: the check (every
    problem, row by row, nothing written), then inside one write transaction what the database
    has, then the writing (``write_rows``). A 200,000-row file stays within a few hundred MB."""
    path = Path(path)
    errors: list[str] = []
    before = _stamp(path)
    try:
        with open_lines(path) as lines:
            for _row in checked_rows(lines, path.name, today, errors):
                pass
    except UnicodeDecodeError:
        read_text(path)  # raises ImportRejected saying which row holds the byte
        raise
    if errors:
        raise ImportRejected(errors)
    changed = ImportRejected([f"{path.name} changed while it was being imported; nothing was written. "
                              "Close it in the spreadsheet and import it again."])

    def rows() -> Iterator[Row]:
        """The rows again (checked again, one at a time: a row that no longer passes means the
        file changed, and the import stops with nothing written)."""
        again: list[str] = []
        try:
            with open_lines(path) as lines:
                yield from checked_rows(lines, path.name, today, again, across_rows=False)
        except UnicodeDecodeError:
            raise changed from None
        if again:
            raise changed

    with store.write() as session:
        conn = session.connection()
        # A bigger page cache while writing: random keys touch index pages all over the file.
        old_cache = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        conn.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        try:
            result = write_rows(session, path.name, rows, worker_id)
            if _stamp(path) != before:  # changed under us: what was checked is not what was read
                raise changed
            return result
        finally:
            conn.exec_driver_sql(f"PRAGMA cache_size = {old_cache}")


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns
