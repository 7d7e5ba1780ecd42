"""A worker's laptop never receives another worker's cases (team.md promise 4; issue 16's "Done
means"): with a real PostgreSQL, a manager records carers for two workers with their referrals,
contacts, households, cared-for people, assessments, plans, reviews and feedback; after sync, worker
one's laptop holds none of worker two's records in any synced table, `ycworker carer show` of
worker two's carer exits 1, and the caseload screen's list and search do not show them."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from db import outbox
from db.engine import open_store
from db.models import (
    Assessment,
    AssessmentSection,
    CaredFor,
    CaredForCondition,
    CareRelationship,
    Contact,
    Feedback,
    PlanAction,
    Review,
    ReviewOutcome,
)
from tests.conftest import PASSPHRASE, settle, unlocked, until
from tests.helpers import factories
from tests.helpers import team as t
from ycworker.cli import main
from ycworker.team.server.service import PARENTS

WENDY, WILL = "Wendy One", "Will Two"
PEOPLE = {WENDY: [("Ava", "Wendyson", "W1-A"), ("Bea", "Wendyson", "W1-B")],
          WILL: [("Cal", "Willowby", "W2-C"), ("Dot", "Willowby", "W2-D")]}


def _case(session, worker_id: str, first: str, last: str, ref: str) -> None:
    """A carer with everything a case holds."""
    home = factories.household(session, ref=f"H-{ref}", name=f"{last} family", address="1 Road")
    carer = factories.carer(session, first_name=first, last_name=last, carer_ref=ref, worker_id=worker_id,
                            household_id=home.id, status="open")
    ref_row = factories.referral(session, carer.id, date(2026, 9, 1), consent="given",
                                 allocated_date=date(2026, 9, 2))
    mum = CaredFor(household_id=home.id, name=f"{first}'s mum")
    session.add(mum)
    session.flush()
    session.add(CaredForCondition(cared_for_id=mum.id, condition="mental_health"))
    session.add(CareRelationship(carer_id=carer.id, cared_for_id=mum.id, relationship="parent"))
    session.add(Contact(carer_id=carer.id, worker_id=worker_id, contact_date=date(2026, 9, 3),
                        kind="one_to_one", mode="face_to_face", note=f"met {first}"))
    assessment = Assessment(carer_id=carer.id, referral_id=ref_row.id, status="completed",
                            started_date=date(2026, 9, 4), completed_date=date(2026, 9, 5))
    session.add(assessment)
    session.flush()
    session.add(AssessmentSection(assessment_id=assessment.id, section="caring_role", text="cooks"))
    session.add(PlanAction(carer_id=carer.id, assessment_id=assessment.id, what="young carers club"))
    review = Review(carer_id=carer.id, review_date=date(2026, 10, 1))
    session.add(review)
    session.flush()
    session.add(ReviewOutcome(review_id=review.id, outcome="OUT01", rating="improved"))
    session.add(Feedback(feedback_date=date(2026, 10, 2), satisfied=True, carer_id=carer.id))
    session.flush()


def _worker_ids(store) -> dict[str, str]:
    worker = SQLModel.metadata.tables["worker"]
    with store.read() as s:
        return {name: wid for wid, name in s.connection().execute(sa.select(worker.c.id, worker.c.name))}


def _owned(store, carer_ids: set[str]) -> dict[str, set[str]]:
    """Every synced record of these carers, table by table: the carers, rows with their carer_id,
    their households and the children of those (server.service.PARENTS)."""
    owned: dict[str, set[str]] = {}
    with store.read() as s:
        conn = s.connection()
        owned["carer"] = set(carer_ids)
        carer = SQLModel.metadata.tables["carer"]
        owned["household"] = set(conn.execute(sa.select(carer.c.household_id).where(
            carer.c.id.in_(carer_ids), carer.c.household_id.is_not(None))).scalars())
        for name in sorted(outbox.SYNCED_TABLES):
            table = SQLModel.metadata.tables[name]
            if "carer_id" in table.c and name != "carer":
                owned[name] = set(conn.execute(sa.select(table.c.id).where(
                    table.c.carer_id.in_(carer_ids))).scalars())
        for _ in range(3):  # children of children (cared_for_condition <- cared_for <- household)
            for child, (parent, column) in PARENTS.items():
                table = SQLModel.metadata.tables[child]
                owned[child] = set(conn.execute(sa.select(table.c.id).where(
                    table.c[column].in_(owned.get(parent, set())))).scalars())
    return owned


def _held(store) -> dict[str, set[str]]:
    with store.read() as s:
        conn = s.connection()
        return {name: set(conn.execute(sa.select(SQLModel.metadata.tables[name].c.id)).scalars())
                for name in sorted(outbox.SYNCED_TABLES)}


@pytest.fixture
def two_workers(team_server, db_path, tmp_path, template_db):
    """The App's laptop is Wendy's (a worker); the manager's laptop recorded both workers' cases."""
    wendy_code = team_server.invite(WENDY)
    will_code = team_server.invite(WILL)
    manager = open_store(t.copy_template(template_db, tmp_path / "manager"), PASSPHRASE)
    will = open_store(t.copy_template(template_db, tmp_path / "will"), PASSPHRASE)
    try:
        t.join(team_server, manager, team_server.manager_code)
        ids = _worker_ids(manager)
        with manager.write() as s:
            for name, people in PEOPLE.items():
                for first, last, ref in people:
                    _case(s, ids[name], first, last, ref)
        t.sync(team_server, manager)
        t.join(team_server, will, will_code)
        wendy = open_store(db_path, PASSPHRASE)
        try:
            t.join(team_server, wendy, wendy_code)
            t.sync(team_server, wendy)
        finally:
            wendy.close()
        carer = SQLModel.metadata.tables["carer"]
        with manager.read() as s:
            rows = s.connection().execute(sa.select(carer.c.id, carer.c.worker_id)).all()
        will_carers = {cid for cid, wid in rows if wid == ids[WILL]}
        wendy_carers = {cid for cid, wid in rows if wid == ids[WENDY]}
        yield {"will": _owned(manager, will_carers), "wendy": _owned(manager, wendy_carers),
               "will_laptop": _held(will)}
    finally:
        manager.close()
        will.close()


def test_a_workers_laptop_holds_none_of_another_workers_records(two_workers, db_path):
    wendy = open_store(db_path, PASSPHRASE)
    try:
        held = _held(wendy)
    finally:
        wendy.close()
    theirs, mine = two_workers["will"], two_workers["wendy"]
    # the data covers a case's every kind of record (so the check below means something)
    for table in ("carer", "household", "referral", "contact", "cared_for", "cared_for_condition",
                  "care_relationship", "assessment", "assessment_section", "plan_action", "review",
                  "review_outcome", "feedback"):
        assert theirs[table] and mine[table], table
        assert mine[table] <= held[table], f"Wendy's laptop lacks her own {table} rows"
    for table, ids in theirs.items():
        assert not ids & held.get(table, set()), f"Wendy's laptop holds Will's {table} rows"
    # and Will's laptop holds his own, none of Wendy's
    for table, ids in mine.items():
        assert not ids & two_workers["will_laptop"].get(table, set()), f"Will's laptop holds Wendy's {table}"
    assert theirs["carer"] <= two_workers["will_laptop"]["carer"]


def test_carer_show_of_another_workers_carer_exits_1(two_workers, db_path, monkeypatch, capsys):
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("YCWORKER_DB", str(db_path))
    assert main(["carer", "show", "W1-A"]) == 0
    assert '"W1-A"' in capsys.readouterr().out
    for ref in ("W2-C", "W2-D"):
        assert main(["carer", "show", ref]) == 1
        out, err = capsys.readouterr()
        assert "Willowby" not in out + err and "Cal" not in out


async def test_the_caseload_list_and_search_do_not_show_another_workers_carers(two_workers, make_app):
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await unlocked(pilot)
        await pilot.press("c")
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen"
                    and bool(app.screen.listing.visible_rows()), lambda: "the caseload did not load")
        screen = app.screen

        def names() -> list[str]:
            return sorted(r.name for r in screen.listing.visible_rows())

        assert names() == ["Ava Wendyson", "Bea Wendyson"]
        for typed in ("Willowby", "Cal", "W2-", "H-W2-C"):
            screen.query_one("#caseload-search").value = typed
            await pilot.pause(0.1)
            await settle(pilot)
            assert names() == [], typed
        screen.query_one("#caseload-search").value = "Wendyson"
        await until(pilot, lambda: names() == ["Ava Wendyson", "Bea Wendyson"], lambda: f"showed {names()}")
