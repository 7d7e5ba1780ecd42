"""Issue 18's reporting: the equality breakdown with percentages, the targets as the service's
settings (and which were in force, in the manifest), areas of districts, Kent's profile files, the
quarter's narrative and its check, and migration 0013 upgrading an existing file."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from sqlmodel import select

from db.engine import open_store, upgrade_store
from db.migrate import current_revision, head_revision
from db.models import Area, AreaDistrict, AuditEntry, District, ReturnNarrative, ReturnSetting
from tests.conftest import PASSPHRASE
from tests.helpers import factories as f
from ycworker.common.errors import FormErrors, UserError
from ycworker.common.periods import parse_quarter
from ycworker.returns import areas, equality, kpis, narrative, setting_actions, targets
from ycworker.returns import export as returns

TODAY = date(2026, 11, 24)
Q2 = parse_quarter("2025-26-Q2")  # July to September 2025
SPEC = ("kpi_summary.csv", "outcomes.csv", "carers.csv", "referrals.csv")


def read_csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture
def service(store):
    """Three districts, six carers supported in Q2 2025-26 (various sex, ethnicity, age, disability)."""
    with store.write() as s:
        dover, thanet, swale = (f.district(s, n) for n in ("Dover", "Thanet", "Swale"))
        D = date
        people = [  # first, last, dob, sex, ethnicity, disabled, district, referred, allocated
            ("Lauren", "Brooks", D(2012, 3, 4), "F", "WBRI", True, dover, D(2025, 7, 1), D(2025, 7, 2)),
            ("Amir", "Hussain", D(2010, 6, 9), "M", "APKN", False, dover, D(2025, 7, 3), D(2025, 7, 15)),
            ("Jade", "Okafor", D(2008, 1, 20), "F", "BAFR", False, thanet, D(2025, 8, 4), D(2025, 8, 5)),
            ("Ella", "Ward", D(2015, 9, 30), "F", "WBRI", False, thanet, D(2025, 8, 11), D(2025, 8, 12)),
            ("Sam", "Reilly", D(2006, 11, 2), "U", "WIRI", True, swale, D(2025, 9, 1), D(2025, 9, 2)),
            ("Kai", "Lee", D(2011, 5, 5), "M", "NOBT", False, swale, D(2025, 9, 8), D(2025, 9, 9)),
        ]
        ids = {}
        for n, (first, last, dob, sex, eth, disabled, d, referred, allocated) in enumerate(people):
            c = f.carer(s, first_name=first, last_name=last, date_of_birth=dob, sex=sex, ethnicity=eth,
                        disability=disabled, district_id=d.id, carer_ref=f"YC-{n + 1:04d}")
            f.referral(s, c.id, referred, consent="given", allocated_date=allocated)
            ids[first] = c.id
        ids.update(dover=dover.id, thanet=thanet.id, swale=swale.id)
    return ids


def count(store, period=Q2):
    with store.read() as s:
        return kpis.compute(s, period, TODAY)


def export(store, to, **kw):
    return returns.export_return(store, Q2, to, today=TODAY, check=False, **kw)


def manager_id(store) -> str:
    return store.acting[0]


# -- equality ------------------------------------------------------------------------------------

def test_equality_counts_percentages_bme_total_and_disability(store, service):
    shares = {(s.breakdown, s.value): s for s in equality.shares(count(store).carers)}
    assert (shares["sex", "F"].count, shares["sex", "F"].percent) == (3, "50.0")
    assert (shares["sex", "M"].count, shares["sex", "U"].count) == (2, 1)
    # white British 2 of 6; BME: APKN, BAFR and White Irish (an ethnic minority too); NOBT not known
    assert (shares["ethnic_group", "white_british"].count, shares["ethnic_group", "white_british"].percent) \
        == (2, "33.3")
    assert (shares["ethnic_group", "bme"].count, shares["ethnic_group", "bme"].percent) == (3, "50.0")
    assert (shares["ethnic_group", "not_known"].count, shares["ethnic_group", "not_known"].percent) \
        == (1, "16.7")
    assert (shares["disability", "Y"].count, shares["disability", "Y"].percent) == (2, "33.3")
    assert (shares["disability", "N"].count, shares["disability", "N"].percent) == (4, "66.7")
    # each breakdown counts every carer once; each percentage is rounded half up on its own, so a
    # breakdown's percentages sum to 100.0 give or take 0.05 per row (33.3 + 50.0 + 16.7 = 100.0)
    for b in equality.BREAKDOWNS:
        rows = [s for s in shares.values() if s.breakdown == b]
        assert sum(s.count for s in rows) == 6, b
        assert abs(sum(float(s.percent) for s in rows) - 100) <= 0.05 * len(rows) + 1e-9, b
    assert equality.headline(count(store).carers) == (
        "33.3% white British / 50.0% BME (16.7% not known) · 33.3% disabled")


def test_equality_rounds_half_up_and_can_sum_to_99_9():
    from ycworker.returns.kpi_results import CarerRow

    carers = [CarerRow(str(n), None, "F", code, 12, "", None)
              for n, code in enumerate(("WBRI", "APKN", "NOBT"))]
    groups = [s.percent for s in equality.shares(carers) if s.breakdown == "ethnic_group"]
    assert groups == ["33.3", "33.3", "33.3"]  # never forced to 100.0: each is recomputable
    eight = [CarerRow(str(n), None, "F", "WBRI" if n else "ABAN", 12, "", None) for n in range(8)]
    assert [s.percent for s in equality.shares(eight) if s.breakdown == "ethnic_group"] == ["87.5", "12.5"]


def test_equality_csv_is_in_the_return_and_its_manifest(store, service, tmp_path):
    result = export(store, tmp_path)
    rows = read_csv((result.path / "equality.csv").read_bytes())
    assert list(rows[0]) == list(equality.COLUMNS)
    bme = next(r for r in rows if r["breakdown"] == "ethnic_group" and r["value"] == "bme")
    assert bme == {"breakdown": "ethnic_group", "value": "bme", "label": "Ethnic minority groups (BME)",
                   "carers": "3", "percent": "50.0", "carers_supported": "6"}
    manifest = json.loads((result.path / "manifest.json").read_text("utf-8"))
    assert "equality.csv" in {f["name"] for f in manifest["files"]}
    assert returns.check_folder(result.path) == []


# -- targets ---------------------------------------------------------------------------------------

def test_targets_default_to_bradfords_and_a_managers_change_is_counted_and_recorded(store, service, tmp_path):
    report = count(store)
    assert report.figure("kpi2_allocated_within_5_working_days").target == 80
    assert {o.target for o in report.outcomes} == {60}
    with store.write() as s:
        targets.save(s, {"kpi2_allocated_within_5_working_days": "75", "outcomes": "65",
                         "kpi6_satisfied": "90"}, "bradford", manager_id(store))
    report = count(store)
    kpi2 = report.figure("kpi2_allocated_within_5_working_days")
    # 5 of 6 allocated in time (Amir: 3 July, allocated 15 July) = 83.3%: met against 75 (and 80)
    assert (kpi2.value, kpi2.target, kpi2.target_met) == ("83.3", 75, "Y")
    assert all(f.target == 75 for f in report.figures if f.kpi == "kpi2_allocated_within_5_working_days")
    assert report.figure("kpi3_assessed_within_15_working_days").target == 80  # not changed
    assert {o.target for o in report.outcomes} == {65}
    result = export(store, tmp_path)
    manifest = json.loads((result.path / "manifest.json").read_text("utf-8"))
    assert manifest["profile"] == "bradford"
    assert manifest["targets_in_force"] == {
        "kpi2_allocated_within_5_working_days": 75, "kpi3_assessed_within_15_working_days": 80,
        "kpi6_satisfied": 90, "kpi9_schools_with_champion": 95, "outcomes": 65}
    kpi_rows = read_csv((result.path / "kpi_summary.csv").read_bytes())
    assert next(r for r in kpi_rows if r["kpi"] == "kpi2_allocated_within_5_working_days")["target"] == "75"
    with store.read() as s:  # the change is audited, and the settings row has its derived id
        assert s.exec(select(AuditEntry).where(AuditEntry.entity == "return_setting")).first() is not None
        row = s.exec(select(ReturnSetting).where(ReturnSetting.key == "target.outcomes")).one()
        assert row.id == targets.setting_id("target.outcomes") and row.value == "65"


def test_bad_targets_say_why_beside_each_field_and_nothing_is_saved(store, service):
    with pytest.raises(FormErrors) as caught, store.write() as s:
        targets.save(s, {"kpi2_allocated_within_5_working_days": "8O", "kpi6_satisfied": "150",
                         "kpi3_assessed_within_15_working_days": "70", "referrals_monthly": ""},
                     "bradford", manager_id(store))
    by_field = caught.value.by_field()
    assert set(by_field) == {"kpi2_allocated_within_5_working_days", "kpi6_satisfied", "referrals_monthly"}
    assert by_field["kpi6_satisfied"] == "A percentage cannot be more than 100."
    with store.read() as s:
        assert s.exec(select(ReturnSetting)).all() == []
        assert targets.load(s).target("kpi3_assessed_within_15_working_days") == 80


def test_only_a_manager_changes_targets_and_areas(store, service):
    with store.write() as s:
        worker = f.worker(s, "Wes Worker")
    store.acting = (worker.id, worker.name, "worker")
    with pytest.raises(UserError, match="Only a manager can change the return's targets"):
        setting_actions.save_targets(store, {"outcomes": "70"}, "bradford", worker.id)
    with pytest.raises(UserError, match="Only a manager can change the areas"):
        setting_actions.add_area(store, "East Kent", worker.id)


# -- areas -----------------------------------------------------------------------------------------

def test_areas_group_districts_and_the_view_counts_county_area_and_district(store, service):
    mid = manager_id(store)
    setting_actions.add_area(store, "East Kent", mid)
    grouping = setting_actions.add_area(store, "West Kent", mid)
    east, west = (a_id for a_id, _n in grouping.areas)
    setting_actions.put_district(store, service["dover"], east, mid)
    setting_actions.put_district(store, service["thanet"], east, mid)
    setting_actions.put_district(store, service["swale"], west, mid)
    setting_actions.put_district(store, service["swale"], None, mid)  # and out again
    with pytest.raises(Exception, match="already an area called East Kent"):
        setting_actions.add_area(store, "  east   kent ", mid)
    rows = setting_actions.area_view(store, Q2, TODAY)
    table = [(r.level, r.area, r.district, r.received, r.carers, r.due, r.in_time, r.median_days)
             for r in rows]
    assert table == [
        ("county", "", "", 6, 6, 6, 5, "1.0"),
        ("area", "East Kent", "", 4, 4, 4, 3, "1.0"),
        ("district", "East Kent", "Dover", 2, 2, 2, 1, "4.5"),  # 1 and 8 working days
        ("district", "East Kent", "Thanet", 2, 2, 2, 2, "1.0"),
        ("area", "West Kent", "", 0, 0, 0, 0, ""),
        ("area", areas.NO_AREA, "", 2, 2, 2, 2, "1.0"),
        ("district", areas.NO_AREA, "Swale", 2, 2, 2, 2, "1.0"),
    ]
    with store.read() as s:  # one link per district, with the id every laptop derives
        links = s.exec(select(AreaDistrict)).all()
        assert {(x.id, x.district_id) for x in links} == {
            (areas.link_id(service["dover"]), service["dover"]),
            (areas.link_id(service["thanet"]), service["thanet"])}


# -- Kent ------------------------------------------------------------------------------------------

def test_kent_profile_adds_its_files_and_leaves_the_spec_files_unchanged(store, service, tmp_path):
    from db.models import Attendance, Club, ClubSession, TrainingSession

    mid = manager_id(store)
    with store.write() as s:
        club = Club(name="Dover Chill Club", district_id=service["dover"])
        s.add(club)
        s.flush()
        sessions = [ClubSession(club_id=club.id, session_date=date(2025, 8, d)) for d in (6, 13)]
        s.add_all(sessions)
        s.flush()
        for sess in sessions:
            s.add(Attendance(session_id=sess.id, carer_id=service["Lauren"], status="present"))
        s.add(Attendance(session_id=sessions[0].id, carer_id=service["Amir"], status="late"))
        s.add(Attendance(session_id=sessions[1].id, carer_id=service["Jade"], status="absent"))
        s.add(TrainingSession(session_date=date(2025, 8, 20), audience="teachers", professionals_trained=12))
        s.add(TrainingSession(session_date=date(2025, 9, 3), audience="GPs", professionals_trained=5))
    bradford = export(store, tmp_path / "b")
    setting_actions.save_targets(store, {"referrals_monthly": "2", "referrals_annual": "10"}, "kent", mid)
    kent = export(store, tmp_path / "k")
    for name in SPEC:  # Bradford's spec'd files are byte for byte the same whichever profile
        assert (kent.path / name).read_bytes() == (bradford.path / name).read_bytes(), name
    manifest = json.loads((kent.path / "manifest.json").read_text("utf-8"))
    names = {f["name"] for f in manifest["files"]}
    assert {"kent_referrals.csv", "kent_areas.csv", "kent_activity.csv", "equality.csv"} <= names
    assert manifest["profile"] == "kent"
    assert manifest["targets_in_force"]["referrals_monthly"] == 2
    assert manifest["targets_in_force"]["referrals_annual"] == 10
    assert not {"kent_referrals.csv"} & {p.name for p in bradford.path.iterdir()}

    refs = read_csv((kent.path / "kent_referrals.csv").read_bytes())
    assert [(r["measure"], r["scope"], r["referrals"], r["target"], r["target_met"]) for r in refs] == [
        ("monthly", "2025-07", "2", "2", "Y"), ("monthly", "2025-08", "2", "2", "Y"),
        ("monthly", "2025-09", "2", "2", "Y"), ("period", "2025-26-Q2", "6", "6", "Y"),
        # April to September: 6 of 12 months of an annual 10 = 5 pro rata
        ("year_to_date", "2025-26", "6", "5", "Y")]
    assert refs[-1]["annual_target"] == "10" and refs[-1]["start"] == "2025-04-01"
    area_rows = read_csv((kent.path / "kent_areas.csv").read_bytes())
    assert area_rows[0]["level"] == "county" and area_rows[0]["referrals_received"] == "6"
    assert area_rows[0]["allocated_within_5_working_days"] == "83.3"
    activity = {(r["measure"], r["breakdown_value"]): r["value"]
                for r in read_csv((kent.path / "kent_activity.csv").read_bytes())}
    assert activity[("club_sessions_held", "")] == "2"
    assert activity[("attendances", "")] == "3"  # present or late; the absent mark is not attendance
    assert activity[("participants", "")] == "2"
    assert activity[("sessions_per_participant", "")] == "1.5"
    assert activity[("training_sessions_held", "")] == "2"
    assert activity[("professionals_trained", "")] == "17"
    assert activity[("professionals_trained_by_audience", "teachers")] == "12"
    assert returns.check_folder(kent.path) == []
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(kent.path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


# -- the narrative ---------------------------------------------------------------------------------

CLEAN = """## Case study: "Mia"

