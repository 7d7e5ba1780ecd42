"""Issue 18 (Casework): safeguarding status and meetings, handover to adult services at 18,
signposting as data, language and access. Service tests for each, the migration that brings an
existing file up to them, and pilot tests through the real record screen (keys only), with the
flags in the caseload and on a register, and the counts on the Returns screen."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import select

from db.engine import open_store, upgrade_store
from db.migrate import current_revision, head_revision
from db.models import AuditEntry, Carer, Household, Organisation, SafeguardingStatus, Signposting
from tests.conftest import PASSPHRASE, TODAY, frame_text, on_screen, screen_text, unlocked, until, until_shows
from tests.helpers import caseload_data, register_data
from tests.helpers.returns_screen import open_returns
from ycworker.bookings import day_sheet
from ycworker.caseload import casework, handover, language, safeguarding, search, signposting
from ycworker.caseload.search import CaseloadQuery
from ycworker.common.context import Context
from ycworker.common.errors import FieldError, FormErrors, UserError
from ycworker.common.periods import Period
from ycworker.registers import register as registers
from ycworker.returns import casework as returns_casework

Q2 = Period(date(2026, 7, 1), date(2026, 9, 30), "2026-27-Q2")


def _audited(store, entity: str) -> int:
    with store.read() as s:
        return len(s.exec(select(AuditEntry).where(AuditEntry.entity == entity)).all())


# -- safeguarding status -------------------------------------------------------------------------


def test_a_status_is_a_period_and_a_new_one_ends_the_old_the_day_before(store):
    ids = caseload_data.build(store)
    amira = ids["amira"]
    with store.write() as s:
        safeguarding.set_status(s, amira, {"status": "child_in_need", "start_date": "01/09/2026"}, TODAY)
        safeguarding.set_status(s, amira, {"status": "child_protection", "start_date": "15/10/2026"}, TODAY)
        history = safeguarding.periods(s, amira)
        assert [(p.status, p.start_date, p.end_date) for p in history] == [
            ("child_protection", date(2026, 10, 15), None),
            ("child_in_need", date(2026, 9, 1), date(2026, 10, 14)),
        ]
        assert safeguarding.current(s, amira, TODAY).status == "child_protection"
        assert safeguarding.current(s, amira, date(2026, 9, 30)).status == "child_in_need"
        # the same status again, a start before the one in force, a future date: refused with a sentence
        with pytest.raises(FieldError, match="Child Protection is already in force"):
            safeguarding.set_status(
                s, amira, {"status": "child_protection", "start_date": "20/11/2026"}, TODAY
            )
        with pytest.raises(FieldError, match="must start after that"):
            safeguarding.set_status(s, amira, {"status": "early_help", "start_date": "01/10/2026"}, TODAY)
        with pytest.raises(FormErrors) as err:
            safeguarding.set_status(s, amira, {"status": "", "start_date": "01/01/2027"}, TODAY)
        assert set(err.value.by_field()) == {"status", "start_date"}
        # ended: nothing in force, the history kept
        safeguarding.set_status(s, amira, {"status": "ended", "start_date": "20/11/2026"}, TODAY)
        assert safeguarding.current(s, amira, TODAY) is None
        assert len(safeguarding.periods(s, amira)) == 2
        with pytest.raises(FieldError, match="no safeguarding status in force"):
            safeguarding.set_status(s, amira, {"status": "ended", "start_date": "21/11/2026"}, TODAY)
        with pytest.raises(FieldError, match="already covers that date"):
            safeguarding.set_status(s, amira, {"status": "early_help", "start_date": "01/11/2026"}, TODAY)
    # each start and each end is audited, with no personal data
    assert _audited(store, "safeguarding_status") == 4  # two starts, two ends


def test_a_meeting_records_date_kind_who_attended_and_actions(store):
    ids = caseload_data.build(store)
    with store.write() as s:
        with pytest.raises(FormErrors) as err:
            safeguarding.add_meeting(s, ids["ben"], {"meeting_date": "", "kind": "tea party"}, TODAY)
        assert set(err.value.by_field()) == {"meeting_date", "kind", "attended"}
        safeguarding.add_meeting(
            s,
            ids["ben"],
            {
                "meeting_date": "18/11/2026",
                "kind": "taf_meeting",
                "attended": "Family Hub keyworker, Mum, me",
                "actions": "Hub to arrange respite.\nReview in six weeks.",
            },
            TODAY,
        )
        (m,) = safeguarding.meetings(s, ids["ben"])
    assert m.describe() == (
        "18/11/2026 Team Around the Family meeting; attended: Family Hub keyworker, Mum, "
        "me; actions: Hub to arrange respite. Review in six weeks."
    )
    assert _audited(store, "safeguarding_meeting") == 1


def test_the_caseload_flags_the_status_in_force(store):
    ids = caseload_data.build(store)
    with store.write() as s:
        safeguarding.set_status(
            s, ids["chloe"], {"status": "child_protection", "start_date": "02/11/2026"}, TODAY
        )
        safeguarding.set_status(s, ids["ben"], {"status": "early_help", "start_date": "02/06/2026"}, TODAY)
        safeguarding.set_status(s, ids["ben"], {"status": "ended", "start_date": "02/09/2026"}, TODAY)
        safeguarding.set_status(
            s, ids["amira"], {"status": "child_in_need", "start_date": "24/11/2026"}, TODAY
        )
        rows = {r.name: r.flag for r in search.window(s, CaseloadQuery(), TODAY).rows}
    assert rows["Chloe Evans"] == "CP · 18 on 30/12/2026"  # the status first, then the age flag
    assert rows["Amira Khan"] == "CIN"
    assert rows["Ben Taylor"] == ""  # ended in September
    assert rows["Zain Khan"] == ""


def test_the_return_counts_carers_by_status_during_the_quarter_and_signposting(store):
    ids = caseload_data.build(store)
    with store.write() as s:
        for who, status, start in (
            ("amira", "child_in_need", "01/06/2026"),
            ("ben", "early_help", "01/08/2026"),
            ("chloe", "early_help", "01/10/2026"),
        ):  # Chloe's is after Q2
            safeguarding.set_status(s, ids[who], {"status": status, "start_date": start}, TODAY)
        safeguarding.set_status(
            s, ids["amira"], {"status": "child_protection", "start_date": "01/09/2026"}, TODAY
        )
        kooth = dict(signposting.organisations(s))["Kooth"]
        bank = dict(signposting.organisations(s))["Local food bank"]
        for who, org, day in (
            ("amira", kooth, "03/07/2026"),
            ("ben", kooth, "30/09/2026"),
            ("ben", bank, "12/08/2026"),
            ("zain", bank, "01/10/2026"),
        ):
            signposting.add_signposting(s, ids[who], {"organisation": org, "signposted_date": day}, TODAY)
        counts = returns_casework.count(s, Q2)
    assert counts.by_status == (
        ("child_in_need", "Child in Need", 1),
        ("child_protection", "Child Protection", 1),
        ("early_help", "Early Help (Team Around the Family)", 1),
    )
    assert counts.carers_with_status == 2  # Amira stepped up in the quarter: one carer, both statuses
    assert counts.signposting == (("Kooth", 2), ("Local food bank", 1))


# -- handover at 18 ------------------------------------------------------------------------------


def test_the_handover_to_adult_services(store):
    ids = caseload_data.build(store)
    with store.write() as s:
        with pytest.raises(FormErrors) as err:  # Zain is 12
            handover.record_handover(s, ids["zain"], {"asc_referral_date": "20/11/2026"}, TODAY)
        assert (
            "cannot be before their 17th birthday (03/09/2031)" in err.value.by_field()["asc_referral_date"]
        )
        with pytest.raises(FormErrors) as err:
            handover.record_handover(s, ids["chloe"], {"asc_outcome": "declined"}, TODAY)
        assert "before its outcome" in err.value.by_field()["asc_referral_date"]
        done = handover.record_handover(
            s, ids["chloe"], {"asc_referral_date": "20/11/2026", "yac_handover_date": "24/11/2026"}, TODAY
        )
        assert done.lines() == [
            "Referred to Adult Social Care 20/11/2026: Waiting for Adult Social Care",
            "Handed over to the young adult carers' offer 24/11/2026",
        ]
        done = handover.record_handover(
            s, ids["chloe"], {"asc_referral_date": "20/11/2026", "asc_outcome": "assessed_support"}, TODAY
        )
        chloe = s.get(Carer, ids["chloe"])
        assert (chloe.asc_referral_date, chloe.asc_outcome, chloe.yac_handover_date) == (
            date(2026, 11, 20),
            "assessed_support",
            None,
        )
    assert _audited(store, "carer") >= 2


# -- signposting ---------------------------------------------------------------------------------


def test_signposting_from_the_list_and_a_manager_adds_to_it(store):
    ids = caseload_data.build(store)
    with store.read() as s:
        names = [n for n, _i in signposting.organisations(s)]
    assert {"Kooth", "School counselling service", "Local food bank"} <= set(names)
    me = Context(TODAY, ids["me"])  # Sam Worker, a manager
    with store.read() as s:
        tom = s.exec(select(Carer.worker_id).where(Carer.id == ids["ben"])).one()
    with pytest.raises(UserError, match="Only a manager"):
        casework.add_organisation(store, {"name": "Dover Food Bank"}, Context(TODAY, tom))
    new = casework.add_organisation(store, {"name": "Dover Food Bank", "kind": "food bank"}, me)
    with pytest.raises(FieldError, match="already on the list"):
        casework.add_organisation(store, {"name": "dover food bank"}, me)
    with pytest.raises(FormErrors) as err:
        casework.add_signposting(
            store, ids["amira"], {"organisation": "", "signposted_date": "x", "outcome": "maybe"}, me
        )
    assert set(err.value.by_field()) == {"organisation", "signposted_date", "outcome"}
    casework.add_signposting(
        store,
        ids["amira"],
        {
            "organisation": new,
            "signposted_date": "20/11/2026",
            "outcome": "engaged",
            "note": "Mum went with her",
        },
        me,
    )
    view = casework.load(store, ids["amira"], me)
    assert [x.describe() for x in view.signposting] == [
        "20/11/2026 Dover Food Bank: Engaged with them (Mum went with her)"
    ]
    assert _audited(store, "signposting") == 1 and _audited(store, "signposting_organisation") == 1


def test_the_organisation_list_is_shared_by_every_laptop():
    from db.outbox import is_synced
    from ycworker.team.server.service import SHARED

    assert "signposting_organisation" in SHARED and is_synced("signposting_organisation")
    assert is_synced("signposting") and is_synced("safeguarding_status") and is_synced("safeguarding_meeting")


# -- language and access -------------------------------------------------------------------------


def test_language_on_the_carer_and_the_family_and_its_marker(store):
    ids = caseload_data.build(store)
    with store.write() as s:
        with pytest.raises(FormErrors) as err:
            language.save(
                s, ids["amira"], {"interpreter_needed": "perhaps", "family_interpreter_needed": "yes"}
            )
        assert set(err.value.by_field()) == {"interpreter_needed", "family_first_language"}
        access = language.save(
            s,
            ids["amira"],
            {
                "first_language": "English",
                "family_first_language": "Urdu",
                "family_interpreter_needed": "yes",
                "family_communication_needs": "Mum cannot read English: phone rather than write",
            },
        )
        assert access.lines() == [
            "Young carer: first language English",
            "Family: first language Urdu; INTERPRETER NEEDED (Urdu); communication needs: Mum cannot read "
            "English: phone rather than write",
        ]
        # Zain shares the household: the family's needs are his family's too
        markers = language.markers(s, [ids["amira"], ids["zain"], ids["ben"]])
        assert markers == {ids["amira"]: "family interpreter: Urdu", ids["zain"]: "family interpreter: Urdu"}
        # Ben has no household: one is made for the family's needs
        language.save(
            s,
            ids["ben"],
            {
                "first_language": "Polish",
                "interpreter_needed": "yes",
                "family_communication_needs": "Dad is Deaf and uses BSL",
            },
        )
        ben = s.get(Carer, ids["ben"])
        assert ben.household_id is not None
        assert s.get(Household, ben.household_id).communication_needs == "Dad is Deaf and uses BSL"
        assert language.markers(s, [ids["ben"]]) == {ids["ben"]: "interpreter: Polish"}


def test_the_register_and_the_day_sheet_show_the_marker(store):
    ids = register_data.build(store, n=3)
    with store.write() as s:
        language.save(s, ids["carers"][1], {"first_language": "Polish", "interpreter_needed": "yes"})
        reg = registers.load_register(s, ids["session"])
        assert {r.carer_id: r.access for r in reg.rows}[ids["carers"][1]] == "interp. Polish"
        assert {r.access for r in reg.rows if r.carer_id != ids["carers"][1]} == {""}
    from tests.helpers.bookings import activity_with_children
    from ycworker.bookings import bookings
    from ycworker.bookings.bookings import BookingDetails

    aid, day_ids, kids = activity_with_children(store, n=2)
    with store.write() as s:
        language.save(s, kids[0], {"communication_needs": "Autistic: give notice of changes"})
        for kid in kids:
            bookings.book(s, aid, kid, None, BookingDetails(emergency_contact="Mum 0770"), None, TODAY)
        sheet = day_sheet.build(s, day_ids[0])
    md = day_sheet.render_markdown(sheet)
    assert "### Amira Adams (" in md and "[communication needs]" in md
    assert "**Language and access:** Amira Adams (communication needs)" in md


# -- the migration -------------------------------------------------------------------------------


def test_the_migration_brings_an_existing_file_up(tmp_path):
    path = tmp_path / "old.db"
    s = open_store(path, PASSPHRASE, migrate=False)
    upgrade_store(s, "0011")
    stamp = "2026-11-01 10:00:00.000000"
    with s.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO household (id, created_at, updated_at, ref, name, address, postcode, "
                "phone) VALUES ('h1', :t, :t, 'H-1', 'Khan family', '', '', '')"
            ),
            {"t": stamp},
        )
        conn.execute(
            text(
                "INSERT INTO carer (id, created_at, updated_at, carer_ref, first_name, last_name, "
                "preferred_name, date_of_birth, sex, ethnicity, disability, phone, email, caring_tasks, "
                "status, needs_referral_details, fsm, send, household_id) VALUES ('c1', :t, :t, 'YC-1', "
                "'Amira', 'Khan', '', '2008-05-01', 'F', 'APKN', 0, '', '', '', 'open', 0, 0, 0, 'h1')"
            ),
            {"t": stamp},
        )
    s.close()

    s = open_store(path, PASSPHRASE)  # migrates to head, with a backup first
    try:
        assert current_revision(s) == head_revision()
        assert s.backup_path is not None and s.backup_path.exists()
        with s.read() as session:
            carer = session.get(Carer, "c1")
            family = session.get(Household, "h1")
            orgs = session.exec(select(Organisation.name)).all()
            assert (
                carer.first_language,
                carer.interpreter_needed,
                carer.communication_needs,
                carer.asc_referral_date,
                carer.asc_outcome,
                carer.yac_handover_date,
            ) == ("", False, "", None, None, None)
            assert (family.first_language, family.interpreter_needed, family.communication_needs) == (
                "",
                False,
                "",
            )
            assert {"Kooth", "Local food bank", "School counselling service"} <= set(orgs)
            assert session.exec(select(SafeguardingStatus)).all() == []
        with s.write() as session:  # the new tables take the existing carer's records
            safeguarding.set_status(
                session, "c1", {"status": "early_help", "start_date": "01/11/2026"}, TODAY
            )
            kooth = dict(signposting.organisations(session))["Kooth"]
            signposting.add_signposting(
                session, "c1", {"organisation": kooth, "signposted_date": "02/11/2026"}, TODAY
            )
            handover.record_handover(session, "c1", {"asc_referral_date": "20/11/2026"}, TODAY)
        with s.read() as session:
            assert len(session.exec(select(Signposting)).all()) == 1
            assert session.get(Carer, "c1").asc_outcome == "pending"
    finally:
        s.close()


# -- the demo ------------------------------------------------------------------------------------


def test_the_demo_fills_the_casework_realistically(store):
    from ycworker.demo import generate

    generate(store, 600, seed=3, today=TODAY)
    with store.read() as s:
        conn = s.connection()
        carers = conn.execute(text("SELECT count(*) FROM carer")).scalar_one()
        with_status = conn.execute(
            text("SELECT count(DISTINCT carer_id) FROM safeguarding_status")
        ).scalar_one()
        statuses = set(conn.execute(text("SELECT DISTINCT status FROM safeguarding_status")).scalars())
        meetings = conn.execute(text("SELECT count(*) FROM safeguarding_meeting")).scalar_one()
        adults, referred = conn.execute(
            text(
                "SELECT count(*), sum(asc_referral_date IS NOT NULL) FROM carer "
                "WHERE date(date_of_birth, '+18 years') <= :t"
            ),
            {"t": TODAY.isoformat()},
        ).one()
        young_referred = conn.execute(
            text(
                "SELECT count(*) FROM carer WHERE asc_referral_date IS NOT NULL "
                "AND asc_referral_date < date(date_of_birth, '+17 years')"
            )
        ).scalar_one()
        signposted = conn.execute(text("SELECT count(DISTINCT carer_id) FROM signposting")).scalar_one()
        top = conn.execute(
            text(
                "SELECT o.name FROM signposting s JOIN signposting_organisation o "
                "ON o.id = s.organisation_id GROUP BY o.name ORDER BY count(*) DESC"
            )
        ).first()
        families, interpreting = conn.execute(
            text("SELECT count(*), sum(interpreter_needed) FROM household")
        ).one()
        bad_periods = conn.execute(
            text("SELECT count(*) FROM safeguarding_status WHERE end_date < start_date OR start_date > :t"),
            {"t": TODAY.isoformat()},
        ).scalar_one()
    assert 0.02 * carers <= with_status <= 0.09 * carers  # a few percent CIN / CP / Early Help
    assert statuses == {"child_in_need", "child_protection", "early_help"} and meetings >= with_status
    assert 0.3 * adults <= referred <= 0.8 * adults and young_referred == 0  # handovers for 18+
    assert 0.08 * carers <= signposted <= 0.3 * carers and top[0] == "Kooth"
    assert 0.005 * families <= interpreting <= 0.08 * families  # a few interpreter-needed families
    assert bad_periods == 0


# -- pilot tests: the real record screen, keys only ----------------------------------------------


async def _record(pilot, app, carer_id: str, name: str) -> None:
    app.open_carer(carer_id)
    await on_screen(pilot, "CarerRecordScreen")
    await until_shows(pilot, name, "Safeguarding (g status, m meeting):")


async def test_pilot_safeguarding_status_and_meeting_then_the_caseload_flag(make_app, store):
    ids = caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await unlocked(pilot)
        await _record(pilot, app, ids["amira"], "Amira Khan")
        assert "No Child in Need, Child Protection or Early Help status." in screen_text(app)
        await pilot.press("g")
        await on_screen(pilot, "FormModal")
        await pilot.press("ctrl+s")  # no status chosen: said beside the field, the form stays
        await until_shows(pilot, "Safeguarding status is needed.")
        await pilot.press("enter", "down", "down", "enter")  # the second: Child Protection
        await until_shows(pilot, "Child Protection")
        await pilot.press("tab", *["backspace"] * 10, *"20/11/2026", "ctrl+s")
        await on_screen(pilot, "CarerRecordScreen")
        await until(
            pilot,
            lambda: "SAFEGUARDING: Child Protection since 20/11/2026" in screen_text(app),
            lambda: f"the record does not show the status: {screen_text(app)}",
        )
        await pilot.press("m")
        await on_screen(pilot, "FormModal")
        await pilot.press("tab", "enter", "down", "down", "enter")  # Kind: Child Protection conference
        await pilot.press("tab", *"Social worker, school DSL, Mum, me", "tab", *"Weekly visits", "ctrl+s")
        await on_screen(pilot, "CarerRecordScreen")
        await until(
            pilot,
            lambda: (
                "Meeting 24/11/2026 Child Protection conference; attended: Social worker, "
                "school DSL, Mum, me; actions: Weekly visits" in screen_text(app)
            ),
            lambda: f"the record does not show the meeting: {screen_text(app)}",
        )
        await pilot.press("escape")
        await pilot.press("c")
        await on_screen(pilot, "CaseloadScreen")
        await until_shows(pilot, "Amira Khan")
        amira = next(line for line in frame_text(app).splitlines() if "Amira Khan" in line)
        assert amira.rstrip().endswith("CP")
    with store.read() as s:
        assert safeguarding.current(s, ids["amira"], TODAY).start_date == date(2026, 11, 20)
        assert len(safeguarding.meetings(s, ids["amira"])) == 1


async def test_pilot_handover_signposting_and_language(make_app, store):
    ids = caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await unlocked(pilot)
        # Zain is 12: the referral date is refused beside its field, and the form keeps it.
        await _record(pilot, app, ids["zain"], "Zain Khan")
        await pilot.press("d")
        await on_screen(pilot, "FormModal")
        await pilot.press(*"20/11/2026", "ctrl+s")
        await until(pilot, lambda: "cannot be before their 17th birthday (03/09/2031)" in screen_text(app),
                    lambda: f"the form does not refuse the date: {screen_text(app)}")
        assert app.screen.query_one("#f-asc_referral_date").value == "20/11/2026"
        await pilot.press("escape")
        await on_screen(pilot, "CarerRecordScreen")
        await pilot.press("escape")

        # Chloe turns 18 next month: referred to Adult Social Care, handed to the young adult carers.
        await _record(pilot, app, ids["chloe"], "Chloe Evans")
        await pilot.press("d")
        await on_screen(pilot, "FormModal")
        # Outcome: the second, "Carer's assessment: support agreed"
        await pilot.press(*"20/11/2026", "tab", "enter", "down", "down", "enter")
        await pilot.press("tab", *"24/11/2026", "ctrl+s")
        await on_screen(pilot, "CarerRecordScreen")
        await until(
            pilot,
            lambda: (
                "Referred to Adult Social Care 20/11/2026: Carer's assessment: support agreed"
                in screen_text(app)
                and "Handed over to the young adult carers' offer 24/11/2026" in screen_text(app)
            ),
            lambda: f"the record does not show the handover: {screen_text(app)}",
        )

        # Signposted to Kooth from the list.
        await pilot.press("k")
        await on_screen(pilot, "FormModal")
        await pilot.press("enter", *"Koo", "enter", "ctrl+s")
        await on_screen(pilot, "CarerRecordScreen")
        await until(
            pilot,
            lambda: "24/11/2026 Kooth: Referred / details given" in screen_text(app),
            lambda: f"the record does not show the signposting: {screen_text(app)}",
        )

        # Language and access: the family needs an interpreter.
        await pilot.press("l")
        await on_screen(pilot, "FormModal")
        await pilot.press(
            *"English", "tab", "tab", "tab", *"Polish", "tab", "enter", "down", "enter", "ctrl+s"
        )
        await on_screen(pilot, "CarerRecordScreen")
        await until(
            pilot,
            lambda: "Family: first language Polish; INTERPRETER NEEDED (Polish)" in screen_text(app),
            lambda: f"the record does not show the language: {screen_text(app)}",
        )
    with store.read() as s:
        chloe = s.get(Carer, ids["chloe"])
        assert (chloe.asc_outcome, chloe.yac_handover_date, chloe.first_language) == (
            "assessed_support",
            date(2026, 11, 24),
            "English",
        )
        assert s.get(Household, chloe.household_id).interpreter_needed is True
        assert len(s.exec(select(Signposting).where(Signposting.carer_id == ids["chloe"])).all()) == 1


async def test_pilot_the_register_shows_the_language_marker(make_app, store):
    ids = register_data.build(store, n=3)
    with store.write() as s:
        language.save(s, ids["carers"][1], {"first_language": "Polish", "interpreter_needed": "yes"})
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await unlocked(pilot)
        app.open_register(ids["session"])
        await until_shows(pilot, "[interp. Polish]")
        line = next(x for x in frame_text(app).splitlines() if "[interp. Polish]" in x)
        assert "Ben Smith" in line  # beside the name of the child who needs one


async def test_pilot_the_returns_screen_counts_statuses_and_signposting(make_app, store):
    ids = caseload_data.build(store)
    with store.write() as s:
        safeguarding.set_status(
            s, ids["amira"], {"status": "child_in_need", "start_date": "01/08/2026"}, TODAY
        )
        kooth = dict(signposting.organisations(s))["Kooth"]
        signposting.add_signposting(
            s, ids["ben"], {"organisation": kooth, "signposted_date": "12/08/2026"}, TODAY
        )
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await open_returns(pilot)  # the last full quarter: July to September 2026
        await until_shows(
            pilot,
            "Carers by safeguarding status (not in the files): Child in Need 1 · Child Protection 0 · "
            "Early Help 0 · all 1",
            "Signposting by organisation (not in the files): Kooth 1",
        )


def test_the_record_keys_are_in_the_palette():
    from screens.common.palette import area_actions

    titles = {a.title for a in area_actions() if a.cls.__name__ == "CarerRecordScreen"}
    assert {"Safeguarding status [g]", "Safeguarding meeting [m]", "Handover at 18 [d]", "Signposting [k]",
            "Add an organisation to the signposting list [K]", "Language and access [l]"} <= titles
