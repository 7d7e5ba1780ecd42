"""Test data for the assessment, plan and review tests (no tests here): a small caseload.

* amira, 14: allocated on Mon 16 Nov 2026 to "me", no assessment yet (deadline Mon 7 Dec).
* ben, 17 (18 on 01/03/2027): allocated, first assessment completed 01/06/2026 with MACA 14.
* cara, 12: referral not allocated yet.
"""

from __future__ import annotations

from datetime import date

from db.models import Assessment, AssessmentScore, AssessmentSection
from tests.helpers import factories


def build(store) -> dict[str, str]:
    with store.write() as s:
        me = factories.worker(s, "Sam Worker", initials="SW")
        boss = factories.worker(s, "Morgan Manager", role="manager", initials="MM")
        amira = factories.carer(s, "Amira", "Khan", date(2012, 5, 1), carer_ref="YC-AAA111", worker_id=me.id)
        ra = factories.referral(s, amira.id, date(2026, 11, 9), consent="given", worker_id=me.id,
                                allocated_date=date(2026, 11, 16), reason="Helps Mum")
        ben = factories.carer(s, "Ben", "Walsh", date(2009, 3, 1), carer_ref="YC-BBB222", worker_id=me.id,
                              impact_level="high")
        rb = factories.referral(s, ben.id, date(2026, 5, 1), consent="given", worker_id=me.id,
                                allocated_date=date(2026, 5, 5), assessment_completed_date=date(2026, 6, 1),
                                impact_level="high")
        first = Assessment(carer_id=ben.id, referral_id=rb.id, kind="initial", status="completed",
                           started_date=date(2026, 5, 20), completed_date=date(2026, 6, 1),
                           completed_by_id=me.id, participants="carer, parents", info_shared_in_advance=True,
                           info_in_usable_form=True, combined_with_other=False, impact_level="high")
        s.add(first)
        s.flush()
        for item in range(1, 19):
            s.add(AssessmentScore(assessment_id=first.id, instrument="MACA-YC18", item=item,
                                  score=1 if item <= 14 else 0))
        s.add(AssessmentSection(assessment_id=first.id, section="care_provided", text="Cooks every night."))
        cara = factories.carer(s, "Cara", "Doyle", date(2014, 2, 2), carer_ref="YC-CCC333")
        rc = factories.referral(s, cara.id, date(2026, 11, 20))
        return {"me": me.id, "boss": boss.id, "amira": amira.id, "ref_amira": ra.id, "ben": ben.id,
                "ref_ben": rb.id, "ben_first": first.id, "cara": cara.id, "ref_cara": rc.id}


FULL = {
    "care_provided": "Cooks tea and helps Mum wash most evenings.",
    "reliance": "Dad works nights; Amira is the only one there.",
    "impact": "Tired at school; has stopped going to netball.",
    "excessive_tasks": "Personal care for Mum: not appropriate at 14.",
    "wishes": "Wants a break and to go back to netball.",
    "education": "Year 9; attendance 88%.",
    "participants": ["carer", "parents"],
    "info_shared_in_advance": True,
    "info_in_usable_form": True,
    "combined_with_other": False,
    "impact_level": "high",
}