Mia (not her real name) is 13 and cares for her mum. Since joining the Dover Chill Club in July
she has made friends and her attendance at school is up.

## Youth voice

"I didn't know other people had to do this too." (young carer, 14)
"""


def index_of(store):
    with store.read() as s:
        return narrative.load_index(s)


def test_the_check_finds_a_name_a_date_of_birth_and_a_ref_by_line(store, service):
    index = index_of(store)
    text = ("Our case study this quarter.\n"
            "lauren BROOKS told us she was tired.\n"  # a real name, any case
            "Born 04/03/2012, she is in year 8.\n"     # Lauren's date of birth
            "See YC-0002 for more; born 9 June 2010.\n"  # Amir's ref and date of birth
            "Jade had a good term, and Okafor is a common name.\n"  # not first + last together
            "Sam Reilly joined on 2025-09-01.\n")
    flags = narrative.check(text, index)
    assert [(fl.line, fl.kind, fl.found) for fl in flags] == [
        (2, "name", "lauren BROOKS"), (3, "date_of_birth", "04/03/2012"),
        (4, "date_of_birth", "9 June 2010"), (4, "carer_ref", "YC-0002"), (6, "name", "Sam Reilly")]
    assert flags[0].message.startswith('Line 2: "lauren BROOKS" is the name of a young carer')
    assert narrative.check(CLEAN, index) == []
    # other ways of writing a date of birth
    for written in ("2012-03-04", "4/3/12", "4.3.2012", "4th March 2012", "4 Mar 2012"):
        assert [fl.kind for fl in narrative.check(f"on {written}", index)] == ["date_of_birth"], written


def test_the_narrative_is_saved_as_typed_and_exported_as_narrative_md(store, service, tmp_path):
    mid = manager_id(store)
    setting_actions.save_narrative(store, mid, Q2.label, "first words", audit_it=True)
    setting_actions.save_narrative(store, mid, Q2.label, CLEAN)
    view = setting_actions.load_narrative(store, Q2.label)
    assert view.text == CLEAN and view.flags == []
    result = export(store, tmp_path)
    text = (result.path / "narrative.md").read_text("utf-8")
    assert text.startswith("# Narrative for 2025-26-Q2\n") and CLEAN.rstrip() in text
    manifest = json.loads((result.path / "manifest.json").read_text("utf-8"))
    assert "narrative.md" in {f["name"] for f in manifest["files"]}
    assert returns.check_folder(result.path) == []
    with store.read() as s:
        row = s.exec(select(ReturnNarrative)).one()
        assert row.id == narrative.narrative_id(Q2.label)


def test_export_refuses_a_narrative_naming_someone_until_changed_or_confirmed(store, service, tmp_path):
    mid = manager_id(store)
    text = CLEAN + "\nThanks to Ella Ward for the poem.\n"
    setting_actions.save_narrative(store, mid, Q2.label, text)
    with pytest.raises(UserError) as caught:
        export(store, tmp_path / "a")
    message = str(caught.value)
    line = len(CLEAN.splitlines()) + 2
    assert f"Line {line}: \"Ella Ward\" is the name of a young carer on the caseload" in message
    assert not (tmp_path / "a").exists() or list((tmp_path / "a").iterdir()) == []  # nothing written
    # a worker cannot wave it through; a manager can confirm the name is not that carer
    with store.write() as s:
        worker = f.worker(s, "Wes Worker")
    store.acting = (worker.id, worker.name, "worker")
    with pytest.raises(UserError, match="Only a manager"):
        setting_actions.confirm_names(store, Q2.label, ["ella ward"], worker.id)
    store.acting = (mid, "Manager", "manager")
    assert setting_actions.confirm_names(store, Q2.label, ["ella ward"], mid) == []
    assert (export(store, tmp_path / "b").path / "narrative.md").exists()
    # the confirmation is for that name only: a date of birth still stops the export
    setting_actions.save_narrative(store, mid, Q2.label, CLEAN + "Ella Ward, born 30/09/2015.\n")
    line = len(CLEAN.splitlines()) + 1
    with pytest.raises(UserError, match=f"Line {line}: 30/09/2015 is the date of birth"):
        export(store, tmp_path / "c")


# -- migration 0013 --------------------------------------------------------------------------------

def test_migration_0013_upgrades_an_existing_file_with_a_backup(tmp_path):
    path = tmp_path / "old.db"
    s = open_store(path, PASSPHRASE, migrate=False)
    upgrade_store(s, "0011")
    with s.write() as session:
        session.connection().exec_driver_sql(
            "INSERT INTO district (id, name, created_at, updated_at) VALUES "
            "('d1', 'Dover', '2026-01-01 00:00:00', '2026-01-01 00:00:00')")
    s.close()
    s = open_store(path, PASSPHRASE)  # opening an old file upgrades it, after a backup
    try:
        assert current_revision(s) == head_revision()
        assert s.backup_path is not None and s.backup_path.exists()
        with s.read() as session:
            assert [d.name for d in session.exec(select(District)).all()] == ["Dover"]
            assert session.exec(select(Area)).all() == []
            assert targets.load(session).in_force()["kpi2_allocated_within_5_working_days"] == 80
        mid = None  # the slot's manager (store.acting) has no Worker row in a file made this way
        grouping = setting_actions.add_area(s, "East Kent", mid)
        grouping = setting_actions.put_district(s, "d1", grouping.areas[0][0], mid)
        assert [(d.name, d.area) for d in grouping.districts] == [("Dover", "East Kent")]
        setting_actions.save_narrative(s, mid, "2025-26-Q2", "words")
        assert setting_actions.load_narrative(s, "2025-26-Q2").text == "words"
    finally:
        s.close()
