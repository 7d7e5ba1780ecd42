"""Every service that writes queues what it wrote (team sync, db.outbox), bulk paths included.

Table-driven: each row is a service, what it does on an enrolled store, and the tables it is
expected to write. Around each one every synced table is read before and after, and the queue
must hold exactly the difference: each new row as one "*" change equal to the stored row, each
changed column (``updated_at`` aside) as one change whose value is the stored value and whose base
is the value before, each removed row as "-" (an erased carer: "erased"). The last tests check
that the table covers every synced table and that no Core write in ycworker bypasses the queue.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel
from sqlmodel import select as sm_select

from db import outbox
from db.models import Booking, BookingDay, Carer, ClubSession, Setting, TeamChange
from tests.conftest import TODAY
from tests.helpers import assessment_data, caseload_import, register_data
from tests.helpers import factories as f
from tests.helpers.bookings import make_activity
from ycworker.assessment import assessments, plans, reviews
from ycworker.bookings import attendance, bookings
from ycworker.bookings.bookings import BookingDetails
from ycworker.caseload import carers, importing, referrals
from ycworker.common import workers
from ycworker.common.workers import WorkerInfo
from ycworker.protection import erasure
from ycworker.protection import workers as staff
from ycworker.registers import clubs, members, register
from ycworker.returns import kpis
from ycworker.service_log import awareness, bus_passes, feedback, safeguarding, schools, training, triple_c

ROOT = Path(__file__).resolve().parents[2]


# -- the world every service works on (written before the store is enrolled) ---------------------


def world(store) -> dict[str, str]:
    ids = assessment_data.build(store)
    reg = register_data.build(store, n=4, choose_worker=False)
    ids.update(club=reg["club"], session=reg["session"], kid0=reg["carers"][0], kid1=reg["carers"][1],
               kid2=reg["carers"][2], district=reg["district"])
    with store.write() as s:
        dan = f.carer(s, "Dan", "Okafor", date(2011, 1, 15), carer_ref="YC-DDD444", status="closed")
        f.referral(s, dan.id, date(2025, 1, 6), closed_date=date(2025, 3, 1), closure_reason="moved_away",
                   consent="given")
        aid, days = make_activity(s, capacity=1)
        a = bookings.book(s, aid, ids["amira"], None, BookingDetails(), None, TODAY)
        bookings.book(s, aid, ids["cara"], None, BookingDetails(), None, TODAY)  # waiting list
        f.carer(s, "Pass", "Holder", carer_ref="YC-000001")
        workers.choose(s, ids["me"])
    ids.update(dan=dan.id, activity=aid, day=days[0], booking=a.booking_id)
    return ids


def enrol(store) -> None:
    with store.write() as s:
        s.add(Setting(key=outbox.TEAM_URL, value="https://team.example.org"))
    outbox.set_enrolled(store, True)


def snapshot(store) -> dict[tuple[str, str], dict[str, object]]:
    out = {}
    with store.connect() as conn:
        for name in sorted(outbox.SYNCED_TABLES):
            t = SQLModel.metadata.tables[name]
            for row in conn.execute(select(t)).mappings():
                out[(name, row["id"])] = {k: outbox.plain(v) for k, v in row.items()}
    return out


def waiting(store) -> list[TeamChange]:
    with store.read() as s:
        rows = list(s.exec(sm_select(TeamChange).where(TeamChange.status == "waiting")).all())
        s.expunge_all()
        return rows


def check_queue_matches(before, after, changes) -> set[str]:
    """The queue holds exactly what changed between the two snapshots. Returns the tables written."""
    by_key: dict[tuple[str, str, str], TeamChange] = {}
    for c in changes:
        assert (c.entity, c.record_id, c.field) not in by_key, f"two waiting changes for {c.field}"
        by_key[(c.entity, c.record_id, c.field)] = c
    expected: set[tuple[str, str, str]] = set()
    for (entity, rid), row in after.items():
        old = before.get((entity, rid))
        if old is None:
            change = by_key.get((entity, rid, "*"))
            assert change is not None, f"new {entity} row not queued"
            derived = {"deadline_date", "deadline_kind"}  # worked out on each laptop, never synced
            assert ({k: v for k, v in json.loads(change.value).items() if k not in derived}
                    == {k: v for k, v in row.items() if k not in derived}), \
                f"new {entity} row queued with other values"
            expected.add((entity, rid, "*"))
            continue
        for name, value in row.items():
            if name in outbox.NOT_A_CHANGE or old[name] == value:
                continue
            change = by_key.get((entity, rid, name))
            assert change is not None, f"{entity}.{name} changed, not queued"
            assert (json.loads(change.value), json.loads(change.base_value)) == (value, old[name])
            expected.add((entity, rid, name))
    for entity, rid in before.keys() - after.keys():
        field = outbox.ERASED if (entity, rid, outbox.ERASED) in by_key else "-"
        assert (entity, rid, field) in by_key, f"removed {entity} row not queued"
        expected.add((entity, rid, field))
    assert set(by_key) == expected, f"queued without a change: {sorted(set(by_key) - expected)}"
    return {entity for entity, _rid, _field in expected}


# -- the services --------------------------------------------------------------------------------


def add_carer(store, ids):
    with store.write() as s:
        referrals.create_request(s, dict(first_name="Leo", last_name="Grant", date_of_birth="04/07/2013",
                                         school="Castle Academy", district="", source="school",
                                         referrer_name="Mrs Hill", referrer_contact="",
                                         reason="Cares for his dad", referral_date="24/11/2026"),
                                TODAY, ids["me"])


def edit_carer_fields(store, ids):
    with store.write() as s:
        carers.update_field(s, ids["amira"], "first_name", "Amina", TODAY, ids["me"])
        carers.update_field(s, ids["amira"], "date_of_birth", "02/05/2012", TODAY, ids["me"])
        carers.update_field(s, ids["amira"], "sex", "F", TODAY, ids["me"])


def household_and_people(store, ids):
    with store.write() as s:
        carers.add_sibling(s, ids["amira"], "YC-CCC333", ids["me"])
        carers.add_cared_for(s, ids["amira"], {"name": "Sarah", "relationship": "mother",
                                               "conditions": ["mental_health"], "notes": ""}, ids["me"])
        carers.add_contact(s, ids["amira"], {"kind": "phone_call", "mode": "phone",
                                             "contact_date": "23/11/2026", "duration_minutes": "10",
                                             "note": "ok"}, TODAY, ids["me"])


def referral_steps(store, ids):
    with store.write() as s:
        referrals.record_consent(s, ids["ref_cara"], {"consent": "given", "consent_date": "23/11/2026",
                                                      "consent_given_by": "Mum"}, TODAY, ids["me"])
        referrals.allocate(s, ids["ref_cara"], {"worker": ids["me"], "allocated_date": "24/11/2026"}, TODAY)


def close_and_reopen(store, ids):
    with store.write() as s:
        referrals.close(s, ids["ref_cara"], {"closure_reason": "consent_not_given",
                                             "closed_date": "24/11/2026"}, TODAY, ids["me"])
    with store.write() as s:
        referrals.reopen(s, ids["ref_cara"], TODAY, ids["me"])


def import_caseload(store, ids, tmp_path):
    text = caseload_import.csv_text(
        *caseload_import.GOOD,
        "YC-DDD444,Dan,Okafor,15/01/2011,M,WBRI,Dover,,,2026-11-02,school,given,,,,,")  # reopens Dan
    importing.import_file(store, caseload_import.write(tmp_path, text), TODAY, ids["me"])


def assessment_save(store, ids):
    with store.write() as s:
        aid = assessments.start(s, ids["amira"], "initial", TODAY, ids["me"])
    with store.write() as s:
        assessments.save_draft(s, aid, assessment_data.FULL, ids["me"])
        for item in range(1, 19):
            assessments.set_score(s, aid, "MACA-YC18", item, 1, ids["me"])
    with store.write() as s:
        assessments.complete(s, aid, TODAY, ids["me"])


def change_of_circumstances(store, ids):
    with store.write() as s:
        assessments.record_change(s, ids["ben"], {"changed_on": "20/11/2026", "change": "Dad moved out"},
                                  TODAY, ids["me"])


def plan_and_review(store, ids):
    with store.write() as s:
        action = plans.add_action(s, ids["ben"], {"what": "Join the Chill Club", "who": "Worker",
                                                  "due_date": "01/12/2026"}, TODAY, ids["me"])
        plans.set_status(s, action, "done", TODAY, ids["me"])
    ratings = {code: "improved" for code in kpis.OUTCOMES}
    with store.write() as s:
        form = {"review_date": "20/11/2026", "ratings": ratings, "satisfied": "yes",
                "satisfaction_comment": "Good"}
        reviews.save_review(s, ids["ben"], form, TODAY, ids["me"])


def club_and_members(store, ids):
    with store.write() as s:
        form = clubs.ClubForm(name="Deal Seniors", district_id=ids["district"], venue="Deal Hub",
                              min_age="11", max_age="17", frequency="weekly", weekday=2,
                              start_time="17:00", end_time="18:30", first_date="25/11/2026")
        club = clubs.save_club(s, form, worker_id=ids["me"], today=TODAY)
        members.add_member(s, club, ids["amira"], today=TODAY)
        members.remove_member(s, ids["club"], ids["kid2"], today=TODAY)
        later = s.exec(sm_select(ClubSession.id).where(ClubSession.club_id == club)).first()
        clubs.cancel_session(s, later, "Venue closed", worker_id=ids["me"])


def register_marks(store, ids):
    sid = ids["session"]
    with store.write() as s:
        register.mark(s, sid, ids["kid0"], "present", today=TODAY, worker_id=ids["me"])
        register.mark(s, sid, ids["kid1"], "late", today=TODAY, worker_id=ids["me"])
        register.mark(s, sid, ids["kid2"], "absent", today=TODAY, worker_id=ids["me"])
    with store.write() as s:
        register.mark(s, sid, ids["kid1"], "present", today=TODAY,
                      worker_id=ids["me"])  # collapses into its "*"


def marks_made(store, ids):
    with store.write() as s:
        register.mark(s, ids["session"], ids["kid0"], "present", today=TODAY, worker_id=ids["me"])
        register.mark(s, ids["session"], ids["kid1"], "present", today=TODAY, worker_id=ids["me"])


def register_edits(store, ids):
    sid = ids["session"]
    with store.write() as s:
        register.mark(s, sid, ids["kid0"], "late", today=TODAY, worker_id=ids["me"])
        register.set_transport(s, sid, ids["kid0"], "taxi", worker_id=ids["me"])
        register.set_note(s, sid, ids["kid0"], "Came by taxi", worker_id=ids["me"])
        register.clear_mark(s, sid, ids["kid1"], worker_id=ids["me"])
        register.walk_in(s, sid, "Nora", "Newcomer", "01/01/2015", today=TODAY, worker_id=ids["me"],
                         force_new=True)


def bookings_and_attendance(store, ids):
    with store.write() as s:
        bookings.book(s, ids["activity"], ids["ben"], None, BookingDetails(), ids["me"], TODAY)
        bookings.cancel(s, ids["booking"], "Poorly", ids["me"])  # frees a place: Cara is offered it
    with store.write() as s:
        cara = s.exec(sm_select(Booking.id).where(Booking.carer_id == ids["cara"])).one()
        bookings.respond_to_offer(s, cara, True, ids["me"])
        day = s.exec(sm_select(BookingDay.id).where(BookingDay.booking_id == cara)).first()
        attendance.mark(s, day, "present", ids["me"], today=TODAY + timedelta(days=30))  # on the day


def service_log_entries(store, ids):
    with store.write() as s:
        awareness.save(s, {"session_date": "02/11/2026", "audience": "Pupils", "headcount": "120",
                           "district": ids["district"]}, TODAY, worker_id=ids["me"])
        training.save(s, {"session_date": "03/11/2026", "title": "Identifying young carers",
                          "audience": "DSLs", "professionals_trained": "12"}, TODAY)
        feedback.save(s, {"feedback_date": "01/11/2026", "satisfied": "yes", "source": "survey"}, TODAY)
        triple_c.save(s, {"kind": "compliment", "entry_date": "2026-11-20", "theme": "Club"}, TODAY)
        safeguarding.save(s, {"entry_date": "05/11/2026", "theme": "Online safety", "action": "DSL told",
                              "carer": "YC-AAA111"}, TODAY, worker_id=ids["me"])
        bus_passes.save(s, {"carer": "YC-000001", "applied_date": "01/09/2026", "issued_date": "15/09/2026"},
                        TODAY)
        schools.save(s, {"name": "Margate Academy", "district": ids["district"], "phase": "secondary",
                         "on_list": "yes", "champion_name": "Ms Reed", "champion_since": "01/03/2024"}, TODAY)


def a_new_worker(store, ids):
    acting = WorkerInfo(*store.acting)
    staff.add_worker(store, acting, "Nia New", "a long passphrase for Nia")


def safeguarding_entry(store, ids):
    with store.write() as s:
        safeguarding.save(s, {"entry_date": "05/11/2026", "theme": "Online safety", "action": "DSL told",
                              "carer": "YC-AAA111"}, TODAY, worker_id=ids["me"])


def erase(store, ids):
    erasure.erase_carer(store, ids["amira"], by=WorkerInfo(ids["boss"], "Morgan Manager", "manager"),
                        confirm="YC-AAA111")


#: Each service that writes, and the tables it writes (new rows, changed columns or removals).
def record_casework(store, ids):
    """Issue 18's record edits: a safeguarding status and meeting, the handover at 18, a new
    organisation on the list (a manager's) and signposting to it, language for carer and family."""
    from ycworker.caseload import casework
    from ycworker.common.context import Context

    me, boss = Context(TODAY, ids["me"]), Context(TODAY, ids["boss"])
    amira = ids["amira"]
    casework.set_safeguarding_status(store, amira, {"status": "early_help", "start_date": "02/11/2026"}, me)
    casework.add_safeguarding_meeting(store, amira, {"meeting_date": "20/11/2026", "kind": "taf_meeting",
                                                     "attended": "Hub keyworker, Mum"}, me)
    casework.record_handover(store, ids["ben"], {"asc_referral_date": "20/11/2026"}, me)
    org = casework.add_organisation(store, {"name": "Dover Food Bank"}, boss)
    casework.add_signposting(store, ids["amira"], {"organisation": org, "signposted_date": "23/11/2026"}, me)
    casework.save_language(store, ids["amira"], {"first_language": "English", "family_first_language": "Urdu",
                                                 "family_interpreter_needed": "yes"}, me)


def return_settings(store, ids):
    """Issue 18's reporting settings: a manager's target and profile, an area with a district in it,
    and a quarter's narrative."""
    from ycworker.returns import setting_actions

    setting_actions.save_targets(store, {"kpi2_allocated_within_5_working_days": "75"}, "kent", ids["boss"])
    grouping = setting_actions.add_area(store, "North Area", ids["boss"])
    area_id = next(a for a, name in grouping.areas if name == "North Area")
    setting_actions.put_district(store, ids["district"], area_id, ids["boss"])
    setting_actions.save_narrative(store, ids["me"], "2026-27-Q2", "A young carer told us the club helps.")


SERVICES = [
    ("add a carer (support request)", add_carer, {"carer", "referral", "school"}),
    ("edit a carer's fields", edit_carer_fields, {"carer"}),
    ("sibling, cared-for, contact", household_and_people,
     {"carer", "household", "cared_for", "care_relationship", "cared_for_condition", "contact"}),
    ("consent and allocation", referral_steps, {"referral", "carer"}),
    ("close and reopen", close_and_reopen, {"referral"}),
    ("import caseload", import_caseload, {"district", "school", "household", "carer", "referral"}),
    ("assessment save and complete", assessment_save,
     {"assessment", "assessment_section", "assessment_score", "referral", "carer"}),
    ("change of circumstances", change_of_circumstances, {"assessment"}),
    ("plan and review", plan_and_review, {"plan_action", "review", "review_outcome", "feedback"}),
    ("clubs and members", club_and_members, {"club", "club_session", "club_member"}),
    ("register marks", register_marks, {"attendance"}),
    ("register edits, undo and walk-in", register_edits, {"attendance", "carer", "club_member"},
     marks_made),
    ("bookings and attendance", bookings_and_attendance, {"booking", "booking_day", "booking_offer"}),
    ("service log entries", service_log_entries,
     {"awareness_session", "training_session", "feedback", "triple_c_entry", "safeguarding_entry",
      "bus_pass", "school"}),
    ("a worker added", a_new_worker, {"worker"}),
    ("casework on the record", record_casework,
     {"safeguarding_status", "safeguarding_meeting", "signposting", "signposting_organisation", "carer",
      "household"}),
    ("return settings, areas, narrative", return_settings,
     {"return_setting", "area", "area_district", "return_narrative"}),
    ("erasure", erase, {"carer", "referral", "safeguarding_entry", "booking", "booking_day"},
     safeguarding_entry),
]
#: Synced tables no service above writes, and why.
NOT_WRITTEN_HERE: dict[str, str] = {
    "holiday_activity": "written by create_activity in world() (an ORM flush like every other)",
    "activity_day": "written by create_activity in world() (an ORM flush like every other)",
}


def run(store, tmp_path, row) -> tuple[dict, dict]:
    """World, then the row's preparation (synced: as the server's), then its action. Returns the
    synced tables before and after the action."""
    ids = world(store)
    _name, action, _tables, *prepare = row
    if prepare:
        prepare[0](store, ids)
    with store.connect(write=True) as conn:  # as if synced: what is there now is the server's too
        conn.execute(TeamChange.__table__.update().values(status="applied"))
    before = snapshot(store)
    if action is import_caseload:
        action(store, ids, tmp_path)
    else:
        action(store, ids)
    return before, snapshot(store)


@pytest.mark.parametrize("row", SERVICES, ids=[row[0] for row in SERVICES])
def test_each_service_queues_what_it_wrote(store, tmp_path, row):
    enrol(store)
    before, after = run(store, tmp_path, row)
    written = check_queue_matches(before, after, waiting(store))
    assert row[2] <= written, f"{row[0]} did not write {sorted(row[2] - written)}"


@pytest.mark.parametrize("row", SERVICES, ids=[row[0] for row in SERVICES])
def test_a_never_enrolled_store_queues_nothing_from_any_service(store, tmp_path, row):
    before, after = run(store, tmp_path, row)
    assert before != after  # the service did write
    with store.read() as s:
        assert s.exec(sm_select(TeamChange)).all() == []


def test_the_service_table_covers_every_synced_table():
    covered = set().union(*(row[2] for row in SERVICES)) | set(NOT_WRITTEN_HERE)
    assert covered == set(outbox.SYNCED_TABLES), sorted(set(outbox.SYNCED_TABLES) ^ covered)


def test_an_activity_made_on_an_enrolled_store_is_queued(store):
    enrol(store)
    with store.write() as s:
        make_activity(s)
    entities = sorted(c.entity for c in waiting(store))
    assert entities == ["activity_day"] * 3 + ["holiday_activity"]


def test_erasure_leaves_nothing_of_the_person_in_the_queue(store):
    ids = world(store)
    enrol(store)
    edit_carer_fields(store, ids)  # waiting: their new first name
    erase(store, ids)
    with store.read() as s:
        rows = s.exec(sm_select(TeamChange)).all()
        assert not any(r.value and "Amina" in r.value for r in rows)
        mine = [r for r in rows if r.record_id == ids["amira"]]
        assert [(r.field, r.value) for r in mine] == [(outbox.ERASED, None)]


def test_a_bulk_import_queues_one_new_record_change_per_row(store, tmp_path):
    enrol(store)
    rows = [f"K{i:04d},Kid,Number{i},01/05/2012,F,ABAN,Dover,,H{i},2026-10-01,school,given,,,,,"
            for i in range(300)]
    importing.import_file(store, caseload_import.write(tmp_path, caseload_import.csv_text(*rows)), TODAY)
    with store.read() as s:
        count = {e: 0 for e in ("carer", "referral", "household", "district")}
        for c in s.exec(sm_select(TeamChange)).all():
            assert c.field == "*"
            count[c.entity] += 1
        assert count == {"carer": 300, "referral": 300, "household": 300, "district": 1}
        assert len(s.exec(sm_select(Carer)).all()) == 300


# -- no Core write in ycworker bypasses the queue ----------------------------------------------

_CORE_WRITE = re.compile(
    r"\b(?:insert|update|delete)\(\s*[A-Z]\w*\s*\)"  # sqlalchemy insert(Model) / update(Model) ...
    r"|\bsa\.(?:insert|update|delete)\("
    r"|exec_driver_sql\(\s*f?[\"'](?:INSERT|UPDATE|DELETE|REPLACE)")
#: Files with Core writes, and how each is queued (or why it need not be).
CORE_WRITERS = {
    "ycworker/caseload/importing.py": "queue_rows / queue_update",
    "ycworker/registers/register.py": "outbox.queued around each statement",
    "ycworker/protection/erasure.py": "queue_erasure; outbox.queued around the unlinking",
    "ycworker/returns/sync.py": "sealed_return only: a local table, never synced",
    "ycworker/demo/base.py": "refused on an enrolled store (ycworker/demo/__init__.py)",
    "ycworker/demo/__init__.py": "refused on an enrolled store",
    "ycworker/team/sync.py": "the sync client: pulled changes and drops, never queued",
    "ycworker/caseload/deadlines.py": "the stored deadline: derived, never synced (NOT_A_CHANGE)",
    "ycworker/team/server/enrol_limit.py": "the server's PostgreSQL (wrong enrolment codes), not a laptop",
}


def test_every_core_write_in_ycworker_is_known_to_queue():
    found = set()
    for path in sorted((ROOT / "ycworker").rglob("*.py")):
        if _CORE_WRITE.search(path.read_text("utf-8")):
            found.add(str(path.relative_to(ROOT)))
    unknown = found - set(CORE_WRITERS)
    assert not unknown, f"Core writes that bypass the ORM (queue them with db.outbox): {sorted(unknown)}"
    for name, how in CORE_WRITERS.items():
        text = (ROOT / name).read_text("utf-8")
        if "queue" in how or "queued" in how:
            assert "outbox." in text, name
