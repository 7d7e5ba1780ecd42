"""``ycworker carer show|set|erase`` (records from scripts, shared/spec/team.md): the JSON and its
exact keys, every settable field through the record screen's service with its validation and audit
entry, refusals with their sentences and nothing written, and erasure a manager's only."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
from sqlmodel import col, select

from db.engine import open_store
from db.models import AuditEntry, Carer, School, Worker
from tests.conftest import PASSPHRASE, give_passphrase
from tests.helpers import factories as f
from ycworker.cli import main

KEYS = ["carer_ref", "first_name", "last_name", "preferred_name", "date_of_birth", "school",
        "district", "impact_level", "worker", "status"]
REF = "YC-AMIR01"


@pytest.fixture
def service(db_path, monkeypatch):
    """A carer allocated to Sam (who can sign in, as a youth worker), a second carer, two districts
    and three schools; the manager's passphrase in the environment. Returns Sam's passphrase."""
    store = open_store(db_path, PASSPHRASE)
    try:
        with store.write() as session:
            north = f.district(session, "North")
            f.district(session, "South")
            school = f.school(session, "Hillside Academy", district_id=north.id)
            f.school(session, "Hill Top Primary")
            f.school(session, "Riverside College")
            sam = f.worker(session, "Sam Worker")
            f.carer(session, "Amira", "Khan", date(2012, 5, 1), carer_ref=REF, preferred_name="Mira",
                    school_id=school.id, district_id=north.id, worker_id=sam.id)
            f.carer(session, "Jordan", "Lee", date(2010, 1, 9), carer_ref="YC-JORD01")
        sam_secret = give_passphrase(store, "Sam Worker")
    finally:
        store.close()
    monkeypatch.setenv("YCWORKER_DB", str(db_path))
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr("sys.stdin", None)
    return sam_secret


def _read(db_path, fn):
    store = open_store(db_path, PASSPHRASE)
    try:
        with store.read() as session:
            return fn(session)
    finally:
        store.close()


def _carer(db_path, ref=REF) -> dict | None:
    """The carer's row as a dict (every column), or None."""
    def row(session):
        found = session.exec(select(Carer).where(Carer.carer_ref == ref)).first()
        return found.model_dump() if found is not None else None
    return _read(db_path, row)


def _audit(db_path, action: str) -> list[tuple[str, str, str | None]]:
    return _read(db_path, lambda s: [
        (e.entity, e.record_id, e.worker_id) for e in s.exec(
            select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.at))).all()])


def _worker_id(db_path, name: str) -> str:
    return _read(db_path, lambda s: s.exec(select(Worker.id).where(Worker.name == name)).one())


