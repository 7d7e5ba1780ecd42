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

from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path
from typing import TypeVar

from sqlalchemy import insert, select, update
from sqlmodel import Session, col

from db import outbox
from db.models import Carer, District, Household, Referral, School, new_id, utcnow
from db.search_index import carers_indexed_in_bulk
from ycworker.caseload import deadlines
from ycworker.caseload.caseload_sheet import ImportRejected, Plan, Row, check_text, counted, read_text
from ycworker.common import audit

T = TypeVar("T")

CHUNK = 500
WRITE_PART = 5000  # rows built and inserted at a time (one executemany each, one transaction)


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


def _written_in_parts(rows: Iterable[dict], size: int = WRITE_PART) -> Iterator[list[dict]]:
    """Rows to insert, a part at a time: one executemany each, all in the caller's transaction."""
    it = iter(rows)
    while part := list(islice(it, size)):
        yield part


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
    conn = session.connection()
    now = utcnow()
    stamp = {"created_at": now, "updated_at": now}

    # Districts and schools, matched by name whatever the case.
    districts = {name.lower(): did
                 for did, name in conn.execute(select(col(District.id), col(District.name)))}
    new_rows = plan.new_rows
    new_people: dict[str, Row] = {}
    for r in new_rows:
        if r.carer_ref not in plan.existing_carers:
            new_people.setdefault(r.carer_ref, r)
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
    for part in _chunks(wanted):
        households.update({ref: hid for hid, ref in conn.execute(
            select(col(Household.id), col(Household.ref)).where(col(Household.ref).in_(part)))
            if ref is not None})
    new_households: list[tuple[str, str | None, Row]] = []  # (id, household_ref, the row naming it)
    carer_household: dict[str, str] = {}
    for ref, r in new_people.items():
        if r.household_ref and r.household_ref in households:
            carer_household[ref] = households[r.household_ref]
            continue
        hid = new_id()
        if r.household_ref:
            households[r.household_ref] = hid
        new_households.append((hid, r.household_ref or None, r))
        carer_household[ref] = hid
    household_rows = ({"id": hid, "ref": href, "name": f"{r.last_name} family", "address": "",
                       "postcode": "", "phone": "", "district_id": districts[r.district.lower()], **stamp}
                      for hid, href, r in new_households)
    for batch in _written_in_parts(household_rows):
        conn.execute(insert(Household), batch)
        outbox.queue_rows(conn, Household, batch)  # team sync: queued when enrolled

    # Carers: status open while any referral is open; impact from the latest assessed referral.
    all_rows_by_ref: dict[str, list[Row]] = {}
    for r in plan.rows:
        all_rows_by_ref.setdefault(r.carer_ref, []).append(r)
    carer_ids = dict(plan.existing_carers)
    for ref in new_people:
        carer_ids[ref] = new_id()

    def carer_rows() -> Iterator[dict]:
        for ref, r in new_people.items():
            rows = sorted(all_rows_by_ref[ref], key=lambda x: x.referral_date)
            impact = next((x.impact_level for x in reversed(rows) if x.impact_level), None)
            yield {
                "id": carer_ids[ref], "carer_ref": ref, "first_name": r.first_name,
                "last_name": r.last_name, "preferred_name": "", "date_of_birth": r.date_of_birth,
                "sex": r.sex, "ethnicity": r.ethnicity, "disability": False,
                "household_id": carer_household[ref],
                "school_id": schools.get(r.school.lower()) if r.school else None,
                "district_id": districts[r.district.lower()], "worker_id": None, "phone": "", "email": "",
                "caring_tasks": "", "impact_level": impact,
                "status": "open" if any(x.closed_date is None for x in rows) else "closed",
                "needs_referral_details": False, "fsm": False, "send": False,
                **_deadline_fields(rows), **stamp,
            }

    if new_people:
        insert_carers(conn, carer_rows(), many=len(new_people) >= BULK_INDEX_FROM)

    def referral_rows() -> Iterator[dict]:
        for r in new_rows:
            yield {
                "id": new_id(), "carer_id": carer_ids[r.carer_ref], "referral_date": r.referral_date,
                "source": r.source, "referrer_name": "", "referrer_contact": "", "reason": "",
                "consent": r.consent, "consent_date": None, "consent_given_by": "", "worker_id": None,
                "allocated_date": r.allocated_date, "assessment_completed_date": r.assessment_completed_date,
                "impact_level": r.impact_level, "closed_date": r.closed_date,
                "closure_reason": r.closure_reason, "closure_note": "", "reopened_count": 0,
                "import_key": r.import_key, **stamp,
            }

    for batch in _written_in_parts(referral_rows()):
        conn.execute(insert(Referral), batch)
        outbox.queue_rows(conn, Referral, batch)  # team sync: queued when enrolled

    # Known carers who gained an open referral are open again.
    reopened = sorted({carer_ids[r.carer_ref] for r in new_rows
                       if r.carer_ref in plan.existing_carers and r.closed_date is None})
    for part in _chunks(reopened):
        outbox.queue_update(conn, Carer, part, {"status": "open", "updated_at": now})
        conn.execute(update(Carer).where(col(Carer.id).in_(part), col(Carer.status) != "open")
                     .values(status="open", updated_at=now))
    # Known carers who gained referrals: their stored deadline is worked out again from all of them.
    deadlines.refresh_bulk(session, {carer_ids[r.carer_ref] for r in new_rows
                                  if r.carer_ref in plan.existing_carers})
    if new_rows:
        audit.record(session, "import", "caseload", "", worker_id)
        session.flush()
    return Imported(plan.file_name, len(new_people), len(new_households), len(new_rows),
                    len(plan.rows) - len(new_rows), len(plan.rows))


def _deadline_fields(rows: list[Row]) -> dict:
    """A new carer's stored deadline (ycworker.caseload.deadlines) from the rows that bring them."""
    pending = deadlines.earliest((x.referral_date, x.allocated_date, x.assessment_completed_date,
                                  x.closed_date, x.consent) for x in rows)
    if pending is None:
        return {"deadline_date": None, "deadline_kind": None}
    return {"deadline_date": pending[1], "deadline_kind": pending[0]}


IMPORT_CACHE_KIB = 256 * 1024  # page cache during an import (restored afterwards)
BULK_INDEX_FROM = 200  # carers: below this the per-row trigger is as quick

def insert_carers(conn, rows: Iterable[dict], *, many: bool) -> None:
    """Insert carers, a part at a time (the rows are made as they are written, so a 200,000-row
    file is never all in memory as dicts); ``many`` indexes them for search in bulk at the end
    instead of row by row (about 8x quicker than the per-row trigger at 40,000 carers, with the
    same result)."""
    with carers_indexed_in_bulk(conn) if many else nullcontext():
        for part in _written_in_parts(rows):
            outbox.queue_rows(conn, Carer, part)  # team sync: queued when enrolled
            conn.execute(insert(Carer), part)


def import_file(store, path: Path, today: date, worker_id: str | None = None) -> Imported:
    """Check the file and, if it is all good, import it in one transaction. Raises ImportRejected."""
    path = Path(path)
    plan = check_text(read_text(path), path.name, today)  # the file's text is not kept
    if not plan.ok:
        raise ImportRejected(plan.errors)
    with store.write() as session:
        conn = session.connection()
        # A bigger page cache while writing: random keys touch index pages all over the file.
        old_cache = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        conn.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        try:
            plan_against(session, plan)
            return apply(session, plan, worker_id)
        finally:
            conn.exec_driver_sql(f"PRAGMA cache_size = {old_cache}")
