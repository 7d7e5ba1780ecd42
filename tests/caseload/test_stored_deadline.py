"""The stored deadline (carer.deadline_date / deadline_kind) always equals the one worked out from
the carer's referrals: after every service that changes what it depends on (table-driven), after
random sequences of those services (hypothesis), after the migration that fills it, and in the
demo generator's output. The caseload's deadline order and overdue filter read it."""

from __future__ import annotations

import contextlib
import shutil
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select as sa_select
from sqlalchemy import text
from sqlmodel import Session, col, select

from db.engine import open_store, upgrade_store
from db.models import Carer, Referral
from tests.conftest import PASSPHRASE, TODAY
from tests.helpers import assessment_data, caseload_import
from tests.helpers.assessment_data import FULL
from ycworker.assessment import assessments
from ycworker.caseload import deadlines, importing, referrals
from ycworker.caseload import search as caseload
from ycworker.caseload.caseload_sheet import check_text
from ycworker.common.errors import FieldError, FormErrors
from ycworker.common.workers import WorkerInfo
from ycworker.protection import erasure


def assert_stored_is_computed(session_or_store) -> dict:
    """Every carer's stored deadline equals the computed one; returns them by carer id."""
    ctx = (session_or_store.read() if hasattr(session_or_store, "read")
           else contextlib.nullcontext(session_or_store))
    with ctx as s:
        ids = list(s.exec(select(Carer.id)).all())
        held, worked_out = deadlines.stored(s, ids), deadlines.computed(s, ids)
    assert held == worked_out
    return held


def _ref(s, carer_id: str) -> str:
    """The carer's latest referral."""
    return s.exec(select(Referral.id).where(Referral.carer_id == carer_id)
                  .order_by(col(Referral.referral_date).desc())).first()


def _request(**kw) -> dict[str, str]:
    form = dict(first_name="Leo", last_name="Grant", date_of_birth="04/07/2013", school="Castle Academy",
                district="", source="school", referrer_name="Mrs Hill", referrer_contact="",
                reason="Cares for his dad", referral_date="24/11/2026")
    form.update(kw)
    return form


CLOSE = {"closure_reason": "moved_away", "closed_date": "24/11/2026"}


# -- each service, one at a time -----------------------------------------------------------------
# amira: allocated Mon 16 Nov 2026, assessment due Mon 7 Dec; ben: assessed, nothing pending;
# cara: referred Fri 20 Nov, allocation due Fri 27 Nov (tests/helpers/assessment_data.py).

def new_request(store, ids, tmp_path):
    with store.write() as s:
        return referrals.create_request(s, _request(), TODAY, ids["me"]).carer_id


def re_referral(store, ids, tmp_path):
    with store.write() as s:
        referrals.close(s, ids["ref_ben"], CLOSE, TODAY, ids["me"])
    assert_stored_is_computed(store)
    with store.write() as s:
        referrals.create_request(s, _request(first_name="Ben", last_name="Walsh", date_of_birth="01/03/2009"),
                                 TODAY, ids["me"], attach_to=ids["ben"])
    return ids["ben"]


def consent_refused(store, ids, tmp_path):
    with store.write() as s:
        referrals.record_consent(s, ids["ref_cara"], {"consent": "refused", "consent_date": "23/11/2026",
                                                      "consent_given_by": "Mum"}, TODAY, ids["me"])
    return ids["cara"]


def consent_given_again(store, ids, tmp_path):
    consent_refused(store, ids, tmp_path)
    assert_stored_is_computed(store)
    with store.write() as s:
        referrals.record_consent(s, ids["ref_cara"], {"consent": "given", "consent_date": "24/11/2026",
                                                      "consent_given_by": "Mum"}, TODAY, ids["me"])
    return ids["cara"]


def allocation(store, ids, tmp_path):
    with store.write() as s:
        referrals.allocate(s, ids["ref_cara"], {"worker": ids["me"], "allocated_date": "24/11/2026"},
                           TODAY, ids["me"])
    return ids["cara"]


def assessment_started(store, ids, tmp_path):
    with store.write() as s:
        assessments.start(s, ids["amira"], "initial", TODAY, ids["me"])
    return ids["amira"]


