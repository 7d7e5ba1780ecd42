"""The caseload import (caseload-import.md): every rule, every error with row and column,
nothing written on error, re-import changes nothing, BOM and UK dates."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from db.models import AuditEntry, Carer, District, Household, Referral, School
from tests.conftest import PASSPHRASE
from tests.helpers.caseload_import import GOOD, HEADER, csv_text, write
from ycworker.caseload.importing import ImportRejected, check_text, import_file
from ycworker.cli import main

TODAY = date(2026, 11, 24)
def counts(store) -> tuple[int, int, int]:
    with store.read() as s:
        return tuple(s.exec(select(func.count()).select_from(m)).one() for m in (Carer, Household, Referral))


def test_good_file_with_bom_and_uk_dates_imports(tmp_path, store):
    path = write(tmp_path, csv_text(*GOOD), bom=True)
    result = import_file(store, path, TODAY)
    assert (result.carers, result.households, result.referrals) == (3, 2, 4)
    assert result.sentence() == "Imported caseload.csv: added 3 carers, 2 households and 4 referrals."
    with store.read() as s:
        amira = s.exec(select(Carer).where(Carer.carer_ref == "K1")).one()
        zain = s.exec(select(Carer).where(Carer.carer_ref == "K2")).one()
        sean = s.exec(select(Carer).where(Carer.carer_ref == "K3")).one()
        assert amira.date_of_birth == date(2012, 5, 1) and amira.household_id == zain.household_id
        assert amira.impact_level == "high"
        refs = s.exec(select(Referral).where(Referral.carer_id == amira.id)
                      .order_by(Referral.referral_date)).all()
        assert [r.referral_date for r in refs] == [date(2024, 1, 10), date(2025, 3, 10)]
        assert refs[0].import_key == "K1|2024-01-10" and refs[1].closure_reason == "moved_away"
        assert sean.first_name == "Ó Briain, Seán" and sean.household_id != amira.household_id
        assert zain.status == "open" and sean.status == "closed"
        assert {d.name for d in s.exec(select(District)).all()} == {"Dover", "Thanet"}
        assert [sc.name for sc in s.exec(select(School)).all()] == ["St Mary's Primary"]
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "import")).one().record_id == ""


def test_amira_status_follows_her_open_referral(tmp_path, store):
    # Her first referral (2024) has no closed_date, so she is open.
    import_file(store, write(tmp_path, csv_text(*GOOD)), TODAY)
    with store.read() as s:
        assert s.exec(select(Carer.status).where(Carer.carer_ref == "K1")).one() == "open"


def test_reimporting_the_same_file_changes_nothing(tmp_path, store):
    path = write(tmp_path, csv_text(*GOOD))
    import_file(store, path, TODAY)
    with store.read() as s:
        before = sorted((r.id, r.updated_at) for r in s.exec(select(Referral)).all())
    again = import_file(store, path, TODAY)
    assert (again.carers, again.households, again.referrals, again.already_there) == (0, 0, 0, 4)
    with store.read() as s:
        assert sorted((r.id, r.updated_at) for r in s.exec(select(Referral)).all()) == before
    assert counts(store) == (3, 2, 4)


def test_a_later_file_adds_only_the_new_referrals(tmp_path, store):
    import_file(store, write(tmp_path, csv_text(*GOOD)), TODAY)
    later = GOOD + ["K3,\"Ó Briain, Seán\",Murphy,2010-02-02,M,WIRI,Thanet,,,2026-01-05,school,given,,,,,"]
    result = import_file(store, write(tmp_path, csv_text(*later), name="later.csv"), TODAY)
    assert (result.carers, result.referrals) == (0, 1)
    with store.read() as s:
        assert s.exec(select(Carer.status).where(Carer.carer_ref == "K3")).one() == "open"


def test_headers_any_order_any_case(tmp_path, store):
    cols = HEADER.split(",")
    order = list(reversed(range(len(cols))))
    header = ",".join(cols[i].upper() for i in order)
    rows = [",".join(GOOD[2].split(",")[i] for i in order)]
    result = import_file(store, write(tmp_path, csv_text(*rows, header=header)), TODAY)
    assert result.carers == 1


BAD_ROWS = [
    # (row cells changed from GOOD[2], column, what the message says)
    ({"carer_ref": ""}, "carer_ref", "'' is blank"),
    ({"first_name": ""}, "first_name", "'' is blank"),
    ({"date_of_birth": "31/02/2012"}, "date_of_birth", "'31/02/2012' is not a date"),
    ({"date_of_birth": "2012-13-01"}, "date_of_birth", "'2012-13-01' is not a date"),
    ({"date_of_birth": "3rd May"}, "date_of_birth", "'3rd May' is not a date"),
    ({"date_of_birth": "1899-12-31"}, "date_of_birth", "is before 1900"),
    ({"referral_date": "2099-01-01"}, "referral_date", "is after today"),
    ({"sex": "X"}, "sex", "'X' is not one of M, F, U"),
    ({"ethnicity": "WHITE"}, "ethnicity", "'WHITE' is not one of WBRI"),
    ({"district": ""}, "district", "'' is blank"),
    ({"referral_source": "web"}, "referral_source", "'web' is not one of school"),
    ({"consent": "yes"}, "consent", "'yes' is not one of given, refused, pending"),
    ({"impact_level": "severe"}, "impact_level", "'severe' is not one of low, medium, high"),
    ({"allocated_date": "2025-03-09"}, "allocated_date", "is before the referral_date"),
    ({"assessment_completed_date": "2025-03-20"}, "assessment_completed_date",
     "is given but allocated_date is blank"),
    ({"allocated_date": "2025-03-12", "assessment_completed_date": "2025-03-11"},
     "assessment_completed_date", "is before the allocated_date"),
    ({"closed_date": "2025-03-01", "closure_reason": "other"}, "closed_date", "is before the referral_date"),
    ({"closed_date": "2025-04-01"}, "closure_reason", "is blank but closed_date is given"),
    ({"closure_reason": "moved_away"}, "closure_reason", "is given but closed_date is blank"),
    ({"closed_date": "2025-04-01", "closure_reason": "bored"}, "closure_reason", "'bored' is not one of"),
    ({"date_of_birth": "2022-01-01"}, "date_of_birth", "makes them 3 at referral"),
    ({"date_of_birth": "1998-01-01"}, "date_of_birth", "makes them 27 at referral"),
]


def _row(changes: dict[str, str]) -> str:
    cols = HEADER.split(",")
    cells = dict(zip(cols, GOOD[2].split(","), strict=True))
    cells.update(changes)
    return ",".join(cells[c] for c in cols)


@pytest.mark.parametrize("changes,column,message", BAD_ROWS)
def test_each_rule_names_row_column_and_value(changes, column, message):
    plan = check_text(csv_text(GOOD[0], _row(changes)), "caseload.csv", TODAY)
    assert len(plan.errors) == 1, plan.errors
    assert plan.errors[0].startswith(f"caseload.csv row 3, column {column}: ")
    assert message in plan.errors[0]


def test_every_error_in_the_file_is_reported_and_nothing_written(tmp_path, store, capsys, monkeypatch):
    rows = [
        GOOD[0],
        GOOD[1].replace("Amira", "Amyra"),  # row 3: disagrees with row 2 on the name
        GOOD[2].replace("2014-09-03", "31/02/2014"),  # row 4
        GOOD[2],  # row 5: fine
        GOOD[2],  # row 6: the same carer and referral date again
        GOOD[3].replace(",M,", ",Q,").replace("self", "web"),  # row 7: two errors
    ]
    path = write(tmp_path, csv_text(*rows))
    before = counts(store)
    with pytest.raises(ImportRejected) as exc:
        import_file(store, path, TODAY)
    errors = exc.value.errors
    assert errors == [
        "caseload.csv row 3, column first_name: 'Amyra' differs from row 2 ('Amira') for carer_ref K1",
        "caseload.csv row 4, column date_of_birth: '31/02/2014' is not a date "
        "(write YYYY-MM-DD or DD/MM/YYYY)",
        "caseload.csv row 6, column referral_date: '2025-03-10' repeats row 5: the same carer_ref K2 and "
        "referral date",
        "caseload.csv row 7, column sex: 'Q' is not one of M, F, U",
        "caseload.csv row 7, column referral_source: 'web' is not one of school, gp, health, self, parent, "
        "early_help, social_care, other",
    ]
    assert counts(store) == before


def test_unknown_and_missing_columns(tmp_path):
    header = HEADER.replace("ethnicity", "ethnicty") + ",colour"
    plan = check_text(csv_text(header=header), "c.csv", TODAY)
    assert plan.errors == [
        "c.csv row 1, column ethnicty: 'ethnicty' is not a column of the caseload spreadsheet (a typo?)",
        "c.csv row 1, column colour: 'colour' is not a column of the caseload spreadsheet (a typo?)",
        "c.csv row 1, column ethnicity: '' is missing; the column is required",
    ]


def test_ragged_rows_and_blank_lines(tmp_path):
    plan = check_text(csv_text(GOOD[0], "", "K9,Only,Three"), "c.csv", TODAY)
    assert plan.errors == ["c.csv row 4: has 3 cells but the header has 17; check for a stray comma"]


def test_not_utf8_is_refused(tmp_path, store):
    path = tmp_path / "latin.csv"
    path.write_bytes(csv_text(GOOD[0]).encode("utf-8") + "K5,Zoë,Smith\r\n".encode("latin-1"))
    with pytest.raises(ImportRejected) as exc:
        import_file(store, path, TODAY)
    assert exc.value.errors[0].startswith("latin.csv row 3: the file is not UTF-8 text")


@pytest.fixture
def env(monkeypatch, db_path):
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("YCWORKER_DB", str(db_path))
    return db_path


def test_cli_imports_and_reimports(tmp_path, env, capsys):
    path = write(tmp_path, csv_text(*GOOD), bom=True)
    assert main(["import", "caseload", str(path)]) == 0
    assert capsys.readouterr().out.strip() == (
        "Imported caseload.csv: added 3 carers, 2 households and 4 referrals.")
    assert main(["import", "caseload", str(path)]) == 0
    assert "added 0 carers, 0 households and 0 referrals" in capsys.readouterr().out


def test_cli_rejects_with_every_error_on_stderr(tmp_path, env, capsys):
    path = write(tmp_path, csv_text(GOOD[0].replace("01/05/2012", "31/02/2012"),
                                    GOOD[2].replace(",M,", ",X,")))
    assert main(["import", "caseload", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("caseload.csv row 2, column date_of_birth: '31/02/2012' is not a date")
    assert err[1] == "caseload.csv row 3, column sex: 'X' is not one of M, F, U"
    assert "nothing was written" in err[2] and "Traceback" not in "".join(err)


def test_cli_usage_errors(tmp_path, env, capsys):
    assert main(["import", "caseload", str(tmp_path / "missing.csv")]) == 2
    assert main(["import", "caseload", str(tmp_path)]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["import", "caseload"])
    assert exc.value.code == 2


def test_a_big_import_is_indexed_for_search_in_bulk(tmp_path, store):
    from sqlalchemy import text

    from tests.helpers import factories
    from ycworker.caseload import search as caseload

    rows = [f"B{i:04d},Kit{i},Marlowe{i % 7},2012-01-01,F,WBRI,Dover,Hill School,HB{i // 3},"
            f"2025-01-0{1 + i % 9},school,given,,,,," for i in range(300)]
    result = import_file(store, write(tmp_path, csv_text(*rows)), TODAY)
    assert result.carers == 300
    with store.write() as s:
        factories.carer(s, "Kit999", "Marlowe", carer_ref="ZZ-1")  # the trigger is back
    with store.read() as s:
        conn = s.connection()
        assert conn.execute(text("SELECT count(*) FROM carer_fts")).scalar() == 301
        assert conn.execute(text("SELECT count(*) FROM carer_fts_trigram")).scalar() == 301
        found = caseload.window(s, caseload.CaseloadQuery(text="kit12 marlowe5"), TODAY).rows
        assert sorted(r.carer_ref for r in found) == ["B0012", "B0124"]  # prefixes: Kit12, Kit124
        assert sorted(r.carer_ref for r in caseload.window(s, caseload.CaseloadQuery(text="HB99"),
                                                           TODAY).rows) == ["B0297", "B0298", "B0299"]
        assert [r.carer_ref for r in caseload.window(s, caseload.CaseloadQuery(text="it999"), TODAY).rows] \
            == ["ZZ-1"]
