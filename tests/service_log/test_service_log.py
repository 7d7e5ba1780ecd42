"""The service log's services: add, change and list each kind of entry; checks; audit; KPI links."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.models import AuditEntry, AwarenessSession, BusPass, Feedback, SafeguardingEntry, School, TripleCEntry
from tests.helpers import factories as f
from ycworker.common.errors import FormErrors
from ycworker.common.periods import parse_quarter
from ycworker.returns import kpis
from ycworker.service_log import awareness, bus_passes, feedback, safeguarding, schools, training, triple_c
from ycworker.service_log import entries as service_log

TODAY = date(2026, 11, 24)  # Tuesday, in 2026-27 Q3
EVERYTHING = service_log.window("all", TODAY)


def audits(store, action=None):
    a = AuditEntry.__table__.c
    q = sa.select(a.action, a.entity, a.record_id, a.worker_id)
    if action:
        q = q.where(a.action == action)
    with store.read() as s:
        return [tuple(r) for r in s.connection().execute(q)]


def errors_of(fn, *args, **kw) -> dict[str, str]:
    with pytest.raises(FormErrors) as exc:
        fn(*args, **kw)
    return exc.value.by_field()


def test_windows_quarter_year_everything():
    q = service_log.window("quarter", TODAY)
    assert (q.start, q.end) == (date(2026, 10, 1), date(2026, 12, 31))
    y = service_log.window("year", date(2026, 2, 1))
    assert (y.start, y.end) == (date(2025, 4, 1), date(2026, 3, 31))
    assert service_log.window("all", TODAY).label == "everything"
    assert q.label == "this quarter (01/10/2026 to 31/12/2026)"
    assert [service_log.next_window(k) for k in service_log.WINDOWS] == ["year", "all", "quarter"]


def test_awareness_add_change_list_and_kpi8(store):
    with store.write() as s:
        d = f.district(s, "Dover")
        school = f.school(s, "Dover Grammar", district_id=d.id)
        worker = f.worker(s)
        first = awareness.save(s, {"session_date": "02/07/2025", "audience": "Pupils", "headcount": "120",
                                   "school": "dover grammar", "notes": "Assembly for Year 7"}, TODAY,
                               worker_id=worker.id)
        second = awareness.save(s, {"session_date": "2025-09-30", "audience": "community",
                                    "headcount": "15", "district": d.id}, TODAY, worker_id=worker.id)
        wid = worker.id
    with store.read() as s:
        row = s.get(AwarenessSession, first)
        # the district comes from the school when none is given
        assert (row.school_id, row.district_id, row.worker_id) == (school.id, d.id, wid)
        listing = awareness.list_sessions(s, EVERYTHING)
    assert [r.id for r in listing.rows] == [second, first]  # newest first
    assert listing.rows[1].school == "Dover Grammar" and listing.rows[0].district == "Dover"
    assert listing.summary == "2 awareness sessions (KPI 8) reaching 135 people"
    with store.write() as s:
        form = awareness.form_for(s, first)
        assert form["session_date"] == "02/07/2025" and form["school"] == "Dover Grammar"
        awareness.save(s, {**form, "headcount": "130"}, TODAY, entry_id=first, worker_id=wid)
        awareness.save(s, {**form, "headcount": "130"}, TODAY, entry_id=first, worker_id=wid)  # no change
    with store.read() as s:
        assert s.get(AwarenessSession, first).headcount == 130
        k8 = kpis.compute(s, parse_quarter("2025-26-Q2"), TODAY).figure("kpi8_awareness_sessions")
    assert k8.numerator == 2
    assert [a[:2] for a in audits(store) if a[1] == "awareness_session"] == [
        ("create", "awareness_session"), ("create", "awareness_session"), ("update", "awareness_session")]


def test_awareness_checks_every_field_at_once(store):
    with store.write() as s:
        errs = errors_of(awareness.save, s, {"session_date": "31/02/2025", "audience": "aliens",
                                              "headcount": "lots", "school": "Nowhere High",
                                              "district": "Atlantis"}, TODAY)
    assert set(errs) == {"session_date", "audience", "headcount", "school", "district"}
    assert "no such day" in errs["session_date"] and "Pupils" in errs["audience"]
    assert "whole number" in errs["headcount"] and "schools list" in errs["school"]
    with store.write() as s:
        errs = errors_of(awareness.save, s, {"session_date": "2026-12-01", "audience": "pupils",
                                              "headcount": "-3"}, TODAY)
    assert "future" in errs["session_date"] and "whole number" in errs["headcount"]
    with store.write() as s:
        errs = errors_of(awareness.save, s, {"session_date": "", "audience": "", "headcount": "99999"}, TODAY)
    assert set(errs) == {"session_date", "audience", "headcount"}
    assert audits(store) == []


def test_training_counts_professionals_for_kpi7(store):
    with store.write() as s:
        a = training.save(s, {"session_date": "03/07/2025", "title": "Identifying young carers",
                              "audience": "DSLs", "professionals_trained": "12"}, TODAY)
        training.save(s, {"session_date": "03/08/2025", "title": "Young carers in primary care",
                          "professionals_trained": "7"}, TODAY)
        errs = errors_of(training.save, s, {"session_date": "03/08/2025", "title": " ",
                                            "professionals_trained": "0"}, TODAY)
        assert set(errs) == {"title", "professionals_trained"}
        listing = training.list_sessions(s, EVERYTHING)
        k7 = kpis.compute(s, parse_quarter("2025-26-Q2"), TODAY).figure("kpi7_professionals_trained")
    assert listing.summary == "2 training sessions; 19 professionals trained (KPI 7)"
    assert listing.rows[-1].id == a and k7.numerator == 19


def test_feedback_kpi6_anonymous_or_by_carer_ref(store):
    with store.write() as s:
        c = f.carer(s, carer_ref="YC-000777")
        feedback.save(s, {"feedback_date": "01/08/2025", "satisfied": "yes", "source": "review",
                          "carer": "yc-000777", "comment": "Really helpful.\nThank you"}, TODAY)
        feedback.save(s, {"feedback_date": "02/08/2025", "satisfied": "no", "source": "survey"}, TODAY)
        feedback.save(s, {"feedback_date": "03/08/2025", "satisfied": "yes", "source": "Event"}, TODAY)
        errs = errors_of(feedback.save, s, {"feedback_date": "03/08/2025", "satisfied": "maybe",
                                            "source": "pigeon", "carer": "YC-NOPE"}, TODAY)
        assert set(errs) == {"satisfied", "source", "carer"}
        listing = feedback.list_feedback(s, EVERYTHING)
        k6 = kpis.compute(s, parse_quarter("2025-26-Q2"), TODAY).figure("kpi6_satisfied")
        rows = s.exec(sa.select(Feedback.carer_id, Feedback.comment).order_by(Feedback.feedback_date)).all()
    assert rows[0] == (c.id, "Really helpful.\nThank you") and rows[1][0] is None
    assert listing.summary == "3 responses, 2 satisfied: 66.7% (KPI 6, target 90%)"
    assert listing.rows[-1].carer_ref == "YC-000777"
    assert (k6.numerator, k6.denominator, k6.value) == (2, 3, "66.7")


def test_triple_c_days_to_respond_are_working_days_and_waiting_is_shown(store):
    # received Friday 2025-04-18 (Good Friday): Easter Monday 21 is a bank holiday too
    assert triple_c.days_to_respond(date(2025, 4, 17), date(2025, 4, 22)) == 1
    assert triple_c.days_to_respond(date(2025, 10, 3), date(2025, 10, 6)) == 1  # Friday -> Monday
    assert triple_c.days_to_respond(date(2025, 10, 3), date(2025, 10, 3)) == 0
    assert triple_c.days_to_respond(date(2025, 12, 23), date(2026, 1, 2)) == 5  # over Christmas
    assert triple_c.days_to_respond(date(2025, 10, 3), None) is None
    with store.write() as s:
        w = f.worker(s)
        done = triple_c.save(s, {"kind": "complaint", "entry_date": "03/10/2025",
                                 "received_from": "parent_carer", "theme": "Waiting time",
                                 "detail": "Waited three weeks", "response": "Apologised; first visit booked",
                                 "responded_date": "10/10/2025"}, TODAY, worker_id=w.id)
        waiting = triple_c.save(s, {"kind": "Complaint", "entry_date": "2026-11-17", "theme": "Cancellation"},
                                TODAY)
        triple_c.save(s, {"kind": "compliment", "entry_date": "2026-11-20", "theme": "Club"}, TODAY)
        triple_c.save(s, {"kind": "comment", "entry_date": "2026-11-19", "theme": "Transport"}, TODAY)
        errs = errors_of(triple_c.save, s, {"kind": "moan", "entry_date": "10/10/2025", "theme": "",
                                            "response": "Called back", "responded_date": "01/10/2025"}, TODAY)
        assert set(errs) == {"kind", "theme", "responded_date"}
        assert "before the date it was received" in errs["responded_date"]
        errs = errors_of(triple_c.save, s, {"kind": "comment", "entry_date": "10/10/2025", "theme": "x",
                                            "responded_date": "11/10/2025"}, TODAY)
        assert set(errs) == {"response"}
        errs = errors_of(triple_c.save, s, {"kind": "comment", "entry_date": "10/10/2025", "theme": "x",
                                            "response": "Rang them"}, TODAY)
        assert set(errs) == {"responded_date"}
        listing = triple_c.list_entries(s, EVERYTHING, TODAY)
        assert s.get(TripleCEntry, done).worker_id == w.id
    rows = {r.id: r for r in listing.rows}
    assert rows[done].days_to_respond == 5 and rows[done].received_from == "parent_carer"
    assert rows[waiting].waiting_days == 5 and rows[waiting].days_to_respond is None
    compliment = next(r for r in listing.rows if r.kind == "compliment")
    assert compliment.waiting_days is None  # a compliment needs no response
    assert listing.summary == ("1 compliment, 1 comment, 2 complaints; complaints answered in 5.0 working "
                               "days on average (longest 5); 1 complaint awaiting a response")
    with store.read() as s:
        quarter = triple_c.list_entries(s, service_log.window("quarter", TODAY), TODAY)
    assert quarter.total == 3 and all(r.entry_date >= date(2026, 10, 1) for r in quarter.rows)


def test_safeguarding_log_shows_refs_not_names_and_audits_views(store):
    with store.write() as s:
        c = f.carer(s, first_name="Zara", last_name="Quist", carer_ref="YC-004242")
        w = f.worker(s)
        linked = safeguarding.save(s, {"entry_date": "05/11/2026", "theme": "Online safety",
                                       "action": "Safety plan made", "carer": "YC-004242"}, TODAY,
                                   worker_id=w.id)
        safeguarding.save(s, {"entry_date": "06/11/2026", "theme": "Online safety", "action": "DSL told"},
                          TODAY, worker_id=w.id)
        safeguarding.save(s, {"entry_date": "07/11/2026", "theme": "Self-harm", "action": "GP informed"},
                          TODAY, worker_id=w.id)
        errs = errors_of(safeguarding.save, s, {"entry_date": "07/11/2026", "theme": "", "action": ""}, TODAY)
        assert set(errs) == {"theme", "action"}
        listing = safeguarding.list_entries(s, EVERYTHING)
        wid = w.id
    assert listing.summary == "3 entries under 2 themes; most often: Online safety (2), Self-harm (1)"
    shown = " ".join(f"{r.theme} {r.action} {r.carer_ref}" for r in listing.rows)
    assert "YC-004242" in shown and "Zara" not in shown and "Quist" not in shown
    with store.write() as s:
        form = safeguarding.form_for(s, linked, wid)
        assert form["carer"] == "YC-004242"
        assert s.get(SafeguardingEntry, linked).carer_id == c.id
    assert ("view", "safeguarding_entry", linked, wid) in audits(store, "view")


def test_bus_passes_applied_issued_waiting(store):
    with store.write() as s:
        a = f.carer(s, carer_ref="YC-000001", first_name="Ava", last_name="Stone")
        f.carer(s, carer_ref="YC-000002")
        issued = bus_passes.save(s, {"carer": "YC-000001", "applied_date": "01/09/2026",
                                     "issued_date": "15/09/2026"}, TODAY)
        waiting = bus_passes.save(s, {"carer": "YC-000002", "applied_date": "10/11/2026"}, TODAY)
        errs = errors_of(bus_passes.save, s, {"carer": "", "applied_date": "10/11/2026",
                                              "issued_date": "01/11/2026"}, TODAY)
        assert set(errs) == {"carer", "issued_date"}
        listing = bus_passes.list_passes(s, EVERYTHING, TODAY)
        form = bus_passes.form_for(s, issued)
    rows = {r.id: r for r in listing.rows}
    assert (rows[issued].days, rows[issued].name, rows[issued].carer_id) == (14, "Ava Stone", a.id)
    assert rows[waiting].days == 14 and rows[waiting].issued_date is None
    assert listing.summary == "2 applications, 1 issued; 1 waiting for a pass now"
    assert form == {"carer": "YC-000001", "applied_date": "01/09/2026", "issued_date": "15/09/2026"}
    with store.write() as s:
        bus_passes.save(s, {**form, "carer": "YC-000002"}, TODAY, entry_id=issued)
    with store.read() as s:
        assert s.get(BusPass, issued).carer_id != a.id


def test_schools_champion_status_and_kpi9(store):
    with store.write() as s:
        d = f.district(s, "Thanet")
        since = schools.save(s, {"name": "Margate Academy", "district": "Thanet", "phase": "secondary",
                                 "on_list": "yes", "champion_name": "Ms Reed",
                                 "champion_since": "01/03/2024"}, TODAY)
        ended = schools.save(s, {"name": "Broadstairs Primary", "district": d.id, "phase": "Primary",
                                 "champion_since": "01/09/2020", "champion_until": "31/08/2025"}, TODAY)
        schools.save(s, {"name": "Ramsgate College", "phase": "college"}, TODAY)
        off = schools.save(s, {"name": "Elsewhere School", "on_list": "no", "champion_since": "01/01/2020"},
                           TODAY)
        errs = errors_of(schools.save, s, {"name": "margate academy", "champion_name": "Mr X",
                                           "phase": "nursery"}, TODAY)
        assert set(errs) == {"name", "champion_since", "phase"}
        errs = errors_of(schools.save, s, {"name": "New One", "champion_since": "01/09/2025",
                                           "champion_until": "01/01/2025"}, TODAY)
        assert set(errs) == {"champion_until"}
        errs = errors_of(schools.save, s, {"name": "New Two", "champion_until": "01/01/2025"}, TODAY)
        assert set(errs) == {"champion_since"}
        listing = schools.list_schools(s, TODAY)
        everyone = schools.list_schools(s, TODAY, everyone=True)
        k9 = kpis.compute(s, parse_quarter("2025-26-Q1"), TODAY).figure("kpi9_schools_with_champion")
        assert s.get(School, off).on_list is False
    rows = {r.id: r for r in listing.rows}
    assert off not in rows and len(everyone.rows) == 4
    assert rows[since].status(TODAY) == "Champion since 01/03/2024"
    assert rows[ended].status(TODAY) == "No champion since 31/08/2025"
    assert rows[ended].status(date(2025, 6, 30)) == "Champion since 01/09/2020"
    assert rows[since].status(date(2024, 1, 1)) == "Champion from 01/03/2024"
    assert listing.summary == ("3 schools on the list, 1 with a Young Carer Champion today: 33.3% "
                               "(KPI 9, target 95%)")
    assert (k9.numerator, k9.denominator) == (2, 3)  # 30 June 2025: both champions in post


def test_changing_a_removed_entry_is_a_plain_message(store):
    with store.write() as s, pytest.raises(service_log.NotFound, match="no longer there"):
        training.save(s, {"session_date": "03/07/2025", "title": "x", "professionals_trained": "3"}, TODAY,
                      entry_id="0" * 32)


FORMS = [
    (awareness.save, ("session_date", "audience", "headcount", "school", "district", "notes")),
    (training.save, ("session_date", "title", "audience", "professionals_trained")),
    (feedback.save, ("feedback_date", "satisfied", "source", "carer", "comment")),
    (triple_c.save, ("kind", "entry_date", "received_from", "theme", "detail", "response", "responded_date")),
    (safeguarding.save, ("entry_date", "theme", "action", "carer")),
    (bus_passes.save, ("carer", "applied_date", "issued_date")),
    (schools.save, ("name", "district", "phase", "on_list", "champion_name", "champion_since",
                    "champion_until")),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.integers(0, len(FORMS) - 1), junk=st.lists(st.text(max_size=30), min_size=7, max_size=7))
def test_junk_in_any_field_is_a_field_error_or_saved_never_a_crash(store, which, junk):
    save, fields = FORMS[which]
    form = dict(zip(fields, junk, strict=False))
    with store.write() as s:
        try:
            entry = save(s, form, TODAY)
        except FormErrors as exc:
            assert set(exc.by_field()) <= set(fields)
            assert all(msg for msg in exc.by_field().values())
        else:
            assert entry
        s.rollback()