def assessment_completed(store, ids, tmp_path):
    with store.write() as s:
        aid = assessments.start(s, ids["amira"], "initial", TODAY, ids["me"])
        assessments.save_draft(s, aid, FULL, ids["me"])
        assessments.complete(s, aid, TODAY, ids["me"])
    return ids["amira"]


def closure(store, ids, tmp_path):
    with store.write() as s:
        referrals.close(s, ids["ref_amira"], CLOSE, TODAY, ids["me"])
    return ids["amira"]


def reopening(store, ids, tmp_path):
    closure(store, ids, tmp_path)
    assert_stored_is_computed(store)
    with store.write() as s:
        referrals.reopen(s, ids["ref_amira"], TODAY, ids["me"])
    return ids["amira"]


def an_import(store, ids, tmp_path):
    # Cara (known) gains an earlier open request, unallocated: allocation due Mon 9 Nov.
    cara = ("YC-CCC333,Cara,Doyle,02/02/2014,F,WBRI,Dover,,,2026-11-02,school,pending,,,,,")
    path = caseload_import.write(tmp_path, caseload_import.csv_text(*caseload_import.GOOD, cara))
    importing.import_file(store, path, TODAY, ids["me"])
    return ids["cara"]


def erasure_of_a_carer(store, ids, tmp_path):
    manager = WorkerInfo(ids["boss"], "Morgan Manager", "manager")
    erasure.erase_carer(store, ids["cara"], by=manager, confirm="yc-ccc333")
    return ids["amira"]  # the others keep theirs


@pytest.mark.parametrize("action,expected", [
    (new_request, ("allocation", date(2026, 12, 1))),
    (re_referral, ("allocation", date(2026, 12, 1))),
    (consent_refused, None),
    (consent_given_again, ("allocation", date(2026, 11, 27))),
    (allocation, ("assessment", date(2026, 12, 15))),
    (assessment_started, ("assessment", date(2026, 12, 7))),
    (assessment_completed, None),
    (closure, None),
    (reopening, ("assessment", date(2026, 12, 7))),
    (an_import, ("allocation", date(2026, 11, 9))),
    (erasure_of_a_carer, ("assessment", date(2026, 12, 7))),
], ids=lambda v: getattr(v, "__name__", None))
def test_each_service_keeps_the_stored_deadline(store, tmp_path, action, expected):
    ids = assessment_data.build(store)
    before = assert_stored_is_computed(store)
    assert before[ids["amira"]] == ("assessment", date(2026, 12, 7))
    assert before[ids["ben"]] is None and before[ids["cara"]] == ("allocation", date(2026, 11, 27))
    carer_id = action(store, ids, tmp_path)
    after = assert_stored_is_computed(store)
    assert after[carer_id] == expected
    if action is an_import:  # new carers come in with theirs: Zain's allocation was due 17/03/2025
        with store.read() as s:
            zain = s.execute(sa_select(col(Carer.deadline_kind), col(Carer.deadline_date))
                             .where(col(Carer.carer_ref) == "K2")).one()
        assert tuple(zain) == ("allocation", date(2025, 3, 17))
    if action is erasure_of_a_carer:
        assert ids["cara"] not in after


def test_the_demo_generator_stores_every_deadline(store):
    from ycworker.demo import generate

    generate(store, carers=150, seed=4, today=TODAY)
    held = assert_stored_is_computed(store)
    kinds = {p[0] for p in held.values() if p}
    assert kinds == {"allocation", "assessment"}, kinds
    assert any(p is None for p in held.values())


