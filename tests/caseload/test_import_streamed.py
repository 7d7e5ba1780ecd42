"""The caseload import reads the file a chunk at a time (issue 17): the same result whatever the
chunk size, carers whose rows fall in different chunks, and a file changed while it is imported
leaves nothing written."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from db.models import Carer, Household, Referral
from tests.helpers.caseload_import import GOOD, csv_text, write
from ycworker.caseload import importing
from ycworker.caseload.importing import ImportRejected, import_file

TODAY = date(2026, 11, 24)
# K1's rows are far apart (rows 2 and 8): with chunks of two, their facts meet across chunks.
MORE = [
    "K4,Ben,Smith,2011-03-03,M,WBRI,Dover,,H1,2025-05-01,school,given,2025-05-02,,,,",
    "K5,Cara,Jones,2012-04-04,F,WBRI,Thanet,Hill School,,2025-06-01,gp,given,2025-06-03,2025-06-20,low,,",
    "K5,Cara,Jones,2012-04-04,F,WBRI,Thanet,Hill School,,2025-09-01,gp,given,,,,,",
    "K1,Amira,Khan,01/05/2012,F,ABAN,Dover,St Mary's Primary,H1,2025-10-01,self,given,2025-10-02,"
    "2025-10-10,medium,,",
]
ROWS = [GOOD[0], GOOD[2], GOOD[3], *MORE[:3], GOOD[1], MORE[3]]


def snapshot(store) -> dict:
    with store.read() as s:
        carers = {c.carer_ref: (c.first_name, c.status, c.impact_level, c.deadline_date, c.deadline_kind,
                                c.date_of_birth) for c in s.exec(select(Carer)).all()}
        households = {c.carer_ref: h.ref for c, h in s.exec(
            select(Carer, Household).where(Carer.household_id == Household.id)).all()}
        referrals = sorted((r.import_key, r.closed_date, r.impact_level)
                           for r in s.exec(select(Referral)).all())
    return {"carers": carers, "households": households, "referrals": referrals}


@pytest.mark.parametrize("chunk", [1, 2, 3])
def test_chunks_of_any_size_import_the_same(tmp_path, db_path, chunk, monkeypatch):
    from db.engine import open_store
    from tests.conftest import PASSPHRASE

    path = write(tmp_path, csv_text(*ROWS))
    whole = open_store(db_path, PASSPHRASE)
    try:
        first = import_file(whole, path, TODAY)
        expected = snapshot(whole)
    finally:
        whole.close()
    assert (first.carers, first.households, first.referrals) == (5, 3, 8)
    assert expected["carers"]["K1"][1:3] == ("open", "medium")  # the latest assessed referral's impact
    assert expected["households"]["K4"] == "H1" and expected["households"]["K5"] is None

    other = tmp_path / "other"
    other.mkdir()
    path_again = write(other, csv_text(*ROWS))
    small = open_store(db_path.with_name("small.db"), PASSPHRASE)
    try:
        real = importing.write_rows
        monkeypatch.setattr(importing, "write_rows",
                            lambda *a, **kw: real(*a, **{**kw, "chunk": chunk}))
        again = import_file(small, path_again, TODAY)
        assert (again.carers, again.households, again.referrals) == (5, 3, 8)
        assert snapshot(small) == expected
        # and once more, in chunks: every referral is already there, nothing changes
        third = import_file(small, path_again, TODAY)
        assert (third.carers, third.referrals, third.already_there) == (0, 0, 8)
        assert snapshot(small) == expected
    finally:
        small.close()


def test_a_file_changed_while_it_is_imported_leaves_nothing_written(tmp_path, store, monkeypatch):
    path = write(tmp_path, csv_text(*GOOD))
    real = importing.write_rows

    def change_then_write(session, name, rows, *a, **kw):
        path.write_text(csv_text(*GOOD[:2], "K2,Zain,Khan,2014-09-03,M,ABAN,Dover,,H1,not a date,parent,"
                                             "pending,,,,,"), encoding="utf-8")
        return real(session, name, rows, *a, **kw)

    monkeypatch.setattr(importing, "write_rows", change_then_write)
    with pytest.raises(ImportRejected) as err:
        import_file(store, path, TODAY)
    assert err.value.errors == ["caseload.csv changed while it was being imported; nothing was written. "
                                "Close it in the spreadsheet and import it again."]
    with store.read() as s:
        assert s.exec(select(func.count()).select_from(Carer)).one() == 0
        assert s.exec(select(func.count()).select_from(Referral)).one() == 0