def _show(capsys, ref=REF) -> dict:
    assert main(["carer", "show", ref]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1, out
    return json.loads(out[0])


def test_show_prints_the_carer_as_one_json_object_with_exactly_the_spec_keys(db_path, service, capsys):
    shown = _show(capsys, "yc-amir01")  # the reference in any case
    assert list(shown) == KEYS
    assert shown == {
        "carer_ref": REF, "first_name": "Amira", "last_name": "Khan", "preferred_name": "Mira",
        "date_of_birth": "2012-05-01", "school": "Hillside Academy", "district": "North",
        "impact_level": None, "worker": "Sam Worker", "status": "open",
    }
    bare = _show(capsys, "YC-JORD01")  # no school, district, impact or worker: null, not ""
    assert list(bare) == KEYS
    assert [bare[k] for k in ("school", "district", "impact_level", "worker")] == [None] * 4
    manager = _worker_id(db_path, "Duty worker")
    viewed = _audit(db_path, "view")
    assert (("carer", _carer(db_path)["id"], manager)) in viewed  # opening a record is audited


def test_show_an_unknown_reference_exits_1_with_a_sentence(service, capsys):
    assert main(["carer", "show", "YC-NOBODY"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "No young carer has the reference YC-NOBODY." in captured.err
    assert "Traceback" not in captured.err


def test_show_prints_only_json_on_standard_output_from_a_real_process(db_path, service):
    result = subprocess.run([sys.executable, "-m", "ycworker", "carer", "show", REF],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    assert result.returncode == 0, result.stderr
    assert list(json.loads(result.stdout)) == KEYS


@pytest.mark.parametrize("field,value,stored", [
    ("first_name", "  Amirah  ", "Amirah"),
    ("last_name", "Khan-Ali", "Khan-Ali"),
    ("preferred_name", "", ""),
    ("school", "riverside college", "Riverside College"),
    ("district", "south", "South"),
    ("impact_level", "High", "high"),
])
def test_set_changes_one_field_as_the_record_screen_does_and_audits_it(
        db_path, service, capsys, field, value, stored):
    carer_id = _carer(db_path)["id"]
    assert main(["carer", "set", REF, field, value]) == 0
    assert capsys.readouterr().out.strip() == f"{REF}: {field} changed."
    assert _show(capsys)[field] == stored
    updates = _audit(db_path, "update")
    assert updates == [("carer", carer_id, _worker_id(db_path, "Duty worker"))]


def test_set_the_same_value_again_writes_nothing(db_path, service, capsys):
    assert main(["carer", "set", REF, "district", "NORTH"]) == 0
    assert "already had that value; nothing changed" in capsys.readouterr().out
    assert main(["carer", "set", REF, "impact_level", "low"]) == 0
    assert main(["carer", "set", REF, "impact_level", "low"]) == 0
    assert len(_audit(db_path, "update")) == 1


def test_a_youth_worker_sets_a_field_and_the_audit_names_them(db_path, service, monkeypatch, capsys):
    monkeypatch.setenv("YCWORKER_PASSPHRASE", service)
    assert main(["carer", "set", REF, "preferred_name", "Ami"]) == 0
    assert _audit(db_path, "update") == [("carer", _carer(db_path)["id"], _worker_id(db_path, "Sam Worker"))]


@pytest.mark.parametrize("field,value,says", [
    ("date_of_birth", "2012-01-01", "'date_of_birth' cannot be changed from the command line; the fields "
     "that can are first_name, last_name, preferred_name, school, district, impact_level."),
    ("status", "closed", "the fields that can are first_name, last_name"),
    ("first_name", "   ", "First name is needed."),
    ("last_name", "x" * 101, "Last name is too long (101 characters; at most 100)."),
    ("first_name", "Ami\u202era", "First name has a hidden character in it"),
    ("preferred_name", "Mi\x00ra", "Preferred name has a control character in it"),
    ("school", "Hill", "'Hill' is not one of the service's schools; schools with 'Hill' in their "
     "name: Hill Top Primary, Hillside Academy."),
    ("school", "Nowhere High", "'Nowhere High' is not one of the service's schools; the service's "
     "schools are Hill Top Primary, Hillside Academy, Riverside College."),
    ("district", "East", "'East' is not one of the service's districts; the districts are North, South."),
    ("impact_level", "severe", "'severe' is not a level of impact; choose one of low, medium, high."),
    ("impact_level", "", "Level of impact is needed."),
])
def test_set_refuses_what_the_record_screen_refuses_and_writes_nothing(
        db_path, service, capsys, field, value, says):
    before = _carer(db_path)
    schools = _read(db_path, lambda s: len(s.exec(select(School.id)).all()))
    assert main(["carer", "set", REF, field, value]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert says in captured.err, captured.err
    assert "Traceback" not in captured.err
    assert _carer(db_path) == before
    assert _audit(db_path, "update") == []
    assert _read(db_path, lambda s: len(s.exec(select(School.id)).all())) == schools  # none added


def test_set_on_an_unknown_reference_exits_1(service, capsys):
    assert main(["carer", "set", "YC-NOBODY", "first_name", "Sam"]) == 1
    assert "No young carer has the reference YC-NOBODY." in capsys.readouterr().err


def test_set_with_a_blank_school_clears_it_as_the_record_screen_does(db_path, service, capsys):
    assert main(["carer", "set", REF, "school", ""]) == 0
    assert capsys.readouterr().out.strip() == f"{REF}: school changed."
    assert _show(capsys)["school"] is None
    assert len(_audit(db_path, "update")) == 1


def test_a_manager_erases_a_person_and_the_line_names_no_one(db_path, service, capsys):
    carer_id = _carer(db_path)["id"]
    assert main(["carer", "erase", "yc-amir01"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Erased {REF}: ") and "rows removed (1 carer" in out
    for name in ("Amira", "Khan", "Mira"):
        assert name not in out
    assert _carer(db_path) is None
    assert _carer(db_path, "YC-JORD01") is not None  # only that person
    assert _audit(db_path, "erase") == [("carer", carer_id, _worker_id(db_path, "Duty worker"))]
    assert main(["carer", "show", REF]) == 1
    assert main(["carer", "erase", REF]) == 1  # already gone
    assert f"No young carer has the reference {REF}." in capsys.readouterr().err


def test_a_youth_worker_is_refused_erasure_and_nothing_goes(db_path, service, monkeypatch, capsys):
    monkeypatch.setenv("YCWORKER_PASSPHRASE", service)
    assert main(["carer", "erase", REF]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Only a manager can erase a person's records." in captured.err
    assert _carer(db_path) is not None
    assert _audit(db_path, "erase") == []



def test_set_writes_what_the_record_screens_save_writes(db_path, service, capsys):
    """The same values given to ``carer set`` on one carer and to the record screen's save
    (caseload.actions.save_field) on another leave the two records alike."""
    from ycworker.caseload import actions
    from ycworker.common.context import Context

    typed = {"first_name": " Robin ", "last_name": "Shaw", "preferred_name": "Rob",
             "school": "hill top primary", "district": "SOUTH"}
    for field, value in typed.items():
        assert main(["carer", "set", REF, field, value]) == 0
    other = _carer(db_path, "YC-JORD01")["id"]
    ctx = Context(date.today(), _worker_id(db_path, "Duty worker"))
    store = open_store(db_path, PASSPHRASE)
    try:
        for field, value in typed.items():
            actions.save_field(store, other, field, value, ctx)
    finally:
        store.close()
    capsys.readouterr()
    by_cli, by_screen = _show(capsys), _show(capsys, "YC-JORD01")
    for field in typed:
        assert by_cli[field] == by_screen[field], field
    assert by_cli["school"] == "Hill Top Primary" and by_cli["first_name"] == "Robin"
    entries = _audit(db_path, "update")
    assert len([e for e in entries if e[1] == _carer(db_path)["id"]]) == len(typed)
    assert len([e for e in entries if e[1] == other]) == len(typed)
