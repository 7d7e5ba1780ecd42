"""A pulled page's whole records are applied together (issue 15): what the laptop lacks is
inserted in one statement per table, a record's later changes and deletions in the same page
still land after it, and a laptop's own new records coming back in its pull are not written
again."""

from __future__ import annotations

from sqlmodel import select

from db.models import Carer, Referral
from tests.helpers import factories
from tests.helpers.team import field_of, join, set_field, sync


def test_a_page_of_new_records_edits_and_a_deletion_in_order(team_server, new_laptop):
    a, b = new_laptop("a"), new_laptop("b")
    join(team_server, a, team_server.manager_code)
    with a.write() as session:
        for i in range(3):
            carer = factories.carer(session, carer_ref=f"R-{i}", first_name=f"First {i}")
            factories.referral(session, carer.id)
    first = sync(team_server, a)
    assert first.pushed == 6
    assert first.pulled == 0  # its own new records came back: nothing to write again
    assert field_of(a, "R-0", "first_name") == "First 0"

    join(team_server, b, team_server.invite("Pat Lee", manager=True))
    with b.read() as session:
        assert sorted(c.first_name for c in session.exec(select(Carer))) == ["First 0", "First 1", "First 2"]
        assert len(session.exec(select(Referral)).all()) == 3

    # on A: a new carer made, pushed, then edited; another renamed; a referral deleted; one more new
    with a.write() as session:
        factories.carer(session, carer_ref="R-3", first_name="Made")
    sync(team_server, a)
    set_field(a, "R-3", "first_name", "Made, then renamed")
    set_field(a, "R-0", "first_name", "Renamed on A")
    with a.write() as session:
        gone = session.exec(select(Referral).join(Carer).where(Carer.carer_ref == "R-2")).one()
        session.delete(gone)
        factories.carer(session, carer_ref="R-4", first_name="Last")
    sync(team_server, a)

    got = sync(team_server, b)  # one page: "*" R-3, two edits, "-" of the referral, "*" R-4
    assert got.pulled == 5
    assert field_of(b, "R-3", "first_name") == "Made, then renamed"
    assert field_of(b, "R-0", "first_name") == "Renamed on A"
    assert field_of(b, "R-4", "first_name") == "Last"
    with b.read() as session:
        assert len(session.exec(select(Referral)).all()) == 2
