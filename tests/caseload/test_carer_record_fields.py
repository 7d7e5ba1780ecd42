"""Random junk typed into any field of the record or the forms gives a field error (or is saved
as given text), never a crash. Each example runs in a transaction that is rolled back."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from db.models import Referral
from tests.helpers import caseload_data
from ycworker.caseload import carers, record, referrals
from ycworker.common.errors import FieldError, FormErrors

TODAY = date(2026, 11, 24)
JUNK = st.one_of(
    st.text(max_size=300),
    st.text(alphabet="0123456789/-. ", max_size=14),
    st.sampled_from(["", " ", "31/02/2012", "00/00/0000", "2012-1-1", "9999-99-99", "[b]x[/b]", "'; DROP",
                     "\x00", "\u202e", "Ω" * 250, "yes", "M", "WBRI", "other", "-1", "1e9"]),
)
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def data(store):
    return caseload_data.build(store)


@contextlib.contextmanager
def rolled_back(store):
    with Session(store.engine, expire_on_commit=False) as session:
        session.begin()
        try:
            yield session
        finally:
            session.rollback()


def _field_error_or_ok(fn):
    try:
        fn()
    except (FieldError, FormErrors) as exc:
        assert str(exc).strip(), "an error with no words"
        if isinstance(exc, FormErrors):
            assert exc.errors and all(e.message for e in exc.errors)


@pytest.mark.parametrize("name", [*carers.PROFILE_FIELDS, *carers.HOUSEHOLD_FIELDS])
@SETTINGS
@given(junk=JUNK)
def test_profile_field_junk_is_a_field_error(store, data, name, junk):
    with rolled_back(store) as s:
        def save():
            shown = carers.update_field(s, data["amira"], name, junk, TODAY)
            assert isinstance(shown, str)
        try:
            save()
        except FieldError as exc:
            assert exc.field == name and exc.message


@pytest.mark.parametrize("name", referrals.REQUEST_FIELDS)
@SETTINGS
@given(junk=JUNK)
def test_support_request_junk_is_a_field_error(store, data, name, junk):
    form = dict(first_name="Leo", last_name="Grant", date_of_birth="04/07/2013", school="Castle Academy",
                district="Dover", source="school", referrer_name="", referrer_contact="",
                reason="Cares for Dad", referral_date="24/11/2026")
    form[name] = junk
    with rolled_back(store) as s:
        try:
            referrals.create_request(s, form, TODAY, None)
        except FormErrors as exc:
            assert {e.field for e in exc.errors} <= {name, "school"}


FORMS = {
    "consent": (referrals.record_consent, {"consent": "given", "consent_date": "24/11/2026",
                                          "consent_given_by": "Mum"}),
    "allocate": (referrals.allocate, {"worker": "", "allocated_date": "24/11/2026"}),
    "close": (referrals.close, {"closure_reason": "other", "closed_date": "24/11/2026",
                                "closure_note": ""}),
}


@pytest.mark.parametrize("which,field", [(w, f) for w, (_fn, form) in FORMS.items() for f in form])
@SETTINGS
@given(junk=JUNK)
def test_referral_form_junk_is_a_field_error(store, data, which, field, junk):
    fn, base = FORMS[which]
    form = dict(base)
    if which == "allocate":
        form["worker"] = data["tom"]
    form[field] = junk
    with rolled_back(store) as s:
        ref_id = s.exec(select(Referral.id).where(Referral.carer_id == data["zain"])).one()
        _field_error_or_ok(lambda: fn(s, ref_id, form, TODAY, None))


@pytest.mark.parametrize("field", ["kind", "mode", "contact_date", "duration_minutes", "note"])
@SETTINGS
@given(junk=JUNK)
def test_contact_junk_is_a_field_error(store, data, field, junk):
    form = {"kind": "phone_call", "mode": "phone", "contact_date": "23/11/2026", "duration_minutes": "10",
            "note": "ok"}
    form[field] = junk
    with rolled_back(store) as s:
        _field_error_or_ok(lambda: carers.add_contact(s, data["amira"], form, TODAY, None))


@pytest.mark.parametrize("field", ["name", "relationship", "conditions", "notes", "existing"])
@SETTINGS
@given(junk=JUNK)
def test_cared_for_junk_is_a_field_error(store, data, field, junk):
    form: dict[str, object] = {"name": "Sarah", "relationship": "mother", "conditions": ["mental_health"],
                               "notes": ""}
    form[field] = [junk] if field == "conditions" else junk
    with rolled_back(store) as s:
        _field_error_or_ok(lambda: carers.add_cared_for(s, data["amira"], form, None))


@SETTINGS
@given(junk=JUNK)
def test_sibling_junk_is_a_field_error(store, data, junk):
    with rolled_back(store) as s:
        _field_error_or_ok(lambda: carers.add_sibling(s, data["ben"], junk, None))


def test_known_values_are_saved_and_shown_back(store, data):
    with store.write() as s:
        assert carers.update_field(s, data["amira"], "date_of_birth", "2012-05-02", TODAY) == "02/05/2012"
        assert carers.update_field(s, data["amira"], "sex", " f ", TODAY) == "F"
        assert carers.update_field(s, data["amira"], "ethnicity", "wbri", TODAY) == "WBRI"
        assert carers.update_field(s, data["amira"], "postcode", "ct161aa", TODAY) == "CT16 1AA"
        assert carers.update_field(s, data["amira"], "district", "thanet", TODAY) == "thanet"
        assert carers.update_field(s, data["amira"], "send", "Y", TODAY) == "yes"
    with store.write() as s:
        rec = record.load_record(s, data["amira"], TODAY)
    assert (rec.date_of_birth, rec.sex, rec.ethnicity, rec.postcode, rec.district, rec.send) == (
        date(2012, 5, 2), "F", "WBRI", "CT16 1AA", "Thanet", True)
    assert [p.name for p in rec.siblings] == ["Zain Khan"]


@pytest.mark.parametrize("name,typed", [("phone", "07700 900123"), ("date_of_birth", "02/05/2012"),
                                        ("postcode", "ct16 1aa"), ("school", "Castle Academy")])
def test_the_same_value_saved_again_writes_and_audits_nothing(store, data, name, typed):
    """Enter and then leaving a field both save it: the second, unchanged, is not a change."""
    from db.models import AuditEntry, Carer, Household

    def audits(s):
        return s.exec(select(AuditEntry).where(AuditEntry.action == "update")).all()

    with store.write() as s:
        first = carers.update_field(s, data["amira"], name, typed, TODAY)
    with store.read() as s:
        stamps = (s.get(Carer, data["amira"]).updated_at, s.get(Household, data["khan"]).updated_at)
        before = len(audits(s))
    assert before == 1
    with store.write() as s:
        assert carers.update_field(s, data["amira"], name, typed, TODAY) == first
    with store.read() as s:
        assert len(audits(s)) == before
        assert (s.get(Carer, data["amira"]).updated_at, s.get(Household, data["khan"]).updated_at) == stamps
    with store.write() as s:  # a real change is still saved and audited
        carers.update_field(s, data["amira"], name, "" if name in ("phone", "postcode", "school")
                            else "03/05/2012", TODAY)
    with store.read() as s:
        assert len(audits(s)) == before + 1