def test_the_migration_fills_the_deadline_of_carers_already_held(tmp_path):
    ids_path = tmp_path / "old.db"
    s = open_store(ids_path, PASSPHRASE, migrate=False)
    try:
        upgrade_store(s, "0009")
        with s.write() as session:
            conn = session.connection()
            for cid, ref in (("c1", "A1"), ("c2", "A2"), ("c3", "A3"), ("c4", "A4")):
                conn.execute(text(
                    "INSERT INTO carer (id, carer_ref, first_name, last_name, preferred_name, date_of_birth, "
                    "sex, ethnicity, disability, caring_tasks, phone, email, status, needs_referral_details, "
                    "fsm, send, created_at, updated_at) VALUES (:id, :ref, 'A', 'B', '', '2012-01-01', 'U', "
                    "'NOBT', 0, '', '', '', 'open', 0, 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"),
                    {"id": cid, "ref": ref})
            rows = [  # carer, referral date, allocated, assessed, closed, consent
                ("c1", "2022-12-23", None, None, None, "pending"),        # Christmas: due 04/01/2023
                ("c1", "2022-12-30", None, None, None, "pending"),        # a later one
                ("c2", "2026-11-02", "2026-11-03", None, None, "given"),  # assessment due 24/11/2026
                ("c3", "2026-11-02", None, None, None, "refused"),        # no clock
                ("c4", "2026-11-02", "2026-11-03", None, "2026-11-20", "given"),  # closed
            ]
            for n, (cid, referred, allocated, assessed, closed, consent) in enumerate(rows):
                conn.execute(text(
                    "INSERT INTO referral (id, carer_id, referral_date, source, referrer_name, "
                    "referrer_contact, reason, consent, consent_given_by, allocated_date, "
                    "assessment_completed_date, closed_date, closure_note, reopened_count, created_at, "
                    "updated_at) VALUES (:id, :cid, :r, 'school', '', '', '', :consent, '', :a, :x, :c, '', "
                    "0, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"),
                    {"id": f"r{n}", "cid": cid, "r": referred, "a": allocated, "x": assessed, "c": closed,
                     "consent": consent})
        upgrade_store(s, "0011")
        held = assert_stored_is_computed(s)
        assert held == {"c1": ("allocation", date(2023, 1, 4)), "c2": ("assessment", date(2026, 11, 24)),
                        "c3": None, "c4": None}
    finally:
        s.close()


def test_the_deadline_order_pages_by_key_as_by_offset(store):
    """Keyset paging (``after`` = the last key of the page before) gives the same rows as OFFSET,
    across the carers with a deadline and those without."""
    ids = assessment_data.build(store)
    with store.write() as s:
        for n in range(7):
            referrals.create_request(s, _request(first_name=f"Kid{n}", last_name="Page",
                                                 referral_date=f"{10 + n % 3}/11/2026"), TODAY, ids["me"])
        referrals.close(s, ids["ref_ben"], CLOSE, TODAY, ids["me"])
    query = caseload.CaseloadQuery(sort="deadline", status="all")
    with store.read() as s:
        every = [r.carer_id for r in caseload.window(s, query, TODAY, 0, 200).rows]
        assert len(every) == 10
        by_offset = [r.carer_id for off in range(0, 10, 3)
                     for r in caseload.window(s, query, TODAY, off, 3).rows]
        by_key, after = [], None
        while True:
            w = caseload.window(s, query, TODAY, 0, 3, after=after, with_total=False)
            by_key += [r.carer_id for r in w.rows]
            if len(w.rows) < 3:
                break
            after = w.last_key
    assert by_offset == every == by_key
    assert every[-1] == ids["ben"]  # nothing pending: last
    with store.read() as s:
        rows = caseload.window(s, query, TODAY, 0, 200).rows
    dated = [r.deadline for r in rows if r.deadline]
    assert dated == sorted(dated) and len(dated) == 9


# -- random sequences of them --------------------------------------------------------------------

DAY = st.integers(min_value=0, max_value=40)  # days before TODAY
ACTION = st.one_of(
    st.tuples(st.just("new"), DAY),
    st.tuples(st.just("attach"), st.integers(0, 9), DAY),
    st.tuples(st.just("consent"), st.integers(0, 9), st.sampled_from(["given", "refused", "pending"])),
    st.tuples(st.just("allocate"), st.integers(0, 9), DAY),
    st.tuples(st.just("start"), st.integers(0, 9)),
    st.tuples(st.just("complete"), st.integers(0, 9)),
    st.tuples(st.just("close"), st.integers(0, 9), st.sampled_from(["moved_away", "consent_not_given"])),
    st.tuples(st.just("reopen"), st.integers(0, 9)),
    st.tuples(st.just("import"), st.integers(0, 4), DAY, st.booleans(), st.booleans(), st.booleans()),
)


