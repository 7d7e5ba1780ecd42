"""The return folder: files, encoding, manifest, data package, privacy, pseudonyms, atomicity."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from db.models import AuditEntry, SealedReturn
from tests.helpers import return_data
from ycworker.common import workdays
from ycworker.common.errors import UserError
from ycworker.common.paths import outbox_dir
from ycworker.common.periods import parse_quarter
from ycworker.returns import export as returns
from ycworker.returns import outbox

TODAY = date(2026, 11, 24)
Q1, Q2 = parse_quarter("2025-26-Q1"), parse_quarter("2025-26-Q2")
SPEC_FILES = {"kpi_summary.csv", "outcomes.csv", "carers.csv", "referrals.csv", "manifest.json",
              "datapackage.json"}
# issue 18: every return also carries the equality breakdown (named in the manifest)
FILES = SPEC_FILES | {"equality.csv"}


@pytest.fixture
def seeded(store):
    with store.write() as s:
        return return_data.seed(s)


def export(store, period=Q2, to=None, now=None, **kw):
    return returns.export_return(store, period, to, today=TODAY, now=now, **kw)


def read_csv(path: Path) -> list[dict]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_folder_holds_exactly_the_spec_files_with_bom_crlf_and_headers(store, seeded, tmp_path):
    result = export(store, to=tmp_path / "usb", now=datetime(2025, 10, 14, 9, 30, 5, tzinfo=UTC))
    folder = result.path
    assert folder == tmp_path / "usb" / "ycworker-return-2025-26-Q2-20251014T093005Z"
    assert {p.name for p in folder.iterdir()} == FILES
    headers = {
        "kpi_summary.csv": "kpi,breakdown,breakdown_value,numerator,denominator,value,unit,target,target_met",
        "outcomes.csv": "outcome,label,reviewed,improved,value,target,target_met",
        "carers.csv": "person_id,household_id,sex,ethnicity,age_at_period_end,district,impact_level",
        "referrals.csv": "referral_id,person_id,referral_date,referral_source,consent,allocated_date,"
                         "allocation_deadline,allocated_in_time,assessment_completed_date,"
                         "assessment_deadline,assessed_in_time,closed_date,closure_reason",
    }
    for name, header in headers.items():
        data = (folder / name).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf" + header.encode() + b"\r\n"), name
        assert data.endswith(b"\r\n")
        assert b"\n" not in data.replace(b"\r\n", b""), f"bare LF in {name}"
    # the outbox holds a byte-identical sealed copy
    sealed = outbox_dir(store.path) / folder.name
    for name in FILES:
        assert (sealed / name).read_bytes() == (folder / name).read_bytes()


def test_manifest_hashes_rows_period_version_and_calendar(store, seeded, tmp_path):
    folder = export(store, to=tmp_path).path
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["period"] == {"label": "2025-26-Q2", "start": "2025-07-01", "end": "2025-09-30"}
    assert manifest["working_day_calendar"] == workdays.CALENDAR_NAME
    assert manifest["ycworker_version"] == __import__("ycworker").__version__
    assert datetime.fromisoformat(manifest["made_at"]).tzinfo is not None
    listed = {f["name"]: f for f in manifest["files"]}
    assert set(listed) == FILES - {"manifest.json"}
    for name, entry in listed.items():
        data = (folder / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
        if name.endswith(".csv"):
            assert entry["rows"] == len(read_csv(folder / name))
    assert listed["outcomes.csv"]["rows"] == 9
    assert returns.check_folder(folder) == []
    (folder / "carers.csv").write_bytes((folder / "carers.csv").read_bytes() + b"x")
    assert returns.check_folder(folder) == ["carers.csv does not match its SHA-256 in the manifest"]


def test_datapackage_validates_with_frictionless(store, seeded, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    folder = export(store, to=tmp_path).path
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads((folder / "datapackage.json").read_text("utf-8"))
    by_name = {r["name"]: r for r in package["resources"]}
    assert set(by_name) == {"kpi_summary", "outcomes", "carers", "referrals", "equality"}
    assert by_name["referrals"]["schema"]["primaryKey"] == ["referral_id"]
    assert by_name["carers"]["schema"]["foreignKeys"][0]["reference"]["resource"] == "referrals"
    fields = {f["name"]: f for f in by_name["referrals"]["schema"]["fields"]}
    assert fields["referral_date"]["type"] == "date"
    assert fields["allocated_in_time"]["constraints"]["enum"] == ["Y", "N"]
    # a broken file is caught by the same validation
    path = folder / "referrals.csv"
    path.write_bytes(path.read_bytes().replace(b",gp,", b",carrier pigeon,"))
    assert not frictionless.validate(str(folder / "datapackage.json")).valid


def test_no_name_birth_date_address_ref_or_free_text_in_any_file(store, seeded, tmp_path):
    export(store, period=Q1, to=tmp_path / "out")
    export(store, period=Q2, to=tmp_path / "out")
    forbidden = [return_data.HOSTILE_FIRST, "HYPERLINK", return_data.HOSTILE_LAST, "Quux", "Tabby", "Lone",
                 "Sum(A1)", "-2+3", "SECRETNOTE", "Secret Street", "CT1 1ZZ", "07700", "Evil",
                 "Ms Champion", "St Evil", "2011-02-17", "17/02/2011", "2009-12-25", "2014-03-03",
                 "SECRETTHEME", "SECRETRESPONSE", "SECRETSAFEGUARDING", "SECRETACTION",
                 return_data.HOUSEHOLD_REF, *return_data.REFS, *seeded_ids(seeded)]
    files = [p for folder in (tmp_path / "out", outbox_dir(store.path)) for p in folder.rglob("*")
             if p.is_file()]
    assert len(files) == 28  # 2 quarters x 2 folders x 7 files
    for path in files:
        text = path.read_bytes().decode("utf-8-sig")
        for bad in forbidden:
            assert bad.lower() not in text.lower(), f"{bad!r} found in {path.name}"


def seeded_ids(seeded) -> list[str]:
    return [seeded["a"], seeded["b"], seeded["c"]]


def test_formula_cells_get_a_leading_quote(store, seeded, tmp_path):
    folder = export(store, to=tmp_path).path
    rows = read_csv(folder / "kpi_summary.csv")
    districts = {r["breakdown_value"] for r in rows if r["breakdown"] == "district"}
    assert "'+Dover" in districts and "+Dover" not in districts
    assert {r["district"] for r in read_csv(folder / "carers.csv")} == {"'+Dover"}


def test_pseudonyms_stable_across_quarters_and_never_the_services_refs(store, seeded, tmp_path):
    q1 = export(store, period=Q1, to=tmp_path).path
    q2 = export(store, period=Q2, to=tmp_path).path
    p1 = {r["person_id"]: r for r in read_csv(q1 / "carers.csv")}
    p2 = {r["person_id"]: r for r in read_csv(q2 / "carers.csv")}
    shared = set(p1) & set(p2)
    assert len(shared) == 1  # carer a is supported in both quarters under the same pseudonym
    pid = shared.pop()
    assert p1[pid]["household_id"] == p2[pid]["household_id"]
    refs1 = {r["referral_id"]: r["person_id"] for r in read_csv(q1 / "referrals.csv")}
    refs2 = {r["referral_id"]: r["person_id"] for r in read_csv(q2 / "referrals.csv")}
    common = set(refs1) & set(refs2)
    assert common and all(refs1[r] == refs2[r] for r in common)
    for table in (read_csv(q1 / "carers.csv") + read_csv(q2 / "carers.csv")):
        assert re.fullmatch(r"P-[0-9a-f]{32}", table["person_id"])
        assert re.fullmatch(r"H-[0-9a-f]{32}", table["household_id"])
    everything = " ".join((q / n).read_text("utf-8-sig") for q in (q1, q2) for n in ("carers.csv",
                                                                                   "referrals.csv"))
    for r in refs1 | refs2:
        assert re.fullmatch(r"R-[0-9a-f]{32}", r)
    for ref in return_data.REFS:
        assert ref not in everything
    # siblings share a household pseudonym; a carer alone is a household of their own
    q2carers = read_csv(q2 / "carers.csv")
    assert len({r["household_id"] for r in q2carers}) == 1 and len(q2carers) == 2


def test_pseudonym_secret_is_kept_in_the_database_and_differs_between_databases(store, seeded, tmp_path):
    from db.engine import open_store
    from tests.conftest import PASSPHRASE
    from ycworker.common import settings
    from ycworker.returns import pseudonyms

    first = export(store, to=tmp_path / "one").path
    store.close()
    again = open_store(store.path, PASSPHRASE)
    try:
        second = export(again, to=tmp_path / "two").path
        with again.read() as s:
            assert len(settings.get(s, settings.PSEUDONYM_SECRET)) == 64
    finally:
        again.close()
    assert read_csv(first / "carers.csv") == read_csv(second / "carers.csv")
    other = pseudonyms.Pseudonymiser(b"another database's secret")
    assert other.person(seeded["a"]) not in (first / "carers.csv").read_text("utf-8-sig")


def test_a_failure_mid_build_leaves_no_folder_and_seals_nothing(store, seeded, tmp_path):
    def boom(tmp: Path) -> None:
        assert (tmp / "manifest.json").exists()  # everything written, not yet renamed
        raise OSError(28, "No space left on device")

    dest = tmp_path / "usb"
    with pytest.raises(UserError, match="No space left"):
        export(store, to=dest, _after_files=boom)
    assert list(dest.iterdir()) == []
    assert list(outbox_dir(store.path).iterdir()) == []
    with store.read() as s:
        assert s.connection().execute(sa.select(sa.func.count()).select_from(SealedReturn)).scalar() == 0

    calls = []

    def fail_second(tmp: Path) -> None:  # DIR written, then the outbox copy fails
        calls.append(tmp)
        if len(calls) == 2:
            raise OSError(5, "Input/output error")

    with pytest.raises(UserError):
        export(store, to=dest, _after_files=fail_second)
    assert list(dest.iterdir()) == [] and list(outbox_dir(store.path).iterdir()) == []


def test_orphaned_partial_folders_are_removed_at_the_next_export(store, seeded, tmp_path):
    dest = tmp_path / "usb"
    orphans = [dest / ".ycworker-return-2025-26-Q2-20250101T000000Z.partial-abc123",
               outbox_dir(store.path) / ".ycworker-return-2025-26-Q2-20250101T000000Z.partial-def456"]
    for o in orphans:
        o.mkdir(parents=True)
        (o / "kpi_summary.csv").write_text("half")
    result = export(store, to=dest)
    assert not any(o.exists() for o in orphans)
    assert [p.name for p in dest.iterdir()] == [result.folder_name]


def test_sealed_returns_are_never_edited_a_correction_is_a_new_one(store, seeded, tmp_path):
    now = datetime(2025, 10, 14, 9, 30, tzinfo=UTC)
    first = export(store, to=tmp_path, now=now)
    before = {p.name: p.read_bytes() for p in first.path.iterdir()}
    second = export(store, to=tmp_path, now=now)  # same second: still a new folder
    assert second.folder_name == first.folder_name + "-2"
    assert {p.name: p.read_bytes() for p in first.path.iterdir()} == before
    with store.read() as s:
        rows = outbox.list_returns(s)
        audits = s.connection().execute(sa.select(AuditEntry.__table__.c.record_id).where(
            AuditEntry.__table__.c.action == "export")).scalars().all()
    assert [r.folder_name for r in rows] == [second.folder_name, first.folder_name] or \
        {r.folder_name for r in rows} == {first.folder_name, second.folder_name}
    assert set(audits) == {first.sealed_id, second.sealed_id}
    assert all(r.synced_to == str(tmp_path.resolve()) for r in rows)


def test_an_unwritable_folder_writes_and_seals_nothing(store, seeded, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(UserError, match="Nothing was written"):
        export(store, to=blocker)
    with pytest.raises(UserError, match="Nothing was written"):
        export(store, to=blocker / "inside")
    assert not outbox_dir(store.path).exists() or list(outbox_dir(store.path).iterdir()) == []


def test_pseudonyms_are_hmac_sha256_of_the_internal_id_keyed_by_the_databases_secret(store, seeded):
    import hmac

    from ycworker.common import settings
    from ycworker.returns import pseudonyms

    with store.write() as s:
        p = pseudonyms.for_session(s)
        secret = bytes.fromhex(settings.get(s, settings.PSEUDONYM_SECRET))
    expected = hmac.new(secret, f"person:{seeded['a']}".encode(), hashlib.sha256).hexdigest()[:32]
    assert p.person(seeded["a"]) == "P-" + expected
    assert pseudonyms.for_store(store) == p  # read back, not made again
    assert p.household(None, seeded["c"]) != p.household(None, seeded["b"])  # households of one
    assert p.person(seeded["a"]) != p.referral(seeded["a"])  # the kind is part of the message


def test_a_demo_services_return_is_a_valid_data_package_that_recounts(store, tmp_path):
    """Realistic variety (every source, closure reason, ethnicity, district): the package validates
    and the commissioner's own recount from referrals.csv and carers.csv gives the KPI figures."""
    frictionless = pytest.importorskip("frictionless")
    from ycworker.demo import generate

    generate(store, 300, seed=3, today=TODAY)
    folder = export(store, period=parse_quarter("2026-27-Q2"), to=tmp_path).path
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    summary = {(r["kpi"], r["breakdown"], r["breakdown_value"]): r
               for r in read_csv(folder / "kpi_summary.csv")}
    refs = read_csv(folder / "referrals.csv")
    carers = read_csv(folder / "carers.csv")
    start, end = "2026-07-01", "2026-09-30"
    received = [r for r in refs if start <= r["referral_date"] <= end]
    assert int(summary[("referrals_received", "all", "")]["numerator"]) == len(received) > 0
    k2 = [r for r in refs if start <= r["allocation_deadline"] <= end and r["allocated_in_time"]]
    row = summary[("kpi2_allocated_within_5_working_days", "all", "")]
    assert (int(row["numerator"]), int(row["denominator"])) == (
        sum(r["allocated_in_time"] == "Y" for r in k2), len(k2))
    k3 = [r for r in refs if start <= r["assessment_deadline"] <= end and r["assessed_in_time"]]
    row = summary[("kpi3_assessed_within_15_working_days", "all", "")]
    assert (int(row["numerator"]), int(row["denominator"])) == (
        sum(r["assessed_in_time"] == "Y" for r in k3), len(k3))
    open_people = {r["person_id"] for r in refs if r["allocated_date"] and r["allocated_date"] <= end
                   and (not r["closed_date"] or r["closed_date"] >= start)}
    assert {c["person_id"] for c in carers} == open_people
    assert int(summary[("kpi1_carers_supported", "all", "")]["numerator"]) == len(carers)
    assert int(summary[("kpi1_families_supported", "all", "")]["numerator"]) == len(
        {c["household_id"] for c in carers})


def test_a_damaged_database_is_never_exported(store, seeded, tmp_path, monkeypatch):
    from ycworker.protection import integrity

    damaged = integrity.CheckResult(False, "export", ["*** in database main *** Page 12: btree damaged"])
    monkeypatch.setattr(integrity, "tables_check", lambda st, tables: damaged)
    with pytest.raises(integrity.IntegrityFailure) as err:
        export(store, to=tmp_path / "usb")
    assert str(err.value).startswith("Not making an export. The database ycworker.db failed its export check")
    assert store.writing_stopped  # and nothing more is saved to it
    assert not (tmp_path / "usb").exists() or list((tmp_path / "usb").iterdir()) == []
    assert not outbox_dir(store.path).exists() or list(outbox_dir(store.path).iterdir()) == []
    with store.read() as s:
        assert s.exec(sa.select(SealedReturn.id)).all() == []


def test_export_reports_each_step_as_it_starts(store, seeded, tmp_path):
    steps: list[str] = []
    export(store, progress=steps.append)
    assert steps == list(returns.EXPORT_STEPS)
    steps.clear()
    export(store, check=False, progress=steps.append)  # the benches skip the check
    assert steps == list(returns.EXPORT_STEPS[1:])
