"""A small service with hostile names and notes, for the return's file tests."""

from __future__ import annotations

from datetime import date

from db.models import (
    AwarenessSession,
    BusPass,
    Feedback,
    Review,
    ReviewOutcome,
    SafeguardingEntry,
    TrainingSession,
    TripleCEntry,
)
from tests.helpers import factories as f

HOSTILE_FIRST = "=HYPERLINK(\"http://evil\")"
HOSTILE_LAST = "Zebedee-Quux"
NOTE = "SECRETNOTE told me about her mum"
DOB = date(2011, 2, 17)
REFS = ("YC-ABC123", "YC-ABC124", "YC-ABC125")
HOUSEHOLD_REF = "HREF-777"


def seed(s) -> dict:
    """Carers across two quarters (2025-26 Q1 and Q2), siblings, hostile text everywhere."""
    d1 = f.district(s, "+Dover")  # a district name a spreadsheet would run without the prefix
    d2 = f.district(s, "Thanet")
    home = f.household(s, ref="HREF-777", name="Quux family", address="1 Secret Street",
                       postcode="CT1 1ZZ")
    a = f.carer(s, first_name=HOSTILE_FIRST, last_name=HOSTILE_LAST, date_of_birth=DOB,
                household_id=home.id, district_id=d1.id, sex="F", ethnicity="WBRI", impact_level="high",
                caring_tasks=NOTE, carer_ref="YC-ABC123")
    b = f.carer(s, first_name="@Sum(A1)", last_name="\tTabby", date_of_birth=date(2009, 12, 25),
                household_id=home.id, district_id=d1.id, sex="M", ethnicity="APKN", carer_ref="YC-ABC124")
    c = f.carer(s, first_name="-2+3", last_name="Lone", date_of_birth=date(2014, 3, 3),
                district_id=d2.id, sex="U", ethnicity="NOBT", carer_ref="YC-ABC125")
    f.referral(s, a.id, date(2025, 5, 1), source="school", consent="given", allocated_date=date(2025, 5, 2),
               assessment_completed_date=date(2025, 5, 20), reason=NOTE, referrer_name="Mrs =Evil",
               referrer_contact="07700 900123")
    f.referral(s, b.id, date(2025, 7, 1), source="gp", consent="given", allocated_date=date(2025, 7, 10),
               reason=NOTE, closure_note=NOTE)
    f.referral(s, c.id, date(2025, 8, 4), source="self", consent="refused", closed_date=date(2025, 8, 5),
               closure_reason="consent_not_given", closure_note=NOTE)
    r = Review(carer_id=a.id, review_date=date(2025, 8, 1), notes=NOTE, satisfaction_comment=NOTE)
    s.add(r)
    s.flush()
    s.add(ReviewOutcome(review_id=r.id, outcome="OUT01", rating="improved"))
    s.add(ReviewOutcome(review_id=r.id, outcome="OUT02", rating="no_change"))
    s.add(Feedback(feedback_date=date(2025, 8, 2), satisfied=True, comment=NOTE, carer_id=a.id))
    s.add(TrainingSession(session_date=date(2025, 8, 3), title=NOTE, professionals_trained=9))
    f.school(s, name="=St Evil's", champion_since=date(2024, 1, 1), champion_name="Ms Champion")
    # the service log's free text, and a safeguarding theme naming a person: none of it may leave
    s.add(AwarenessSession(session_date=date(2025, 8, 4), headcount=40, notes=NOTE))
    s.add(TripleCEntry(entry_date=date(2025, 8, 5), kind="complaint", theme="SECRETTHEME", detail=NOTE,
                       response="SECRETRESPONSE", responded_date=date(2025, 8, 6)))
    s.add(SafeguardingEntry(entry_date=date(2025, 8, 6), theme="SECRETSAFEGUARDING about Zebedee-Quux",
                            action="SECRETACTION", carer_id=a.id))
    s.add(BusPass(carer_id=a.id, applied_date=date(2025, 8, 1), issued_date=date(2025, 8, 20)))
    s.flush()
    return {"a": a.id, "b": b.id, "c": c.id, "refs": ["YC-ABC123", "YC-ABC124", "YC-ABC125"],
            "household_ref": "HREF-777"}