def _d(days_ago: int) -> str:
    return f"{TODAY - timedelta(days=days_ago):%d/%m/%Y}"


def _apply(s: Session, ids: dict, carers: list[str], action: tuple) -> None:
    me = ids["me"]
    kind, *args = action
    pick = (lambda i: carers[i % len(carers)])  # noqa: E731
    if kind == "new":
        carers.append(referrals.create_request(
            s, _request(first_name=f"New{len(carers)}", referral_date=_d(args[0])), TODAY, me).carer_id)
    elif kind == "attach":
        c = s.get(Carer, pick(args[0]))
        assert c is not None
        referrals.create_request(s, _request(first_name=c.first_name, last_name=c.last_name,
                                             date_of_birth=f"{c.date_of_birth:%d/%m/%Y}",
                                             referral_date=_d(args[1])), TODAY, me, attach_to=c.id)
    elif kind == "consent":
        referrals.record_consent(s, _ref(s, pick(args[0])), {
            "consent": args[1], "consent_date": _d(0), "consent_given_by": "Mum"}, TODAY, me)
    elif kind == "allocate":
        referrals.allocate(s, _ref(s, pick(args[0])), {"worker": me, "allocated_date": _d(args[1])},
                           TODAY, me)
    elif kind == "start":
        assessments.start(s, pick(args[0]), "initial", TODAY, me)
    elif kind == "complete":
        aid = assessments.start(s, pick(args[0]), "initial", TODAY, me)
        assessments.save_draft(s, aid, FULL, me)
        assessments.complete(s, aid, TODAY, me)
    elif kind == "close":
        referrals.close(s, _ref(s, pick(args[0])), {"closure_reason": args[1], "closed_date": _d(0)},
                        TODAY, me)
    elif kind == "reopen":
        referrals.reopen(s, _ref(s, pick(args[0])), TODAY, me)
    elif kind == "import":
        who, days, allocated, assessed, closed = args
        referred = TODAY - timedelta(days=days)
        row = (f"IMP{who},Imp,Person{who},01/01/2012,F,WBRI,Dover,,,{referred.isoformat()},school,given,"
               f"{referred.isoformat() if allocated else ''},"
               f"{referred.isoformat() if allocated and assessed else ''},"
               f"{'high' if allocated and assessed else ''},"
               f"{referred.isoformat() if closed else ''},{'moved_away' if closed else ''}")
        plan = check_text(caseload_import.csv_text(row), "caseload.csv", TODAY)
        if not plan.ok:
            return
        importing.plan_against(s, plan)
        importing.apply(s, plan, me)
        carers.extend(cid for cid in s.exec(select(Carer.id).where(Carer.carer_ref == f"IMP{who}"))
                      if cid not in carers)


@pytest.fixture
def base(store):
    return assessment_data.build(store)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(ACTION, min_size=1, max_size=12))
def test_any_sequence_of_services_keeps_the_stored_deadline(store, base, actions):
    with Session(store.engine, expire_on_commit=False) as s:
        s.begin()
        try:
            carers = [base["amira"], base["ben"], base["cara"]]
            for action in actions:
                try:
                    with s.begin_nested():  # a refused action leaves nothing, as its transaction would
                        _apply(s, base, carers, action)
                except (FieldError, FormErrors):
                    pass
                assert_stored_is_computed(s)
        finally:
            s.rollback()


def test_a_copied_template_starts_without_deadlines(template_db, tmp_path):
    """The empty schema has the columns and the index the caseload reads."""
    path = tmp_path / "t.db"
    shutil.copyfile(template_db, path)
    shutil.copyfile(f"{template_db}.keys", f"{path}.keys")
    s = open_store(path, PASSPHRASE)
    try:
        with s.read() as session:
            cols = {r[1] for r in session.connection().execute(text("PRAGMA table_info(carer)"))}
            index = [r[2] for r in session.connection().execute(
                text("PRAGMA index_info(ix_carer_status_deadline)"))]
        assert {"deadline_date", "deadline_kind"} <= cols
        assert index == ["status", "archived_at", "deadline_date", "last_name", "first_name", "id"]
    finally:
        s.close()
