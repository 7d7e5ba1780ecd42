"""The demo generator: deterministic, refuses a database with carers, and looks like a real service."""

from __future__ import annotations

import re
import shutil
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from db.engine import open_store
from db.models import Carer, Club, ClubSession, Review
from tests.conftest import PASSPHRASE, TODAY
from ycworker.common import workdays
from ycworker.demo import DemoRefused, demo_if_empty, generate
from ycworker.demo.cases import window_start

N = 400
DFE_CODES = {"WBRI", "WIRI", "WIRT", "WROM", "WOTH", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN",
             "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"}
TABLES = ("district", "worker", "school", "household", "cared_for", "cared_for_condition", "carer",
          "care_relationship", "referral", "assessment", "assessment_score", "assessment_section",
          "plan_action", "review", "review_outcome", "contact", "club", "club_member", "club_session",
          "attendance", "holiday_activity", "activity_day", "booking", "booking_day", "booking_offer",
          "awareness_session", "training_session", "feedback", "triple_c_entry", "safeguarding_entry",
          "bus_pass")


def _new_store(tmp_path_factory, template_db, name: str):
    folder = tmp_path_factory.mktemp(name)
    path = folder / "ycworker.db"
    shutil.copyfile(template_db, path)
    shutil.copyfile(f"{template_db}.keys", f"{path}.keys")  # its key slots
    return open_store(path, PASSPHRASE)


@pytest.fixture(scope="module")
def demo(tmp_path_factory, template_db):
    """One demo service of N carers, shared by the shape checks (they only read)."""
    store = _new_store(tmp_path_factory, template_db, "demo")
    summary = generate(store, N, seed=5, today=TODAY)
    yield store, summary
    store.close()


def rows(store, sql: str, **params) -> list[tuple]:
    with store.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params).all()]


def dump(store) -> dict[str, list[tuple]]:
    return {t: rows(store, f'SELECT * FROM "{t}" ORDER BY id') for t in TABLES}


# -- determinism and refusal -------------------------------------------------------------------

def test_same_seed_same_rows_and_another_seed_differs(tmp_path_factory, template_db):
    a = _new_store(tmp_path_factory, template_db, "a")
    b = _new_store(tmp_path_factory, template_db, "b")
    c = _new_store(tmp_path_factory, template_db, "c")
    try:
        sa_ = generate(a, 150, seed=11, today=TODAY)
        sb = generate(b, 150, seed=11, today=TODAY)
        generate(c, 150, seed=12, today=TODAY)
        assert str(sa_).split(" (")[0] == str(sb).split(" (")[0]
        assert sa_.rows == sb.rows
        da, db_, dc = dump(a), dump(b), dump(c)
        for table in TABLES:
            assert da[table] == db_[table], table
        assert da["carer"] != dc["carer"]
        assert {r[4] for r in da["carer"]} != {r[4] for r in dc["carer"]}  # first names differ
    finally:
        for s in (a, b, c):
            s.close()


def test_summary_is_one_line_with_the_counts(demo):
    store, summary = demo
    line = str(summary)
    assert "\n" not in line
    assert line.startswith(f"Made {N:,} carers in {summary.households:,} households")
    assert summary.rows["carer"] == N
    assert summary.rows["referral"] == summary.referrals
    assert summary.rows["attendance"] == summary.attendances
    for table, count in summary.rows.items():
        made_with_the_file = 1 if table == "worker" else 0  # the first manager, who has a key slot
        assert rows(store, f'SELECT count(*) FROM "{table}"')[0][0] == count + made_with_the_file, table


def test_refuses_a_database_that_holds_carers(demo):
    store, _summary = demo
    with pytest.raises(DemoRefused) as exc:
        generate(store, 10, today=TODAY)
    message = str(exc.value)
    assert message.endswith(".") and f"{N:,} young carers" in message
    assert demo_if_empty(store, 10, today=TODAY) is None
    assert rows(store, "SELECT count(*) FROM carer")[0][0] == N


def test_demo_if_empty_fills_an_empty_database(store):
    summary = demo_if_empty(store, 60, seed=2, today=TODAY)
    assert summary is not None and summary.carers == 60
    assert demo_if_empty(store, 60, seed=2, today=TODAY) is None


def test_fewer_than_one_carer_is_refused(store):
    with pytest.raises(ValueError):
        generate(store, 0, today=TODAY)


def test_cli_demo_then_refusal_exits_2(tmp_path, monkeypatch, capsys):
    from ycworker.cli import main

    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
    db = tmp_path / "cli" / "yc.db"
    assert main(["demo", "--carers", "40", "--seed", "5", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Made 40 carers in" in out
    assert main(["demo", "--carers", "40", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "already holds 40 young carers" in err and "Traceback" not in err


# -- integrity ---------------------------------------------------------------------------------

def test_foreign_keys_and_integrity_hold(demo):
    store, _ = demo
    with store.raw() as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_stored_values_read_back_like_the_orm_writes_them(demo):
    """Rows bound straight to the driver must store the text SQLAlchemy stores and reads."""
    store, _ = demo
    with store.read() as session:
        carer = session.exec(select(Carer).limit(1)).one()
        club = session.exec(select(Club).limit(1)).one()
        review = session.exec(select(Review).where(Review.completed_at.is_not(None)).limit(1)).one()
        assert carer.created_at.tzinfo is not None and carer.created_at.utcoffset().total_seconds() == 0
        assert isinstance(carer.date_of_birth, date) and isinstance(club.first_date, date)
        assert club.start_time is not None and isinstance(review.completed_at, datetime)
        club_id, club_start = club.id, club.start_time
    stamp = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")
    for table, column in (("carer", "created_at"), ("attendance", "marked_at"), ("review", "completed_at"),
                          ("booking", "updated_at")):
        sql = f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL LIMIT 50'
        for (value,) in rows(store, sql):
            assert stamp.match(value), (table, value)
    # The same text as a row the ORM itself writes.
    with store.write() as session:
        session.add(ClubSession(club_id=club_id, session_date=date(2030, 1, 1), start_time=club_start,
                                created_at=datetime(2030, 1, 1, 9, tzinfo=UTC),
                                updated_at=datetime(2030, 1, 1, 9, tzinfo=UTC), one_off=True))
    orm = rows(store, "SELECT created_at, session_date, start_time FROM club_session WHERE one_off = 1")[0]
    demo_row = rows(store, "SELECT created_at, session_date, start_time FROM club_session "
                           "WHERE club_id = :c AND one_off = 0 LIMIT 1", c=club_id)[0]
    assert [len(v) for v in orm] == [len(v) for v in demo_row]
    assert orm[2] == demo_row[2]  # the same club time, the same text
    with store.write() as session:
        session.execute(text("DELETE FROM club_session WHERE one_off = 1"))


def test_ids_are_32_hex_and_unique(demo):
    store, _ = demo
    seen = set()
    for table in TABLES:
        for (row_id,) in rows(store, f'SELECT id FROM "{table}"'):
            assert re.fullmatch(r"[0-9a-f]{32}", row_id)
            seen.add(row_id)
    assert len(seen) == sum(rows(store, f'SELECT count(*) FROM "{t}"')[0][0] for t in TABLES)


# -- people ------------------------------------------------------------------------------------

def test_carers_look_like_the_kent_cohort(demo):
    store, _ = demo
    carers = rows(store, "SELECT sex, ethnicity, date_of_birth, carer_ref FROM carer")
    sexes = Counter(r[0] for r in carers)
    assert 0.48 <= sexes["F"] / N <= 0.62
    assert set(sexes) <= {"M", "F", "U"}
    codes = Counter(r[1] for r in carers)
    assert set(codes) <= DFE_CODES
    assert 0.65 <= codes["WBRI"] / N <= 0.9  # a White British majority, with minorities
    assert len(codes) >= 6
    ages = [_age(date.fromisoformat(r[2]), TODAY) for r in carers]
    assert min(ages) >= 5 and max(ages) <= 24
    by_age = Counter(ages)
    peak = sum(by_age[a] for a in range(11, 16))
    assert peak > sum(by_age[a] for a in range(5, 8)) * 2 and peak > sum(by_age[a] for a in range(19, 25)) * 2
    assert len({r[3] for r in carers}) == N and all(re.fullmatch(r"YC-[2-9A-Z]{6}", r[3]) for r in carers)
    # A few turn 18 within six months (transition assessments).
    turning = [a for r, a in zip(carers, ages, strict=True) if a == 17]
    assert turning


def test_contacts_say_how_they_were_delivered_and_open_plans_when_they_are_reviewed(demo):
    store, _ = demo
    modes = Counter(dict(rows(store, "SELECT coalesce(mode, '-'), count(*) FROM contact "
                                     "WHERE kind != 'note' GROUP BY 1")))
    total = sum(modes.values())
    assert set(modes) == {"face_to_face", "phone", "video", "online_group", "text_message", "-"}
    assert modes["face_to_face"] == max(modes.values()) and modes["face_to_face"] / total > 0.45
    assert modes["phone"] > modes["video"] > 0 and modes["-"] / total < 0.1  # a few not recorded
    assert rows(store, "SELECT count(*) FROM contact WHERE kind = 'note' AND mode IS NOT NULL") == [(0,)]
    due = [date.fromisoformat(d) for (d,) in rows(
        store, "SELECT review_due_date FROM carer WHERE review_due_date IS NOT NULL")]
    closed = "SELECT count(*) FROM carer WHERE review_due_date IS NOT NULL AND status != 'open'"
    assert rows(store, closed) == [(0,)]
    overdue = sum(d < TODAY for d in due)
    assert 0.1 <= overdue / len(due) <= 0.35  # some overdue, most still to come
    assert max(due) - TODAY > timedelta(weeks=8) and TODAY - min(due) < timedelta(weeks=8)
    # only carers with a support plan have a review date
    assert rows(store, "SELECT count(*) FROM carer c WHERE review_due_date IS NOT NULL AND NOT EXISTS "
                       "(SELECT 1 FROM plan_action p WHERE p.carer_id = c.id)") == [(0,)]


def test_siblings_share_households_and_cared_for_people(demo):
    store, _ = demo
    households = Counter(r[0] for r in rows(store, "SELECT household_id FROM carer"))
    with_sibling = sum(n for n in households.values() if n > 1)
    assert 0.12 <= with_sibling / N <= 0.35
    # Siblings in a household share its cared-for people, and usually a surname.
    rels = rows(store, "SELECT c.household_id, r.cared_for_id, f.household_id FROM care_relationship r "
                       "JOIN carer c ON c.id = r.carer_id JOIN cared_for f ON f.id = r.cared_for_id")
    assert all(h == fh for h, _cf, fh in rels)
    conditions = Counter(r[0] for r in rows(store, "SELECT condition FROM cared_for_condition"))
    assert {"mental_health", "physical_disability", "long_term_illness", "substance_misuse",
            "learning_disability_send"} <= set(conditions)
    relationships = Counter(r[0] for r in rows(store, "SELECT relationship FROM care_relationship"))
    assert relationships.most_common(1)[0][0] == "mother"
    assert relationships["brother"] + relationships["sister"] > 0


def test_districts_schools_and_workers(demo):
    store, _ = demo
    assert 10 <= rows(store, "SELECT count(*) FROM district")[0][0] <= 12
    phases = Counter(r[0] for r in rows(store, "SELECT phase FROM school"))
    assert {"primary", "secondary", "college"} <= set(phases)
    champions = rows(store, "SELECT champion_name, champion_since FROM school")
    share = sum(1 for name, since in champions if name and since) / len(champions)
    assert 0.45 <= share <= 0.75
    roles = Counter(r[0] for r in rows(store, "SELECT role FROM worker"))
    assert 8 <= sum(roles.values()) <= 12 and 1 <= roles["manager"] <= 2


# -- cases -------------------------------------------------------------------------------------

def _referrals(store):
    out = []
    for r in rows(store, "SELECT id, carer_id, referral_date, consent, allocated_date, "
                         "assessment_completed_date, closed_date, closure_reason, impact_level, source "
                         "FROM referral"):
        out.append((r[0], r[1], *(date.fromisoformat(v) if v else None for v in (r[2], r[4], r[5], r[6])),
                    r[3], r[7], r[8], r[9]))
    return out


def test_referral_timings_are_realistic(demo):
    store, _ = demo
    refs = _referrals(store)
    start = window_start(TODAY)
    allocated_in_time = allocated = 0
    for _id, _carer, received, alloc, assessed, closed, consent, reason, _impact, _source in refs:
        assert start <= received <= TODAY
        if alloc:
            assert received <= alloc <= TODAY
            allocated += 1
            allocated_in_time += alloc <= workdays.allocation_deadline(received)
        if assessed:
            assert alloc and alloc <= assessed <= TODAY
        if closed:
            assert received <= closed <= TODAY and reason
        else:
            assert reason is None
        if consent == "refused":
            assert closed and reason == "consent_not_given" and alloc is None
        if reason == "consent_not_given":
            assert consent == "refused"
    assert 0.75 <= allocated_in_time / allocated <= 0.95
    refused = sum(1 for r in refs if r[6] == "refused") / len(refs)
    assert 0.03 <= refused <= 0.1
    sources = Counter(r[9] for r in refs)
    assert sources.most_common(1)[0][0] == "school"
    reasons = {r[7] for r in refs if r[7]}
    assert {"intervention_completed", "stepped_down", "consent_not_given"} <= reasons
    # Some carers were referred again; some recent referrals wait, a few of them overdue.
    per_carer = Counter(r[1] for r in refs)
    assert any(n > 1 for n in per_carer.values())
    waiting = [r for r in refs if r[3] is None and r[5] is None]
    assert waiting
    assert any(workdays.allocation_deadline(r[2]) < TODAY for r in waiting)


def test_assessments_match_their_referrals(demo):
    store, _ = demo
    refs = {r[0]: r for r in _referrals(store)}
    completed = defaultdict(list)
    drafts = 0
    for _aid, ref_id, kind, status, started, done, impact in rows(
            store, "SELECT id, referral_id, kind, status, started_date, completed_date, impact_level "
                   "FROM assessment"):
        ref = refs[ref_id]
        assert date.fromisoformat(started) >= ref[3]  # started after allocation
        if status == "completed":
            assert done and impact in ("low", "medium", "high")
            assert date.fromisoformat(done) >= date.fromisoformat(started)
            completed[ref_id].append((kind, date.fromisoformat(done)))
        else:
            drafts += 1
            assert done is None
    assert drafts > 0
    for ref_id, ref in refs.items():
        initial = [d for kind, d in completed.get(ref_id, []) if kind == "initial"]
        if ref[4]:
            assert initial == [ref[4]]
        else:
            assert initial == []
    # Scores: 18 MACA items or 20 PANOC items of 0/1/2; a MACA total sits in its impact's band.
    scores = defaultdict(list)
    for aid, instrument, item, score in rows(store, "SELECT assessment_id, instrument, item, score "
                                                    "FROM assessment_score"):
        assert score in (0, 1, 2)
        scores[(aid, instrument)].append(item)
    assert any(k[1] == "MACA-YC18" for k in scores) and any(k[1] == "PANOC-YC20" for k in scores)
    impacts = dict(rows(store, "SELECT id, impact_level FROM assessment WHERE status = 'completed'"))
    for (aid, instrument), items in scores.items():
        if aid not in impacts:
            continue  # a draft part-way through its scores
        assert sorted(items) == list(range(1, 19 if instrument == "MACA-YC18" else 21))
    for aid, total in rows(store, "SELECT assessment_id, sum(score) FROM assessment_score "
                                  "WHERE instrument = 'MACA-YC18' GROUP BY assessment_id"):
        if aid in impacts:
            band = "low" if total <= 9 else ("medium" if total <= 13 else "high")
            assert impacts[aid] == band


def test_carer_case_fields_follow_their_referrals(demo):
    store, _ = demo
    refs = defaultdict(list)
    for r in _referrals(store):
        refs[r[1]].append(r)
    walk_ins = 0
    for cid, status, worker, impact, needs_details, last_contact in rows(
            store, "SELECT id, status, worker_id, impact_level, needs_referral_details, last_contact_date "
                   "FROM carer"):
        mine = refs.get(cid, [])
        if not mine:
            assert needs_details == 1 and status == "open"
            walk_ins += 1
            continue
        is_open = any(r[5] is None for r in mine)
        assert status == ("open" if is_open else "closed")
        latest = max(mine, key=lambda r: r[2])
        assert worker == rows(store, "SELECT worker_id FROM referral WHERE id = :i", i=latest[0])[0][0]
        assessed = [r for r in mine if r[8]]
        if assessed:
            assert impact == max(assessed, key=lambda r: r[2])[8]
        if last_contact:
            assert date.fromisoformat(last_contact) <= TODAY
    assert walk_ins >= 2
    contacts = rows(store, "SELECT carer_id, max(contact_date) FROM contact GROUP BY carer_id")
    last = dict(rows(store, "SELECT id, last_contact_date FROM carer"))
    assert all(last[c] == d for c, d in contacts)


def test_plans_reviews_and_outcomes(demo):
    store, _ = demo
    actions = rows(store, "SELECT status, due_date, done_date FROM plan_action")
    overdue = [a for a in actions if a[0] == "open" and date.fromisoformat(a[1]) < TODAY]
    assert overdue and len(overdue) < len(actions) / 2
    assert all(a[2] and date.fromisoformat(a[2]) <= TODAY for a in actions if a[0] == "done")
    ratings = Counter(r[0] for r in rows(store, "SELECT rating FROM review_outcome"))
    rated = sum(ratings.values()) - ratings["not_applicable"]
    assert ratings["improved"] / rated >= 0.6
    per_review = Counter(r[0] for r in rows(store, "SELECT review_id FROM review_outcome"))
    steps = dict(rows(store, "SELECT id, next_step FROM review"))
    assert set(per_review) == set(steps)
    assert all(n == 9 if steps[r] != "continue" else 3 <= n <= 5 for r, n in per_review.items())
    satisfied = [r[0] for r in rows(store, "SELECT satisfied FROM feedback")]
    assert 0.85 <= sum(satisfied) / len(satisfied) <= 0.96
    for review_date, ref_date in rows(store, "SELECT v.review_date, r.referral_date FROM review v "
                                             "JOIN referral r ON r.id = v.referral_id"):
        assert ref_date <= review_date <= TODAY.isoformat()


# -- groups ------------------------------------------------------------------------------------

def test_club_registers_are_for_members_on_past_sessions(demo):
    store, summary = demo
    bad = rows(store, "SELECT count(*) FROM attendance a JOIN club_session s ON s.id = a.session_id "
                      "LEFT JOIN club_member m ON m.club_id = s.club_id AND m.carer_id = a.carer_id "
                      "WHERE m.id IS NULL OR s.session_date < m.joined_date "
                      "OR (m.left_date IS NOT NULL AND s.session_date > m.left_date) "
                      "OR s.cancelled = 1 OR s.session_date >= :today", today=TODAY.isoformat())
    assert bad == [(0,)]
    assert 5 <= summary.attendances / N <= 15
    upcoming = rows(store, "SELECT count(*) FROM club_session WHERE session_date > :t", t=TODAY.isoformat())
    assert upcoming[0][0] > 0
    statuses = Counter(r[0] for r in rows(store, "SELECT status FROM attendance"))
    assert statuses["present"] > statuses["absent"] > 0 and statuses["late"] > 0
    freqs = {r[0] for r in rows(store, "SELECT frequency FROM club")}
    assert freqs == {"fortnightly", "monthly"}
    walk_ins = rows(store, "SELECT count(*) FROM attendance a JOIN carer c ON c.id = a.carer_id "
                           "WHERE c.needs_referral_details = 1 AND a.walk_in = 1")
    assert walk_ins[0][0] >= 1


def test_holiday_activities_never_exceed_capacity(demo):
    store, _ = demo
    for act_id, capacity, haf, lo, hi in rows(store, "SELECT id, capacity, haf, min_age, max_age "
                                                     "FROM holiday_activity"):
        statuses = Counter(r[0] for r in rows(store, "SELECT status FROM booking WHERE activity_id = :a",
                                              a=act_id))
        assert statuses["booked"] + statuses["offered"] <= capacity
        if statuses["waiting"]:
            assert statuses["booked"] + statuses["offered"] == capacity
        first_day = rows(store, "SELECT min(day_date) FROM activity_day WHERE activity_id = :a",
                         a=act_id)[0][0]
        for fsm, dob in rows(store, "SELECT c.fsm, c.date_of_birth FROM booking b "
                                    "JOIN carer c ON c.id = b.carer_id WHERE b.activity_id = :a", a=act_id):
            assert lo <= _age(date.fromisoformat(dob), date.fromisoformat(first_day)) <= hi
            assert fsm == 1 or not haf
    periods = {r[0].split()[0] for r in rows(store, "SELECT holiday_period FROM holiday_activity")}
    assert periods == {"Easter", "Summer", "Christmas"}
    positions = rows(store, "SELECT activity_id, waiting_position FROM booking WHERE status = 'waiting' "
                            "ORDER BY activity_id, waiting_position")
    by_activity = defaultdict(list)
    for act, pos in positions:
        by_activity[act].append(pos)
    assert all(p == list(range(1, len(p) + 1)) for p in by_activity.values())
    # Days are marked only up to today, and only for booked children.
    marked = rows(store, "SELECT b.status, d.day_date FROM booking_day bd "
                         "JOIN booking b ON b.id = bd.booking_id JOIN activity_day d ON d.id = bd.day_id "
                         "WHERE bd.attendance IS NOT NULL")
    assert marked and all(s == "booked" and day <= TODAY.isoformat() for s, day in marked)


def test_service_activity_is_recorded(demo):
    store, _ = demo
    for table in ("awareness_session", "training_session", "triple_c_entry", "safeguarding_entry",
                  "bus_pass"):
        assert rows(store, f'SELECT count(*) FROM "{table}"')[0][0] > 0, table
    trained = rows(store, "SELECT min(professionals_trained) FROM training_session")
    assert trained[0][0] > 0
    kinds = {r[0] for r in rows(store, "SELECT kind FROM triple_c_entry")}
    assert kinds == {"compliment", "comment", "complaint"}
    first_referral = dict(rows(store, "SELECT carer_id, min(referral_date) FROM referral GROUP BY carer_id"))
    passes = rows(store, "SELECT carer_id, applied_date, issued_date FROM bus_pass")
    for carer_id, applied, issued in passes:
        assert first_referral[carer_id] <= applied <= TODAY.isoformat()
        assert issued is None or applied <= issued <= TODAY.isoformat()
    assert any(issued is None for _c, _a, issued in passes)  # some applications still waiting


def test_the_home_screen_has_work(demo):
    from ycworker.home.day import worker_day

    store, _ = demo
    with store.read() as session:
        day = worker_day(session, None, TODAY, everyone=True)
    assert day.allocations and any(item.overdue for item in day.allocations)
    assert day.plan_actions and day.turning_18 is not None


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def test_the_search_index_written_in_bulk_matches_the_triggers(tmp_path_factory, template_db):
    """The demo indexes its carers in one pass (db/search_index.py); the per-row triggers of
    migration 0002 would have written exactly the same entries, and are back afterwards."""
    store = _new_store(tmp_path_factory, template_db, "fts")
    try:
        generate(store, 120, seed=3, today=TODAY)
        index = ("SELECT k.carer_id, f.name, f.carer_ref, f.school, f.household, t.body FROM carer_fts_key k "
                 "JOIN carer_fts f ON f.rowid = k.id JOIN carer_fts_trigram t ON t.rowid = k.id "
                 "ORDER BY k.carer_id")
        bulk = rows(store, index)
        assert len(bulk) == 120 == rows(store, "SELECT count(*) FROM carer")[0][0]
        assert rows(store, "SELECT count(*) FROM sqlite_master WHERE name = 'carer_fts_ai'") == [(1,)]
        with store.connect(write=True) as conn:  # every carer re-indexed by the update trigger
            conn.execute(text("UPDATE carer SET first_name = first_name"))
        assert rows(store, index) == bulk
        assert any(school for _id, _n, _r, school, _h, _b in bulk)
        assert any(household for _id, _n, _r, _s, household, _b in bulk)
    finally:
        store.close()
